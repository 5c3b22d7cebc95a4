// What identity providers actually send (shared/idp-compat.md), replayed.
#include "patch_test_support.hpp"

using namespace patch_test;

class PatchDialects : public PatchTest {};

// --- Okta --------------------------------------------------------------------

TEST_F(PatchDialects, OktaDeactivation) {
    auto r = run(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                     "Operations":[{"op":"replace","value":{"active":false}}]})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(jsonEqual(attr("active"), "false"));
    EXPECT_TRUE(r->docChanged);
    EXPECT_EQ(r->changedAttributes, std::vector<std::string>{"active"});
}

TEST_F(PatchDialects, OktaReactivation) {
    doc["active"] = false;
    ASSERT_PATCHED(run(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                           "Operations":[{"op":"replace","value":{"active":true}}]})"));
    EXPECT_TRUE(jsonEqual(attr("active"), "true"));
}

TEST_F(PatchDialects, OktaGroupRenameEchoesTheId) {
    useGroup();
    auto r = run(std::string(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                     "Operations":[{"op":"replace","value":{"id":")") + kGroupId +
                 R"(","displayName":"Engineering All"}}]})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(jsonEqual(doc, R"({"displayName":"Engineering All","externalId":"okta-00g1"})"));
}

TEST_F(PatchDialects, OktaGroupRenameResentUnchangedIsANoOp) {
    useGroup();
    auto r = run(std::string(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                     "Operations":[{"op":"replace","value":{"id":")") + kGroupId +
                 R"(","displayName":"Engineering"}}]})");
    ASSERT_PATCHED(r);
    EXPECT_FALSE(r->docChanged);
    EXPECT_TRUE(r->changedAttributes.empty());
}

TEST_F(PatchDialects, OktaGroupRenameWithAnotherIdIsMutability) {
    useGroup();
    auto r = ops(R"({"op":"replace","value":{"id":"someone-else","displayName":"X"}})");
    EXPECT_EQ(scimType(r), "mutability");
    EXPECT_TRUE(jsonEqual(doc, kGroupDoc));
}

TEST_F(PatchDialects, OktaMemberRemove) {
    useGroup();
    auto r = run(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations":[{"op":"remove","path":"members[value eq \"00u1abcd\"]"}]})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(r->members.remove, std::vector<std::string>{"00u1abcd"});
}

TEST_F(PatchDialects, OktaMemberAdd) {
    useGroup();
    auto r = run(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations":[{"op":"add","path":"members","value":[{"value":"00u1abcd","display":"ann@example.com"}]}]})");
    ASSERT_PATCHED(r);
    ASSERT_EQ(r->members.add.size(), 1u);
    EXPECT_EQ(r->members.add[0].value, "00u1abcd");
    EXPECT_EQ(r->members.add[0].display, "ann@example.com");
    EXPECT_EQ(r->members.add[0].type, "User");
}

TEST_F(PatchDialects, OktaRenamePlusMembershipInOneRequest) {
    useGroup();
    auto r = ops(std::string(R"({"op":"replace","value":{"id":")") + kGroupId +
                 R"(","displayName":"Engineering"}},
                    {"op":"remove","path":"members[value eq \"00u1\"]"},
                    {"op":"add","path":"members","value":[{"value":"00u2","display":"bo@example.com"}]})");
    ASSERT_PATCHED(r);
    EXPECT_FALSE(r->docChanged);
    EXPECT_EQ(r->members.remove, std::vector<std::string>{"00u1"});
    EXPECT_EQ(r->members.add.size(), 1u);
    EXPECT_EQ(r->changedAttributes, std::vector<std::string>{"members"});
}

TEST_F(PatchDialects, OktaReplaceOfAllMembers) {
    useGroup();
    auto r = ops(R"({"op":"replace","path":"members","value":[{"value":"00u1"},{"value":"00u2"}]})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(r->members.clearFirst);
    EXPECT_EQ(r->members.add.size(), 2u);
}

// --- Entra ID, default dialect ---------------------------------------------------

TEST_F(PatchDialects, EntraCapitalisedOpsAndStringBoolean) {
    auto r = run(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                     "Operations":[{"op":"Replace","path":"active","value":"False"}]})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(jsonEqual(attr("active"), "false"));
}

TEST_F(PatchDialects, EntraStringTrue) {
    doc["active"] = false;
    ASSERT_PATCHED(ops(R"({"op":"Replace","path":"active","value":"True"})"));
    EXPECT_TRUE(jsonEqual(attr("active"), "true"));
}

