// Group membership: recorded as a MembersChange, never written to the doc.
#include "patch_test_support.hpp"
#include "scim/resource.hpp"

using namespace patch_test;

namespace {

std::vector<std::string> ids(const std::vector<patch::Member> &members) {
    std::vector<std::string> out;
    for (const auto &m : members) out.push_back(m.value);
    return out;
}

using Ids = std::vector<std::string>;

}  // namespace

class PatchMembers : public PatchTest {
protected:
    void SetUp() override { useGroup(); }
};

TEST_F(PatchMembers, AddRecordsMembersAndLeavesTheDocAlone) {
    auto r = ops(R"({"op":"add","path":"members","value":[{"value":"u1","display":"Ann"},{"value":"u2"}]})");
    ASSERT_PATCHED(r);
    EXPECT_FALSE(r->docChanged);
    EXPECT_FALSE(r->members.clearFirst);
    ASSERT_EQ(r->members.add.size(), 2u);
    EXPECT_EQ(r->members.add[0].value, "u1");
    EXPECT_EQ(r->members.add[0].display, "Ann");
    EXPECT_EQ(r->members.add[0].type, "User");
    EXPECT_EQ(r->members.add[1].display, "");
    EXPECT_TRUE(jsonEqual(doc, kGroupDoc));
}

TEST_F(PatchMembers, AddAcceptsASingleObject) {
    auto r = ops(R"({"op":"add","path":"members","value":{"value":"u1"}})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(ids(r->members.add), Ids{"u1"});
}

TEST_F(PatchMembers, AddKeepsTheGivenType) {
    auto r = ops(R"({"op":"add","path":"members","value":[{"value":"g2","type":"group"}]})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(r->members.add[0].type, "Group");
}

TEST_F(PatchMembers, AddRejectsAnUnknownType) {
    EXPECT_EQ(scimType(ops(R"({"op":"add","path":"members","value":[{"value":"u1","type":"Robot"}]})")),
              "invalidValue");
}

TEST_F(PatchMembers, AddIgnoresRef) {
    auto r = ops(R"({"op":"add","path":"members","value":[{"value":"u1","$ref":"https://x/Users/u1"},
                                                          {"$ref":null,"value":"u2"}]})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(ids(r->members.add), (Ids{"u1", "u2"}));
}

TEST_F(PatchMembers, AddRequiresAStringValue) {
    EXPECT_EQ(scimType(ops(R"({"op":"add","path":"members","value":[{"display":"Ann"}]})")), "invalidValue");
    EXPECT_EQ(scimType(ops(R"({"op":"add","path":"members","value":[{"value":42}]})")), "invalidValue");
    EXPECT_EQ(scimType(ops(R"({"op":"add","path":"members","value":[{"value":""}]})")), "invalidValue");
    EXPECT_EQ(scimType(ops(R"({"op":"add","path":"members","value":[7]})")), "invalidValue");
    EXPECT_EQ(scimType(ops(R"({"op":"add","path":"members"})")), "invalidValue");
}

TEST_F(PatchMembers, AddOfTheSameMemberTwiceKeepsOneTheLastDisplayWins) {
    auto r = ops(R"({"op":"add","path":"members","value":[{"value":"u1","display":"A"},{"value":"u1","display":"B"}]})");
    ASSERT_PATCHED(r);
    ASSERT_EQ(r->members.add.size(), 1u);
    EXPECT_EQ(r->members.add[0].display, "B");
}

