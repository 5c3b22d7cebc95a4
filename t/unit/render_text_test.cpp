// Rendering by copying the stored text (scim/render_text.hpp) against the
// DOM path it stands in for: renderResource, then applyProjection with an
// empty projection, then a compact write.
#include <gtest/gtest.h>

#include <random>

#include "scim/json.hpp"
#include "scim/render.hpp"
#include "scim/render_text.hpp"
#include "scim/resource.hpp"
#include "scim/schema_set.hpp"

using namespace scim;

namespace {

const char *const kEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const char *const kAcmeUrn = "urn:ietf:params:scim:schemas:extension:acme:2.0:User";

const char *const kAcme = R"({
  "id": "urn:ietf:params:scim:schemas:extension:acme:2.0:User",
  "name": "AcmeUser",
  "attributes": [
    {"name": "costCenter", "type": "string"},
    {"name": "seats", "type": "integer"},
    {"name": "secret", "type": "string", "returned": "never"},
    {"name": "audit", "type": "string", "returned": "request"},
    {"name": "projects", "type": "complex", "multiValued": true, "subAttributes": [
      {"name": "code", "type": "string"},
      {"name": "role", "type": "string"}
    ]},
    {"name": "badge", "type": "complex", "subAttributes": [
      {"name": "number", "type": "string"},
      {"name": "pin", "type": "string", "returned": "never"}
    ]}
  ]
})";

std::shared_ptr<const SchemaSet> acmeSet() {
    std::string error;
    auto e = parseSchemaExtension(kAcme, error);
    EXPECT_TRUE(e) << error;
    e->source = "acme.json";
    std::vector<DeclaredExtension> list;
    list.push_back(std::move(*e));
    auto set = SchemaSet::build(std::move(list), error);
    EXPECT_TRUE(set) << error;
    return set;
}

ResourceMeta meta() {
    return ResourceMeta{"2819c223-7f76-453a-919d-413861904646", "2026-01-02T03:04:05.678Z",
                        "2026-02-03T04:05:06.789Z", 7,
                        "https://example.com/scim/v2/Users/2819c223-7f76-453a-919d-413861904646"};
}

// The DOM path; "" when the document is not a JSON object.
std::string domRender(const ResourceType &rt, const std::string &text, const ResourceMeta &m) {
    JsonDoc doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) return "";
    JsonDoc out = renderResource(rt, doc, m);
    applyProjection(out, rt, Projection{}, out.GetAllocator());
    return toString(out);
}

// The text path; nullopt when it declines.
std::optional<std::string> textRender(const ResourceType &rt, const std::string &text,
                                      const ResourceMeta &m,
                                      const DerivedAttribute *derived = nullptr) {
    JsonOut out;
    JsonWriter w(out);
    if (!renderResourceText(w, rt, text, m, derived)) {
        EXPECT_EQ(out.size(), 0u) << "wrote before declining: " << text;
        return std::nullopt;
    }
    return out.take();
}

// Compact re-serialisation: equal JSON in the same order gives equal text.
std::string normalized(const std::string &text) {
    JsonDoc d;
    d.Parse(text.data(), text.size());
    EXPECT_FALSE(d.HasParseError()) << text;
    return toString(d);
}

}  // namespace

TEST(RenderText, CanonicalUserIsByteEqual) {
    auto set = SchemaSet::builtin();
    std::string doc =
        R"({"externalId":"e-1","userName":"bjensen@example.com","name":{"givenName":"Barbara",)"
        R"("familyName":"Jensen"},"active":true,"emails":[{"value":"b@example.com","type":"work",)"
        R"("primary":true}],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":)"
        R"({"employeeNumber":"701984","manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d"}}})";
    auto text = textRender(set->user(), doc, meta());
    ASSERT_TRUE(text);
    EXPECT_EQ(*text, domRender(set->user(), doc, meta()));
    EXPECT_EQ(text->find(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",)"
                         R"("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],)"
                         R"("id":"2819c223-7f76-453a-919d-413861904646","externalId":"e-1",)"),
              0u)
        << *text;
}

TEST(RenderText, FollowsSchemaOrderAndSpellingWhateverTheStoredOrder) {
    auto set = SchemaSet::builtin();
    std::string doc = R"({"Emails":[{"value":"x@example.com"}],"TITLE":"Boss","unknown":{"a":[1]},)"
                      R"("active":false,"userName":"x","id":"forged","meta":{"version":"W/\"1\""},)"
                      R"("schemas":["forged"],"password":"p","nickName":null})";
    auto text = textRender(set->user(), doc, meta());
    ASSERT_TRUE(text);
    EXPECT_EQ(*text, domRender(set->user(), doc, meta()));
    EXPECT_EQ(text->find("forged"), std::string::npos);
    EXPECT_EQ(text->find("unknown"), std::string::npos);
    EXPECT_EQ(text->find("nickName"), std::string::npos);
}

