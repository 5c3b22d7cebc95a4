// What apply() reports: docChanged, changedAttributes.
#include "patch_test_support.hpp"

using namespace patch_test;

using Names = std::vector<std::string>;

class PatchOutcome : public PatchTest {};

TEST_F(PatchOutcome, NoOpReportsNoChange) {
    auto r = ops(R"({"op":"replace","path":"title","value":"Tour Guide"},
                    {"op":"add","path":"emails","value":[{"value":"bjensen@example.com","type":"work"}]},
                    {"op":"replace","path":"active","value":"True"})");
    ASSERT_PATCHED(r);
    EXPECT_FALSE(r->docChanged);
    EXPECT_TRUE(r->changedAttributes.empty());
    EXPECT_TRUE(jsonEqual(doc, kUserDoc));
}

TEST_F(PatchOutcome, ChangeThenRevertIsNoChange) {
    auto r = ops(R"({"op":"replace","path":"title","value":"Lead"},
                    {"op":"replace","path":"title","value":"Tour Guide"})");
    ASSERT_PATCHED(r);
    EXPECT_FALSE(r->docChanged);
}

TEST_F(PatchOutcome, ListsChangedAttributesInSchemaOrder) {
    auto r = ops(R"({"op":"replace","path":"externalId","value":"e2"},
                    {"op":"replace","path":"active","value":false},
                    {"op":"add","path":"nickName","value":"B"})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(r->docChanged);
    EXPECT_EQ(r->changedAttributes, (Names{"nickName", "active", "externalId"}));
}

TEST_F(PatchOutcome, ExtensionAttributesAreQualifiedByTheirUrn) {
    auto r = ops(R"({"op":"replace","path":"manager","value":"m2"})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(r->changedAttributes, Names{std::string(kEnterprise) + ":manager"});
}

TEST_F(PatchOutcome, ExtensionRemovalListsEachAttribute) {
    auto r = ops(R"({"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(r->changedAttributes, (Names{std::string(kEnterprise) + ":employeeNumber",
                                           std::string(kEnterprise) + ":department",
                                           std::string(kEnterprise) + ":manager"}));
}

TEST_F(PatchOutcome, NoPasswordWhenNoneWasSent) {
    auto r = ops(R"({"op":"replace","path":"title","value":"Lead"})");
    ASSERT_PATCHED(r);
    EXPECT_FALSE(r->password.has_value());
    EXPECT_TRUE(r->members.empty());
}

TEST_F(PatchOutcome, GroupMembershipAndRename) {
    useGroup();
    auto r = ops(R"({"op":"replace","path":"displayName","value":"Platform"},
                    {"op":"add","path":"members","value":[{"value":"u1"}]})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(r->docChanged);
    EXPECT_EQ(r->changedAttributes, (Names{"displayName", "members"}));
}

TEST_F(PatchOutcome, StoredDocThatIsNotAnObjectStartsEmpty) {
    doc.SetNull();
    auto r = ops(R"({"op":"add","path":"title","value":"Lead"})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(r->docChanged);
    EXPECT_TRUE(jsonEqual(doc, R"({"title":"Lead"})"));
}

TEST_F(PatchOutcome, DocChangedMatchesAnActualDifference) {
    auto r = ops(R"({"op":"add","path":"emails","value":[{"value":"new@example.com"}]})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(r->docChanged);
    EXPECT_FALSE(doc == parse(kUserDoc));
}

// storedChanges: what the user write script's own comparison of the two
// stored documents (lib/diff.lua) lists, so that Redis need not decode them.
TEST_F(PatchOutcome, StoredChangesAreSortedByByteValue) {
    auto r = ops(R"({"op":"replace","path":"externalId","value":"e2"},
                    {"op":"replace","path":"active","value":false},
                    {"op":"add","path":"nickName","value":"B"})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(r->storedChanges, (Names{"active", "externalId", "nickName"}));
}

TEST_F(PatchOutcome, StoredChangesQualifyExtensionMembersByTheirUrn) {
    auto r = ops(R"({"op":"replace","path":"manager","value":"m2"},
                    {"op":"replace","path":"title","value":"Lead"})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(r->storedChanges, (Names{"title", std::string(kEnterprise) + ":manager"}));
}

TEST_F(PatchOutcome, StoredChangesOfARemovedExtensionNameEachMember) {
    auto r = ops(R"({"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"})");
    ASSERT_PATCHED(r);
    Names want{std::string(kEnterprise) + ":department", std::string(kEnterprise) + ":employeeNumber",
               std::string(kEnterprise) + ":manager"};
    EXPECT_EQ(r->storedChanges, want);
}

TEST_F(PatchOutcome, StoredChangesNameThePasswordButNoUnchangedValue) {
    auto r = ops(R"({"op":"replace","path":"password","value":"s3cret!"},
                    {"op":"replace","path":"title","value":"Tour Guide"})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(r->storedChanges, Names{"password"});
}

TEST_F(PatchOutcome, StoredChangesAreEmptyForANoOp) {
    auto r = ops(R"({"op":"replace","path":"active","value":"True"})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(r->storedChanges.empty());
}

TEST_F(PatchOutcome, StoredChangesNameAWholeComplexAttributeOnceForAnInnerChange) {
    auto r = ops(R"({"op":"replace","path":"name.givenName","value":"Barb"},
                    {"op":"replace","path":"emails[type eq \"home\"].value","value":"b@h.example"})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(r->storedChanges, (Names{"emails", "name"}));
}

// Options::listChanged / listStoredChanges: a caller that needs one list
// does not pay for the other; the document and docChanged are the same.
TEST_F(PatchOutcome, ListsOnlyWhatTheCallerAsksFor) {
    options.listChanged = false;
    auto stored = ops(R"({"op":"replace","value":{"active":false}})");
    ASSERT_PATCHED(stored);
    EXPECT_TRUE(stored->docChanged);
    EXPECT_TRUE(stored->changedAttributes.empty());
    EXPECT_EQ(stored->storedChanges, Names{"active"});
    EXPECT_EQ(toString(*findMember(doc, "active")), "false");

    options.listChanged = true;
    options.listStoredChanges = false;
    auto named = ops(R"({"op":"replace","value":{"active":true}})");
    ASSERT_PATCHED(named);
    EXPECT_TRUE(named->docChanged);
    EXPECT_EQ(named->changedAttributes, Names{"active"});
    EXPECT_TRUE(named->storedChanges.empty());
}
