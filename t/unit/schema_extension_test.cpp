// The operator's extension schemas: the loader (scim_schema_extension's
// checks), the schema set, and how extension attributes behave in the core.
#include <gtest/gtest.h>

#include "scim/json.hpp"
#include "scim/render.hpp"
#include "scim/resource.hpp"
#include "scim/schema_set.hpp"
#include "patch_path.hpp"
#include "service/stored_patch.hpp"

using namespace scim;

namespace {

const char *const kAcme = R"({
  "id": "urn:ietf:params:scim:schemas:extension:acme:2.0:User",
  "name": "AcmeUser",
  "description": "Acme's attributes",
  "attributes": [
    {"name": "costCenter", "type": "string"},
    {"name": "badge", "type": "string", "uniqueness": "server"},
    {"name": "seats", "type": "integer"},
    {"name": "contractor", "type": "boolean"},
    {"name": "secret", "type": "string", "returned": "never"},
    {"name": "syncToken", "type": "string", "mutability": "readOnly"},
    {"name": "projects", "type": "complex", "multiValued": true, "subAttributes": [
      {"name": "code", "type": "string", "required": true},
      {"name": "role", "type": "string", "canonicalValues": ["lead", "member"]}
    ]}
  ]
})";

std::string errorFor(const std::string &text) {
    std::string error;
    auto e = parseSchemaExtension(text, error);
    EXPECT_FALSE(e) << text;
    return error;
}

// A schema with one attribute, for the attribute-level refusals.
std::string withAttribute(const std::string &attribute) {
    return R"({"id":"urn:example:x:User","attributes":[)" + attribute + "]}";
}

std::shared_ptr<const SchemaSet> acmeSet(bool required = false) {
    std::string error;
    auto e = parseSchemaExtension(kAcme, error);
    EXPECT_TRUE(e) << error;
    e->required = required;
    e->source = "acme.json";
    std::vector<DeclaredExtension> list;
    list.push_back(std::move(*e));
    auto set = SchemaSet::build(std::move(list), error);
    EXPECT_TRUE(set) << error;
    return set;
}

JsonDoc parse(const char *text) {
    JsonDoc d;
    d.Parse(text);
    return d;
}

}  // namespace

TEST(SchemaExtension, LoadsEveryCharacteristic) {
    std::string error;
    auto e = parseSchemaExtension(kAcme, error);
    ASSERT_TRUE(e) << error;
    EXPECT_EQ(e->extends, ExtendedType::User);
    EXPECT_EQ(e->schema.name, "AcmeUser");
    ASSERT_EQ(e->schema.attributes.size(), 7u);
    const Attribute *badge = e->schema.find("BADGE");
    ASSERT_NE(badge, nullptr);
    EXPECT_EQ(badge->uniqueness, Uniqueness::Server);
    EXPECT_EQ(e->schema.find("seats")->type, AttrType::Integer);
    EXPECT_EQ(e->schema.find("secret")->returned, Returned::Never);
    EXPECT_EQ(e->schema.find("syncToken")->mutability, Mutability::ReadOnly);
    const Attribute *projects = e->schema.find("projects");
    ASSERT_TRUE(projects->multiValued);
    EXPECT_TRUE(projects->sub("code")->required);
    EXPECT_EQ(projects->sub("role")->canonicalValues.size(), 2u);
}

TEST(SchemaExtension, TheUrnSaysUserOrGroup) {
    std::string error;
    auto g = parseSchemaExtension(
        R"({"id":"urn:example:acme:2.0:Group","attributes":[{"name":"tier","type":"string"}]})",
        error);
    ASSERT_TRUE(g) << error;
    EXPECT_EQ(g->extends, ExtendedType::Group);
    EXPECT_NE(errorFor(R"({"id":"urn:example:acme:2.0:Device","attributes":[{"name":"a","type":"string"}]})")
                  .find("must end in \":User\" or \":Group\""),
              std::string::npos);
}