TEST(RenderText, UnicodeAndEscapesAreCopiedAsStored) {
    auto set = SchemaSet::builtin();
    for (std::string value : {"Zoë Ångström", "日本語のなまえ", "emoji 😀 \\ud83d\\ude00",
                              "quote \\\" backslash \\\\ slash \\/ tab \\t nul \\u0000",
                              "\\u00e9t\\u00e9", "</script>"}) {
        std::string doc = R"({"userName":"u","displayName":")" + value + R"(",)" +
                          R"("name":{"formatted":")" + value + R"("}})";
        auto text = textRender(set->user(), doc, meta());
        ASSERT_TRUE(text) << doc;
        EXPECT_EQ(normalized(*text), domRender(set->user(), doc, meta())) << doc;
    }
}

TEST(RenderText, WhitespaceAndNumberSpellingsAreJsonEqual) {
    auto set = acmeSet();
    std::string doc = std::string("{ \"userName\" :\n\t\"u\" , \"active\" : true ,\r\n \"") +
                      kAcmeUrn + "\" : { \"seats\" : 1e2 , \"costCenter\" : \"CC\" } }";
    auto text = textRender(set->user(), doc, meta());
    ASSERT_TRUE(text);
    EXPECT_EQ(normalized(*text), domRender(set->user(), doc, meta()));
}