TEST_F(PatchDialects, EntraMultipleOps) {
    auto r = run(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      "Operations":[
        {"op":"Add","path":"displayName","value":"Barbara Jensen"},
        {"op":"Replace","path":"emails[type eq \"work\"].value","value":"barbara@example.com"},
        {"op":"Replace","path":"name.familyName","value":"Jensen-Smith"},
        {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"800001"},
        {"op":"Replace","path":"active","value":"True"}]})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(jsonEqual(attr("displayName"), R"("Barbara Jensen")"));
    EXPECT_TRUE(jsonEqual(attr("emails")[0], R"({"value":"barbara@example.com","type":"work","primary":true})"));
    EXPECT_TRUE(jsonEqual(attr("name")["familyName"], R"("Jensen-Smith")"));
    EXPECT_TRUE(jsonEqual(attr(std::string(kEnterprise) + ":employeeNumber"), R"("800001")"));
    EXPECT_EQ(r->changedAttributes,
              (std::vector<std::string>{"name", "displayName", "emails",
                                        std::string(kEnterprise) + ":employeeNumber"}));
}

TEST_F(PatchDialects, EntraWorkEmailCreatedWhenMissing) {
    doc.RemoveMember("emails");
    ASSERT_PATCHED(ops(R"({"op":"Replace","path":"emails[type eq \"work\"].value","value":"b@example.com"})"));
    EXPECT_TRUE(jsonEqual(attr("emails"), R"([{"type":"work","value":"b@example.com"}])"));
}

TEST_F(PatchDialects, EntraAddOfWorkEmailCreatedWhenMissing) {
    doc.RemoveMember("emails");
    ASSERT_PATCHED(ops(R"({"op":"Add","path":"emails[type eq \"work\"].value","value":"b@example.com"})"));
    EXPECT_TRUE(jsonEqual(attr("emails"), R"([{"type":"work","value":"b@example.com"}])"));
}

TEST_F(PatchDialects, EntraMemberRemovalByValueArray) {
    useGroup();
    auto r = run(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations":[{"op":"Remove","path":"members","value":[{"value":"f648f8d5-ea3b-4d93-a8b9-b8a4e0e3b92c"}]}]})");
    ASSERT_PATCHED(r);
    EXPECT_FALSE(r->members.clearFirst);
    EXPECT_EQ(r->members.remove, std::vector<std::string>{"f648f8d5-ea3b-4d93-a8b9-b8a4e0e3b92c"});
}

TEST_F(PatchDialects, EntraMemberAddWithNullRef) {
    useGroup();
    auto r = run(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"f648f8d5"}]}]})");
    ASSERT_PATCHED(r);
    ASSERT_EQ(r->members.add.size(), 1u);
    EXPECT_EQ(r->members.add[0].value, "f648f8d5");
}

TEST_F(PatchDialects, EntraManagerAsBareString) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"mgr-2"})"));
    EXPECT_TRUE(jsonEqual(attr(std::string(kEnterprise) + ":manager"), R"({"value":"mgr-2"})"));
}

TEST_F(PatchDialects, EntraManagerAsObject) {
    ASSERT_PATCHED(ops(R"({"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"mgr-3"}})"));
    EXPECT_TRUE(jsonEqual(attr(std::string(kEnterprise) + ":manager"), R"({"value":"mgr-3"})"));
}

TEST_F(PatchDialects, EntraManagerUnderTheBareName) {
    ASSERT_PATCHED(ops(R"({"op":"Replace","path":"manager","value":"mgr-4"})"));
    EXPECT_TRUE(jsonEqual(attr(std::string(kEnterprise) + ":manager"), R"({"value":"mgr-4"})"));
}

TEST_F(PatchDialects, EntraManagerValueSubPath) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value","value":"mgr-5"})"));
    EXPECT_TRUE(jsonEqual(attr(std::string(kEnterprise) + ":manager"), R"({"value":"mgr-5"})"));
}

TEST_F(PatchDialects, EntraManagerClearedByRemove) {
    ASSERT_PATCHED(ops(R"({"op":"Remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"})"));
    EXPECT_FALSE(has(std::string(kEnterprise) + ":manager"));
    EXPECT_TRUE(jsonEqual(attr(std::string(kEnterprise) + ":department"), R"("Tour Operations")"));
}

TEST_F(PatchDialects, EntraManagerRemoveWithAValueStillClears) {
    ASSERT_PATCHED(ops(R"({"op":"Remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
                          "value":[{"value":"26118915-6090-4610-87e4-49d8ca9f808d"}]})"));
    EXPECT_FALSE(has(std::string(kEnterprise) + ":manager"));
}

TEST_F(PatchDialects, EntraManagerClearedByEmptyReplace) {
    for (const char *empty : {R"("")", "null", "{}", R"({"value":""})", R"({"value":null})"}) {
        useUser();
        ASSERT_PATCHED(ops(std::string(R"({"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":)") +
                           empty + "}"));
        EXPECT_FALSE(has(std::string(kEnterprise) + ":manager")) << empty;
    }
}