TEST_F(PatchMembers, AddOfAnEmptyListIsANoOp) {
    auto r = ops(R"({"op":"add","path":"members","value":[]})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(r->members.empty());
    EXPECT_TRUE(r->changedAttributes.empty());
}

TEST_F(PatchMembers, RemoveByFilter) {
    auto r = ops(R"({"op":"remove","path":"members[value eq \"u1\"]"})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(r->members.remove, Ids{"u1"});
    EXPECT_FALSE(r->members.clearFirst);
}

TEST_F(PatchMembers, RemoveByFilterWithOr) {
    auto r = ops(R"({"op":"remove","path":"members[value eq \"u1\" or value eq \"u2\" or value eq \"u3\"]"})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(r->members.remove, (Ids{"u1", "u2", "u3"}));
}

TEST_F(PatchMembers, RemoveByFilterOnOtherAttributesIsInvalidFilter) {
    auto r = ops(R"({"op":"remove","path":"members[display eq \"Ann\"]"})");
    EXPECT_EQ(scimType(r), "invalidFilter");
    EXPECT_NE(r.error().detail.find("value eq"), std::string::npos);
    EXPECT_EQ(scimType(ops(R"({"op":"remove","path":"members[value ne \"u1\"]"})")), "invalidFilter");
    EXPECT_EQ(scimType(ops(R"({"op":"remove","path":"members[value eq \"u1\" and type eq \"User\"]"})")),
              "invalidFilter");
}

TEST_F(PatchMembers, RemoveOfANonMemberIsNotAnError) {
    auto r = ops(R"({"op":"remove","path":"members[value eq \"not-a-member\"]"})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(r->members.remove, Ids{"not-a-member"});
}

TEST_F(PatchMembers, RemoveWithAValueListRemovesOnlyThose) {
    auto r = ops(R"({"op":"remove","path":"members","value":[{"value":"u1"},{"value":"u2"}]})");
    ASSERT_PATCHED(r);
    EXPECT_FALSE(r->members.clearFirst);
    EXPECT_EQ(r->members.remove, (Ids{"u1", "u2"}));
}

TEST_F(PatchMembers, RemoveWithoutValueClearsTheGroup) {
    auto r = ops(R"({"op":"remove","path":"members"})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(r->members.clearFirst);
    EXPECT_TRUE(r->members.add.empty());
    EXPECT_TRUE(r->members.remove.empty());
    EXPECT_EQ(r->changedAttributes, Ids{"members"});
}

TEST_F(PatchMembers, ReplaceClearsThenAdds) {
    auto r = ops(R"({"op":"replace","path":"members","value":[{"value":"u7"}]})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(r->members.clearFirst);
    EXPECT_EQ(ids(r->members.add), Ids{"u7"});
}

TEST_F(PatchMembers, ReplaceWithAnEmptyListClears) {
    auto r = ops(R"({"op":"replace","path":"members","value":[]})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(r->members.clearFirst);
    EXPECT_TRUE(r->members.add.empty());
}

TEST_F(PatchMembers, LaterRemoveCancelsEarlierAdd) {
    auto r = ops(R"({"op":"add","path":"members","value":[{"value":"u1"},{"value":"u2"}]},
                    {"op":"remove","path":"members[value eq \"u1\"]"})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(ids(r->members.add), Ids{"u2"});
    EXPECT_EQ(r->members.remove, Ids{"u1"});
}

TEST_F(PatchMembers, LaterAddCancelsEarlierRemove) {
    auto r = ops(R"({"op":"remove","path":"members[value eq \"u1\"]"},
                    {"op":"add","path":"members","value":[{"value":"u1"}]})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(ids(r->members.add), Ids{"u1"});
    EXPECT_TRUE(r->members.remove.empty());
}

TEST_F(PatchMembers, RemoveAfterClearNeedsNoRemoveList) {
    auto r = ops(R"({"op":"replace","path":"members","value":[{"value":"u1"},{"value":"u2"}]},
                    {"op":"remove","path":"members[value eq \"u2\"]"},
                    {"op":"remove","path":"members[value eq \"u9\"]"})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(r->members.clearFirst);
    EXPECT_EQ(ids(r->members.add), Ids{"u1"});
    EXPECT_TRUE(r->members.remove.empty());
}

TEST_F(PatchMembers, PathlessAddAndReplace) {
    auto r = ops(R"({"op":"add","value":{"members":[{"value":"u1"}]}})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(ids(r->members.add), Ids{"u1"});
    auto r2 = ops(R"({"op":"replace","value":{"displayName":"Ops","members":[{"value":"u2"}]}})");
    ASSERT_PATCHED(r2);
    EXPECT_TRUE(r2->members.clearFirst);
    EXPECT_EQ(ids(r2->members.add), Ids{"u2"});
    EXPECT_TRUE(jsonEqual(doc, R"({"displayName":"Ops","externalId":"okta-00g1"})"));
}

TEST_F(PatchMembers, AddOrReplaceThroughAFilterIsInvalidPath) {
    EXPECT_EQ(scimType(ops(R"({"op":"add","path":"members[value eq \"u1\"]","value":{"value":"u1"}})")),
              "invalidPath");
    EXPECT_EQ(scimType(ops(R"({"op":"replace","path":"members[value eq \"u1\"]","value":{"value":"u2"}})")),
              "invalidPath");
}

TEST_F(PatchMembers, ImmutableSubAttributesAreMutability) {
    EXPECT_EQ(scimType(ops(R"({"op":"replace","path":"members[value eq \"u1\"].value","value":"u2"})")),
              "mutability");
    EXPECT_EQ(scimType(ops(R"({"op":"replace","path":"members.type","value":"Group"})")), "mutability");
}

TEST_F(PatchMembers, DisplayAloneIsInvalidPath) {
    EXPECT_EQ(scimType(ops(R"({"op":"replace","path":"members[value eq \"u1\"].display","value":"Ann"})")),
              "invalidPath");
}

TEST_F(PatchMembers, MembersIsNoUserAttribute) {
    useUser();
    EXPECT_EQ(scimType(ops(R"({"op":"add","path":"members","value":[{"value":"u1"}]})")), "invalidPath");
}

TEST_F(PatchMembers, MembersInTheStoredDocAreNeverTouched) {
    // A doc that (wrongly) holds members is left as it is: membership lives elsewhere.
    doc = parse(R"({"displayName":"Engineering","members":[{"value":"old"}]})");
    auto r = ops(R"({"op":"remove","path":"members"},{"op":"add","path":"members","value":[{"value":"u1"}]})");
    ASSERT_PATCHED(r);
    EXPECT_FALSE(r->docChanged);
    EXPECT_TRUE(jsonEqual(doc, R"({"displayName":"Engineering","members":[{"value":"old"}]})"));
}

// Microsoft's reference SCIM client names a member's display `displayName`
// (docs/idp-quirks.md).
TEST_F(PatchMembers, DisplayNameIsReadAsDisplay) {
    auto r = ops(R"({"op":"add","path":"members","value":[{"value":"u1","displayName":"new User"},)"
                 R"({"value":"u2","display":"Shown","displayName":"Ignored"},{"value":"u3","DisplayName":"Any Case"}]})");
    ASSERT_PATCHED(r);
    ASSERT_EQ(r->members.add.size(), 3u);
    EXPECT_EQ(r->members.add[0].display, "new User");
    EXPECT_EQ(r->members.add[1].display, "Shown");
    EXPECT_EQ(r->members.add[2].display, "Any Case");
    auto r2 = ops(R"({"op":"replace","value":{"members":[{"value":"u4","displayName":"Four"}]}})");
    ASSERT_PATCHED(r2);
    ASSERT_EQ(r2->members.add.size(), 1u);
    EXPECT_EQ(r2->members.add[0].display, "Four");
    EXPECT_EQ(scimType(ops(R"({"op":"add","path":"members","value":[{"value":"u1","displayName":7}]})")),
              "invalidValue");
}

TEST(GroupMembersInput, DisplayNameIsReadAsDisplayInPostAndPut) {
    auto in = parseJson(R"({"displayName":"Eng","members":[{"value":"u1","displayName":"new User"},)"
                        R"({"value":"u2","display":"Shown","displayName":"Ignored"}]})");
    ASSERT_TRUE(in);
    auto out = normalizeResource(groupResourceType(), *in);
    ASSERT_TRUE(out) << out.error().detail;
    EXPECT_TRUE(jsonEqual(out->doc, R"({"displayName":"Eng","members":[{"value":"u1","display":"new User"},)"
                                    R"({"value":"u2","display":"Shown"}]})"))
        << toString(out->doc);
}
