// Operator-declared indexes (scim_index): which attributes can be indexed,
// how the planner uses them, and the entries the write scripts store.
#include <gtest/gtest.h>

#include "fake_reply.hpp"
#include "scim/query_plan.hpp"
#include "scim/schema_set.hpp"
#include "scim/service/service.hpp"
#include "scim/store/query_scripts.hpp"
#include "scim/store/user_index.hpp"

using namespace scim;

namespace {

const char *const kAcmeUrn = "urn:ietf:params:scim:schemas:extension:acme:2.0:User";

std::shared_ptr<const SchemaSet> acmeSet() {
    std::string error;
    auto e = parseSchemaExtension(R"({"id": "urn:ietf:params:scim:schemas:extension:acme:2.0:User",
        "name": "Acme", "attributes": [
        {"name": "costCenter", "type": "string", "caseExact": true},
        {"name": "seats", "type": "integer"},
        {"name": "pin", "type": "string", "returned": "never"},
        {"name": "tags", "type": "string", "multiValued": true}]})", error);
    EXPECT_TRUE(e) << error;
    std::vector<DeclaredExtension> list;
    list.push_back(std::move(*e));
    return SchemaSet::build(std::move(list), error);
}

std::string refusal(const ResourceType &rt, const std::string &path) {
    std::string error;
    EXPECT_FALSE(indexedAttribute(rt, path, error)) << path;
    return error;
}

std::optional<IndexProbe> probeFor(std::string_view text, const ResourceType &rt,
                                   const std::vector<IndexedAttribute> &indexed) {
    auto node = filter::parse(text);
    EXPECT_TRUE(node) << text;
    return planProbe(**node, rt, indexed);
}

IndexedAttribute indexed(const ResourceType &rt, const std::string &path) {
    std::string error;
    auto a = indexedAttribute(rt, path, error);
    EXPECT_TRUE(a) << error;
    return *a;
}

}  // namespace

TEST(DeclaredIndex, ResolvesCoreEnterpriseAndExtensionAttributes) {
    auto set = acmeSet();
    EXPECT_EQ(indexed(set->user(), "title").path(), "title");
    EXPECT_EQ(indexed(set->user(), "TITLE").path(), "title");
    EXPECT_EQ(indexed(set->user(),
                      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber")
                  .path(),
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber");
    EXPECT_EQ(indexed(set->user(), std::string(kAcmeUrn) + ":costCenter").path(),
              std::string(kAcmeUrn) + ":costCenter");
    EXPECT_EQ(indexed(set->user(), "displayName").path(), "displayName");
}

TEST(DeclaredIndex, RefusesWhatItCannotIndex) {
    auto set = acmeSet();
    const ResourceType &u = set->user();
    std::string error;
    EXPECT_FALSE(indexedAttribute(u, "nosuch", error));
    EXPECT_EQ(error, "");  // unknown: the edge names it
    EXPECT_NE(refusal(u, "name").find("complex"), std::string::npos);
    EXPECT_NE(refusal(u, "name.familyName").find("sub-attribute"), std::string::npos);
    EXPECT_NE(refusal(u, "emails").find("multi-valued"), std::string::npos);
    EXPECT_NE(refusal(u, "active").find("not a string"), std::string::npos);
    EXPECT_NE(refusal(u, std::string(kAcmeUrn) + ":seats").find("not a string"),
              std::string::npos);
    EXPECT_NE(refusal(u, std::string(kAcmeUrn) + ":tags").find("multi-valued"),
              std::string::npos);
    EXPECT_NE(refusal(u, std::string(kAcmeUrn) + ":pin").find("never returned"),
              std::string::npos);
    EXPECT_NE(refusal(u, "userName").find("already indexed"), std::string::npos);
    EXPECT_NE(refusal(u, "externalId").find("already indexed"), std::string::npos);
    EXPECT_NE(refusal(u, "id").find("already indexed"), std::string::npos);
    EXPECT_NE(refusal(set->group(), "displayName").find("already indexed"), std::string::npos);
}

TEST(DeclaredIndex, PlansEqualityAndPrefixOnlyWhenIndexed) {
    auto set = acmeSet();
    const ResourceType &u = set->user();
    std::vector<IndexedAttribute> idx{indexed(u, "title"),
                                      indexed(u, std::string(kAcmeUrn) + ":costCenter")};
    EXPECT_FALSE(probeFor(R"(title eq "Boss")", u, {}));
    auto p = probeFor(R"(title eq "Boss")", u, idx);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->index, IndexName::Declared);
    EXPECT_EQ(p->kind, ProbeKind::Lex);
    EXPECT_EQ(p->path, "title");
    EXPECT_EQ(p->value, "boss");  // title is not caseExact: folded
    EXPECT_FALSE(p->prefix);
    p = probeFor(R"(title sw "Bo")", u, idx);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->value, "bo");
    EXPECT_TRUE(p->prefix);
    // An extension path, caseExact: the value keeps its case.
    std::string ext = std::string(kAcmeUrn) + ":costCenter";
    p = probeFor(ext + R"( eq "CC-12")", u, idx);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->path, ext);
    EXPECT_EQ(p->value, "CC-12");
    EXPECT_FALSE(probeFor(ext + R"( eq "CC-12")", u, {}));
    // Other operators, `or`, and non-string literals scan.
    EXPECT_FALSE(probeFor(R"(title co "Bo")", u, idx));
    EXPECT_FALSE(probeFor(R"(title eq "a" or title eq "b")", u, idx));
    EXPECT_FALSE(probeFor(R"(title eq true)", u, idx));
    // userName's values are unique: its term wins, on either side.
    p = probeFor(R"(userName eq "x" and title eq "Boss")", u, idx);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->index, IndexName::UserName);
    p = probeFor(R"(title eq "Boss" and userName eq "x")", u, idx);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->index, IndexName::UserName);
}