TEST(RenderText, ExtensionsListedOnlyWithSomethingToShow) {
    auto set = acmeSet();
    const ResourceType &rt = set->user();
    for (std::string ext : {R"({"secret":"s"})", R"({})", R"({"costCenter":null})", R"("text")",
                            R"([1])", R"(null)", R"({"costCenter":"CC","secret":"s"})",
                            R"({"unknown":1})", R"({"projects":[{"code":"p"}]})"}) {
        std::string doc = std::string(R"({"userName":"u",")") + kAcmeUrn + R"(":)" + ext + "}";
        auto text = textRender(rt, doc, meta());
        ASSERT_TRUE(text) << doc;
        EXPECT_EQ(*text, domRender(rt, doc, meta())) << doc;
        EXPECT_EQ(text->find("\"s\""), std::string::npos) << *text;  // the secret never leaves
    }
}

TEST(RenderText, DeclinesWhatOnlyTheDomPathDoesRight) {
    auto set = acmeSet();
    const ResourceType &rt = set->user();
    std::string acme = std::string("\"") + kAcmeUrn + "\":";
    for (std::string doc : {
             std::string(R"([{"userName":"u"}])"), std::string(R"("u")"), std::string("{"),
             std::string(R"({"userName":"u"} x)"), std::string(""),
             std::string(R"({"userName":"u","USERNAME":"v"})"),      // named twice
             std::string(R"({"userName":"u","name":{}})"),           // empty complex value
             std::string(R"({"userName":"u","emails":[]})"),         // empty multi-valued complex
             std::string(R"({"userName":"u","emails":[{"value":"a"},{}]})"),  // empty element
             "{" + acme + R"({"audit":"a"}})",                       // returned: request
             "{" + acme + R"({"badge":{"number":"1","pin":"2"}}})",  // a sub-attribute never returned
             "{" + acme + R"({"projects":[]}})",
             "{" + acme + "{}," + acme + "{}}",  // the extension twice
         }) {
        EXPECT_FALSE(textRender(rt, doc, meta())) << doc;
    }
}

TEST(RenderText, DerivedGroupsReplaceTheStoredOnesInSchemaPlace) {
    auto set = SchemaSet::builtin();
    std::string doc = R"({"userName":"u","groups":[{"value":"stale"}],"emails":[{"value":"e"}],)"
                      R"("x509Certificates":[{"value":"c"}]})";
    std::string groups = R"([{"value":"g1","display":"Admins","type":"direct"}])";
    DerivedAttribute derived{"groups", groups};
    auto text = textRender(set->user(), doc, meta(), &derived);
    ASSERT_TRUE(text);
    JsonDoc withGroups;
    withGroups.Parse(doc.c_str());
    JsonDoc g(&withGroups.GetAllocator());
    g.Parse(groups.c_str());
    withGroups["groups"] = Json(g, withGroups.GetAllocator());
    EXPECT_EQ(*text, domRender(set->user(), toString(withGroups), meta()));
    EXPECT_EQ(text->find("stale"), std::string::npos);
}

TEST(RenderText, GroupsAndEmptyMetaFields) {
    auto set = SchemaSet::builtin();
    std::string doc = R"({"displayName":"Admins","externalId":"x"})";
    ResourceMeta m{"g-1", "", "", 1, ""};
    auto text = textRender(set->group(), doc, m);
    ASSERT_TRUE(text);
    EXPECT_EQ(*text, domRender(set->group(), doc, m));
}

// Many documents as the module writes them (normalizeResource on varied
// input, then a compact write): the text path takes every one of them and
// is byte-equal to the DOM path.
TEST(RenderText, ByteEqualOverManyNormalizedDocuments) {
    auto set = acmeSet();
    const ResourceType &rt = set->user();
    std::mt19937 rng(12);
    auto pick = [&](std::initializer_list<const char *> options) {
        auto it = options.begin();
        std::advance(it, rng() % options.size());
        return std::string(*it);
    };
    auto strings = {"\"a\"", "\"Zoë\"", "\"日本\"", "\"😀\"", "\"q\\\"b\\\\s/\"", "\"\\u00e9\"",
                    "\"with space\"", "\"x@example.com\""};
    int taken = 0;
    for (int i = 0; i < 500; ++i) {
        std::vector<std::string> members{"\"userName\":" + pick(strings)};
        auto maybe = [&](const std::string &member) {
            if (rng() % 2) members.push_back(member);
        };
        maybe("\"externalId\":" + pick(strings));
        maybe("\"name\":{\"givenName\":" + pick(strings) + ",\"familyName\":" + pick(strings) + "}");
        maybe("\"displayName\":" + pick(strings));
        maybe("\"title\":" + pick(strings));
        maybe("\"active\":" + pick({"true", "false", "\"True\""}));
        maybe("\"emails\":[{\"value\":" + pick(strings) + ",\"type\":\"work\",\"primary\":true}]");
        maybe("\"phoneNumbers\":[{\"value\":\"+1 555\"},{\"value\":" + pick(strings) + "}]");
        maybe("\"roles\":[{\"value\":" + pick(strings) + "}]");
        maybe("\"" + std::string(kEnterprise) + "\":{\"department\":" + pick(strings) +
              ",\"manager\":{\"value\":\"m-1\"}}");
        maybe("\"" + std::string(kAcmeUrn) + "\":{\"costCenter\":" + pick(strings) +
              ",\"seats\":" + pick({"3", "0", "-12", "4.5"}) +
              ",\"projects\":[{\"code\":\"p\",\"role\":\"lead\"}]}");
        maybe("\"" + std::string(kAcmeUrn) + ":secret\":\"s\"");
        std::shuffle(members.begin() + 1, members.end(), rng);
        std::string input = "{";
        for (size_t k = 0; k < members.size(); ++k) input += (k ? "," : "") + members[k];
        input += "}";
        JsonDoc body;
        body.Parse(input.c_str());
        ASSERT_FALSE(body.HasParseError()) << input;
        auto normalizedDoc = normalizeResource(rt, body);
        if (!normalizedDoc) continue;  // e.g. two acme objects in one body
        std::string stored = toString(normalizedDoc->doc);
        auto text = textRender(rt, stored, meta());
        ASSERT_TRUE(text) << stored;
        EXPECT_EQ(*text, domRender(rt, stored, meta())) << stored;
        ++taken;
    }
    EXPECT_GT(taken, 400);
}

TEST(RenderText, DeclinesJsonTheScannerLeavesToTheDomPath) {
    auto set = SchemaSet::builtin();
    const ResourceType &rt = set->user();
    std::string deep = R"({"userName":"u","title":)" + std::string(70, '[') + std::string(70, ']') + "}";
    for (std::string doc : {
             std::string(R"({"userName":"u","title":"\udc00"})"),          // a lone low surrogate
             std::string(R"({"userName":"u","title":"\ud800x"})"),         // a high one alone
             std::string(R"({"user\u004eame":"u"})"),                      // an escape in a name
             std::string(R"({"userName":"u","title":"\x"})"),             // no such escape
             std::string(R"({"userName":"u","title":"\u00g0"})"),
             std::string("{\"userName\":\"u\",\"title\":\"\xc3\x28\"}"),  // invalid UTF-8
             std::string("{\"userName\":\"u\",\"title\":\"\xe0\x80\xaf\"}"),  // overlong
             std::string("{\"userName\":\"u\",\"title\":\"\xed\xa0\x80\"}"),  // a surrogate
             std::string("{\"userName\":\"u\",\"title\":\"a\tb\"}"),      // a raw control
             std::string(R"({"userName":"u","title":1e400})"),             // too big for a double
             std::string(R"({"userName":"u","title":)") + std::string(70, '1') + "}",
             std::string(R"({"userName":"u","title":01})"), std::string(R"({"userName":"u","title":1.})"),
             std::string(R"({"userName":"u","title":-})"), std::string(R"({"userName":"u",})"),
             std::string(R"({"userName":"u","title":tru})"), std::string(R"({"userName" "u"})"),
             std::string(R"({"userName":"u"]})"), std::string(R"({"userName":["u"}})"),
             deep,
         }) {
        EXPECT_FALSE(textRender(rt, doc, meta())) << doc;
    }
}

// One writer over many documents of one type (a page) gives what a fresh
// one gives for each: nothing of a document carries over to the next.
TEST(RenderText, AWriterReusedOverAPageForgetsEachDocument) {
    auto set = acmeSet();
    const ResourceType &rt = set->user();
    std::string acme = std::string("\"") + kAcmeUrn + "\":";
    std::vector<std::string> docs{
        R"({"userName":"a","title":"T","emails":[{"value":"a@x"}]})",
        "{\"userName\":\"b\"," + acme + R"({"costCenter":"C"}})",
        R"({"userName":"c","userName":"d"})",  // declined
        R"({"userName":"e"})",
        "{\"userName\":\"f\"," + acme + R"({"seats":2}})",
    };
    ResourceTextWriter writer(rt);
    for (const std::string &doc : docs) {
        JsonOut out;
        JsonWriter w(out);
        bool taken = writer.write(w, doc, meta());
        auto fresh = textRender(rt, doc, meta());
        ASSERT_EQ(taken, fresh.has_value()) << doc;
        if (taken) {
            EXPECT_EQ(out.take(), *fresh) << doc;
        }
    }
}

// Damaged documents (bytes changed, dropped or cut off): whenever the text
// path takes one, RapidJSON parses it too and the DOM path gives the same
// JSON; whenever RapidJSON refuses one, the text path declines.
TEST(RenderText, DamagedDocumentsAreTakenOnlyWhenTheDomPathAgrees) {
    auto set = acmeSet();
    const ResourceType &rt = set->user();
    std::string base = std::string(R"({"externalId":"e\"1","userName":"Zoë 😀 \u00e9",)") +
                       R"("name":{"givenName":"B","familyName":"J"},"active":true,"title":null,)" +
                       R"("emails":[{"value":"b@x","primary":true}],"x509Certificates":[],)" +
                       "\"" + kAcmeUrn + R"(":{"costCenter":"C","seats":-12.5e-3,)" +
                       R"("projects":[{"code":"p","role":"r"}]}})";
    const std::string alphabet = "{}[]\":,\\ tfnu0-.eE9a\xc3\xa9\xf0\x80";
    std::mt19937 rng(7);
    int taken = 0, refused = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string doc = base;
        for (int k = 0, edits = 1 + static_cast<int>(rng() % 3); k < edits && !doc.empty(); ++k) {
            size_t at = rng() % doc.size();
            switch (rng() % 4) {
            case 0: doc[at] = alphabet[rng() % alphabet.size()]; break;
            case 1: doc.erase(at, 1); break;
            case 2: doc.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
            default: doc.resize(at); break;
            }
        }
        JsonDoc parsed;
        parsed.Parse(doc.data(), doc.size());
        auto text = textRender(rt, doc, meta());
        if (parsed.HasParseError()) {
            EXPECT_FALSE(text) << doc;
            ++refused;
            continue;
        }
        if (!text) continue;
        ++taken;
        EXPECT_EQ(normalized(*text), domRender(rt, doc, meta())) << doc;
    }
    EXPECT_GT(taken, 300);  // most edits break the JSON; some leave it whole
    EXPECT_GT(refused, 2000);
}

// needsEscape tests eight bytes at a time: every byte RapidJSON escapes
// (below 0x20, '"', '\\'), at every position of strings of every length up
// to 24, is found, and the bytes around them (0x20, '!', '#', '[', ']',
// 0x7f, 0x80, 0xdc, 0xff) are not.
TEST(JsonWriter, NeedsEscapeAtEveryPosition) {
    const std::string harmless = std::string(" !#[]") + "\x7f\x80\xdc\xff";
    std::string escaped = "\"\\";
    for (int c = 0; c < 0x20; ++c) escaped.push_back(static_cast<char>(c));
    for (size_t len = 0; len <= 24; ++len) {
        for (size_t i = 0; i < len; ++i) {
            std::string s(len, 'a');
            for (char h : harmless) {
                s[i] = h;
                EXPECT_FALSE(needsEscape(s)) << len << " " << i << " " << int(h);
            }
            for (char e : escaped) {
                s[i] = e;
                EXPECT_TRUE(needsEscape(s)) << len << " " << i << " " << int(e);
            }
        }
        EXPECT_FALSE(needsEscape(std::string(len, 'a')));
    }
}