TEST_F(PatchDialects, EntraManagerDisplayNameEchoIsIgnored) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
                          "value":{"value":"mgr-6","displayName":"Boss"}})"));
    EXPECT_TRUE(jsonEqual(attr(std::string(kEnterprise) + ":manager"), R"({"value":"mgr-6"})"));
}

// --- Entra ID with aadOptscim062020 ------------------------------------------------

TEST_F(PatchDialects, EntraDottedKeysInAPathlessReplace) {
    auto r = ops(R"({"op":"replace","value":{
        "name.givenName":"Barb",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"900002",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager":"mgr-7",
        "emails[type eq \"work\"].value":"barb@example.com",
        "active":false}})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(jsonEqual(attr("name"), R"({"givenName":"Barb","familyName":"Jensen"})"));
    EXPECT_TRUE(jsonEqual(attr(kEnterprise), R"({"employeeNumber":"900002","department":"Tour Operations",
        "manager":{"value":"mgr-7"}})"));
    EXPECT_TRUE(jsonEqual(attr("emails")[0]["value"], R"("barb@example.com")"));
    EXPECT_TRUE(jsonEqual(attr("active"), "false"));
}

TEST_F(PatchDialects, EntraDottedUrnKey) {
    ASSERT_PATCHED(ops(R"({"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.department":"Parks"}})"));
    EXPECT_TRUE(jsonEqual(attr(std::string(kEnterprise) + ":department"), R"("Parks")"));
}

TEST_F(PatchDialects, ExtensionUrnKeyWithAnObjectOfAttributes) {
    ASSERT_PATCHED(ops(R"({"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
        {"department":"Parks","manager":{"value":"mgr-8"}}}})"));
    EXPECT_TRUE(jsonEqual(attr(kEnterprise), R"({"employeeNumber":"701984","department":"Parks",
        "manager":{"value":"mgr-8"}})"));
}

TEST_F(PatchDialects, EntraMemberRemovalByFilterLowercase) {
    useGroup();
    auto r = ops(R"({"op":"remove","path":"members[value eq \"f648f8d5\"]"})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(r->members.remove, std::vector<std::string>{"f648f8d5"});
}

// --- OneLogin, JumpCloud, and echoes of a GET ---------------------------------------

TEST_F(PatchDialects, OneLoginEmailsAsASingleObject) {
    ASSERT_PATCHED(ops(R"({"op":"replace","value":{"emails":{"value":"b@onelogin.example","type":"work","primary":true}}})"));
    EXPECT_TRUE(jsonEqual(attr("emails"), R"([{"value":"b@onelogin.example","type":"work","primary":true}])"));
}

TEST_F(PatchDialects, JumpCloudMemberRemovalByValueArray) {
    useGroup();
    auto r = ops(R"({"op":"remove","path":"members","value":[{"value":"jc-1"},{"value":"jc-2"}]})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(r->members.remove, (std::vector<std::string>{"jc-1", "jc-2"}));
}

TEST_F(PatchDialects, PathlessValueEchoingSchemasIdMetaAndGroupsIsTolerated) {
    auto r = ops(std::string(R"({"op":"replace","value":{
        "schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id":")") + kUserId + R"(",
        "meta":{"resourceType":"User","created":"2020-01-01T00:00:00Z"},
        "groups":[{"value":"g1"}],
        "nickName":"Babs"}})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(jsonEqual(attr("nickName"), R"("Babs")"));
    EXPECT_FALSE(has("meta"));
    EXPECT_FALSE(has("groups"));
    EXPECT_FALSE(has("id"));
    EXPECT_FALSE(has("schemas"));
}

TEST_F(PatchDialects, PathlessKeysAreCaseInsensitive) {
    ASSERT_PATCHED(ops(R"({"op":"replace","value":{"DisplayName":"B","NAME.FAMILYNAME":"J"}})"));
    EXPECT_TRUE(jsonEqual(attr("displayName"), R"("B")"));
    EXPECT_TRUE(jsonEqual(attr("name")["familyName"], R"("J")"));
    EXPECT_FALSE(doc.HasMember("DisplayName"));
}

TEST_F(PatchDialects, CoreUrnKeyWithAnObjectOfAttributes) {
    ASSERT_PATCHED(ops(R"({"op":"replace","value":{"urn:ietf:params:scim:schemas:core:2.0:User":{"title":"Lead"}}})"));
    EXPECT_TRUE(jsonEqual(attr("title"), R"("Lead")"));
}

TEST_F(PatchDialects, CapitalisedSubAttributeNamesInValues) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"emails","value":[{"Value":"c@example.com","Type":"other","Primary":true}]})"));
    EXPECT_TRUE(jsonEqual(attr("emails")[2], R"({"value":"c@example.com","type":"other","primary":true})"));
    EXPECT_FALSE(attr("emails")[0].HasMember("primary"));
}