TEST(DeclaredIndex, EntriesTravelWithTheIndexEntries) {
    JsonDoc doc;
    doc.Parse(R"({"userName": "Amy", "title": "Boss",
        "urn:ietf:params:scim:schemas:extension:acme:2.0:User": {"costCenter": "CC-12"}})");
    std::vector<store::UniqueIndex> idx{
        {"k:title", "", "title", false, true},
        {"k:cc", kAcmeUrn, "costCenter", true, true},
        {"k:missing", "", "department", false, true}};
    EXPECT_EQ(store::userIndexEntries(doc, "u1", idx),
              "[[0,\"amy\\u0000u1\"],[\"k:title\",\"boss\\u0000u1\"],"
              "[\"k:cc\",\"CC-12\\u0000u1\"]]");
}

// The entries are written without a DOM: the text is what RapidJSON writes
// for the same array, escapes included, for every kind of entry.
TEST(DeclaredIndex, EntriesAreTheTextOfTheirArray) {
    JsonDoc doc;
    doc.Parse(R"({"userName": "Amy \"Q\" \u00c9", "externalId": "Ext\\1\t",
        "emails": [{"value": "A@Example.com"}, {"value": ""}, {"type": "work"}, {"value": 7}],
        "title": "Boss",
        "urn:ietf:params:scim:schemas:extension:acme:2.0:User": {"costCenter": "CC-12"}})");
    ASSERT_FALSE(doc.HasParseError());
    std::vector<store::UniqueIndex> idx{{"k:title", "", "title", false, true},
                                        {"k:cc", kAcmeUrn, "costCenter", true, false},
                                        {"k:missing", "", "department", false, true}};
    JsonDoc expected(rapidjson::kArrayType);
    auto &a = expected.GetAllocator();
    auto add = [&](std::initializer_list<Json> items) {
        Json e(rapidjson::kArrayType);
        for (const Json &item : items) e.PushBack(Json(item, a), a);
        expected.PushBack(e, a);
    };
    auto s = [&](std::string_view v) { return jstr(v, a); };
    add({Json(0), s(store::lexMember("amy \"q\" \xc3\x89", "u1"))});
    add({Json(1), s(store::lexMember("Ext\\1\t", "u1"))});
    add({Json(2), s(store::lexMember("a@example.com", "u1"))});
    add({s("k:title"), s(store::lexMember("boss", "u1"))});
    add({s("k:cc"), s("CC-12"), s(std::string(kAcmeUrn) + ":costCenter")});
    EXPECT_EQ(store::userIndexEntries(doc, "u1", idx), toString(expected));
    JsonDoc empty(rapidjson::kObjectType);
    EXPECT_EQ(store::userIndexEntries(empty, "u1"), "[]");
}

TEST(DeclaredIndex, ListUsesTheDeclaredKey) {
    ServiceConfig c;
    c.schemaSet = acmeSet();
    c.userIndexes.push_back(indexed(c.userType(), "title"));
    Request r;
    r.method = "GET";
    r.path = "/Users";
    r.query = "filter=title%20eq%20%22Boss%22";
    r.baseUrl = "https://sp.example.com/scim/v2";
    r.tenant = "acme";
    auto m = matchRoute(r.method, r.path);
    auto ex = makeExchange(std::get<Route>(m), std::move(r), c);
    auto cmd = std::get<store::Command>(ex->start());
    EXPECT_EQ(cmd.script, &store::fetchCandidatesScript());
    auto probe = store::fetchCandidatesArgsOf(cmd);
    EXPECT_EQ(probe.indexKey, "scim:{acme}:users:index:title");
    EXPECT_EQ(probe.mode, ProbeKind::Lex);
}