TEST(SchemaExtension, RefusesBadFilesNamingTheProblem) {
    struct Case {
        std::string text;
        std::string expected;
    };
    const Case cases[] = {
        {"{\"id\": ", "invalid JSON"},
        {"[]", "must be a JSON object"},
        {R"({"attributes":[]})", "has no \"id\""},
        {R"({"id":"acme","attributes":[{"name":"a","type":"string"}]})", "is not a URN"},
        {R"({"id":"urn:ietf:params:scim:schemas:core:2.0:User","attributes":[{"name":"a","type":"string"}]})",
         "clashes with the core schema"},
        {R"({"id":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","attributes":[{"name":"a","type":"string"}]})",
         "clashes with the core schema"},
        {R"({"id":"urn:example:x:User"})", "has no \"attributes\""},
        {R"({"id":"urn:example:x:User","attributes":[]})", "must be a non-empty array"},
        {R"({"id":"urn:example:x:User","attributes":[],"extra":1})", "unknown member \"extra\""},
        {withAttribute(R"({"name":"a","type":"strng"})"), "unknown type \"strng\""},
        {withAttribute(R"({"name":"a"})"), "has no \"type\""},
        {withAttribute(R"({"name":"a","type":"string"},{"name":"A","type":"integer"})"),
         "duplicate attribute \"A\""},
        {withAttribute(R"({"name":"1a","type":"string"})"), "an attribute name is a letter"},
        {withAttribute(R"({"name":"a","type":"string","mutablity":"readOnly"})"),
         "unknown member \"mutablity\""},
        {withAttribute(R"({"name":"a","type":"string","mutability":"sometimes"})"),
         "unknown mutability"},
        {withAttribute(R"({"name":"a","type":"string","returned":"rarely"})"), "unknown returned"},
        {withAttribute(R"({"name":"a","type":"string","multiValued":"yes"})"),
         "must be true or false"},
        {withAttribute(R"({"name":"a","type":"complex"})"), "has no \"subAttributes\""},
        {withAttribute(R"({"name":"a","type":"string","subAttributes":[]})"), "is not complex"},
        {withAttribute(R"({"name":"a","type":"complex","subAttributes":[{"name":"b","type":"complex","subAttributes":[]}]})"),
         "cannot be complex"},
        {withAttribute(R"({"name":"a","type":"complex","subAttributes":[{"name":"b","type":"string"},{"name":"B","type":"string"}]})"),
         "duplicate attribute \"a\" sub-attribute \"B\""},
        {withAttribute(R"({"name":"a","type":"string","mutability":"writeOnly"})"),
         "writeOnly is not supported"},
        {withAttribute(R"({"name":"a","type":"string","required":true,"mutability":"readOnly"})"),
         "required and readOnly"},
        {withAttribute(R"({"name":"a","type":"integer","uniqueness":"server"})"),
         "uniqueness server is supported only"},
        {withAttribute(R"({"name":"a","type":"string","uniqueness":"global"})"),
         "uniqueness global is not supported"},
    };
    for (const Case &c : cases) {
        std::string error = errorFor(c.text);
        EXPECT_NE(error.find(c.expected), std::string::npos)
            << c.text << "\n  gave: " << error << "\n  expected: " << c.expected;
    }
}

TEST(SchemaExtension, LoadFileNamesUnreadableFiles) {
    std::string error;
    EXPECT_FALSE(loadSchemaExtension("/nonexistent/acme.json", false, error));
    EXPECT_EQ(error, "cannot be read");
}

TEST(SchemaSet, AttachesToTheResourceTypeAndRefusesClashes) {
    auto set = acmeSet(true);
    ASSERT_TRUE(set);
    ASSERT_EQ(set->user().extensions.size(), 2u);  // enterprise, then acme
    EXPECT_TRUE(set->user().extensions[1].required);
    EXPECT_EQ(set->group().extensions.size(), 0u);
    EXPECT_EQ(set->schemas().size(), 4u);
    ASSERT_EQ(set->unique(set->user()).size(), 1u);
    EXPECT_EQ(set->unique(set->user())[0].path(),
              "urn:ietf:params:scim:schemas:extension:acme:2.0:User:badge");
    // The process-wide core resource types are untouched.
    EXPECT_EQ(userResourceType().extensions.size(), 1u);

    std::string error;
    std::vector<DeclaredExtension> two;
    for (const char *file : {"a.json", "b.json"}) {
        auto e = parseSchemaExtension(kAcme, error);
        e->source = file;
        two.push_back(std::move(*e));
    }
    EXPECT_FALSE(SchemaSet::build(std::move(two), error));
    EXPECT_NE(error.find("in \"b.json\" clashes with schema"), std::string::npos) << error;
}

TEST(SchemaSet, ExtensionPathsResolve) {
    auto set = acmeSet();
    AttrPath p = resolvePath(set->user(),
                             "urn:ietf:params:scim:schemas:extension:acme:2.0:User:CostCenter");
    ASSERT_NE(p.attr, nullptr);
    EXPECT_TRUE(p.extension);
    EXPECT_EQ(p.attr->name, "costCenter");
    p = resolvePath(set->user(),
                    "urn:ietf:params:scim:schemas:extension:acme:2.0:User:projects.code");
    ASSERT_NE(p.subAttr, nullptr);
    EXPECT_EQ(p.subAttr->name, "code");
}

TEST(SchemaSet, ExtensionValuesNormaliseLikeCoreOnes) {
    auto set = acmeSet();
    JsonDoc in = parse(R"({"userName":"a",
        "urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"COSTCENTER":"CC-1",
          "contractor":"True","syncToken":"ignored","projects":{"code":"P1"}},
        "urn:ietf:params:scim:schemas:extension:acme:2.0:User:seats":3.0,
        "urn:ietf:params:scim:schemas:extension:unknown:2.0:User":{"x":1}})");
    auto out = normalizeResource(set->user(), in);
    ASSERT_TRUE(out) << out.error().detail;
    EXPECT_EQ(toString(out->doc),
              R"({"userName":"a","urn:ietf:params:scim:schemas:extension:acme:2.0:User":)"
              R"({"costCenter":"CC-1","seats":3,"contractor":true,"projects":[{"code":"P1"}]}})");

    JsonDoc bad = parse(R"({"userName":"a",
        "urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"seats":"many"}})");
    auto refused = normalizeResource(set->user(), bad);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().detail,
              "attribute 'urn:ietf:params:scim:schemas:extension:acme:2.0:User:seats' must be an "
              "integer");
}

TEST(SchemaSet, RequiredExtensionAndAttributes) {
    auto set = acmeSet(true);
    auto missing = checkExtensionRequirements(set->user(), parse(R"({"userName":"a"})"));
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->detail, "the extension 'urn:ietf:params:scim:schemas:extension:acme:2.0:User' "
                               "is required");
    auto noCode = checkExtensionRequirements(
        set->user(), parse(R"({"urn:ietf:params:scim:schemas:extension:acme:2.0:User":)"
                           R"({"projects":[{"role":"lead"}]}})"));
    ASSERT_TRUE(noCode);
    EXPECT_EQ(noCode->detail,
              "attribute 'urn:ietf:params:scim:schemas:extension:acme:2.0:User:projects.code' is "
              "required");
    EXPECT_FALSE(checkExtensionRequirements(
        set->user(),
        parse(R"({"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"x"}})")));
}

// A PATCH must leave a document meeting the requirements only when the
// stored one met them (service/stored_patch.hpp); the stored text is read
// only when the patched document fails them.
TEST(SchemaSet, PatchedDocumentsMeetRequirementsTheStoredOneMet) {
    auto set = acmeSet(true);
    JsonDoc ok = parse(R"({"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"x"}})");
    JsonDoc failing = parse(R"({"userName":"a"})");
    std::string storedOk = toString(ok);
    EXPECT_TRUE(mustMeetExtensionRequirements(set->user(), ok, "not even JSON"));
    EXPECT_TRUE(mustMeetExtensionRequirements(set->user(), failing, storedOk));
    EXPECT_FALSE(mustMeetExtensionRequirements(set->user(), failing, R"({"userName":"a"})"));
    EXPECT_FALSE(mustMeetExtensionRequirements(set->user(), failing, "not even JSON"));
}

TEST(SchemaSet, NeverReturnedValuesStayOut) {
    auto set = acmeSet();
    JsonDoc doc = parse(R"({"userName":"a","urn:ietf:params:scim:schemas:extension:acme:2.0:User":)"
                        R"({"secret":"s"}})");
    JsonDoc out = renderResource(set->user(), doc, ResourceMeta{"1", "", "", 1, ""});
    EXPECT_EQ(toString(out).find("secret"), std::string::npos);
    EXPECT_EQ(toString(out).find("acme"), std::string::npos);  // nothing left to show
}

TEST(SchemaSet, PatchIgnoresOnlyUndeclaredExtensionPaths) {
    auto set = acmeSet();
    const ResourceType &rt = set->user();
    EXPECT_TRUE(patch::underUnknownSchema(
        rt, "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:x"));
    EXPECT_TRUE(patch::underUnknownSchema(rt, " urn:example:other:2.0:User"));
    EXPECT_FALSE(patch::underUnknownSchema(
        rt, "urn:ietf:params:scim:schemas:extension:acme:2.0:User:nosuch"));
    EXPECT_FALSE(patch::underUnknownSchema(
        rt, "URN:IETF:params:scim:schemas:extension:acme:2.0:User.projects[code eq \"x\"]"));
    EXPECT_FALSE(patch::underUnknownSchema(rt, "urn:ietf:params:scim:schemas:core:2.0:User:bogus"));
    EXPECT_FALSE(patch::underUnknownSchema(rt, "name.givenName"));
    // Not declared at this location: ignored there.
    EXPECT_TRUE(patch::underUnknownSchema(
        userResourceType(), "urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter"));
}
