// "remove" (RFC 7644 §3.5.2.2).
#include "patch_test_support.hpp"

using namespace patch_test;

class PatchRemove : public PatchTest {};

TEST_F(PatchRemove, SingleValuedAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"remove","path":"title"})"));
    EXPECT_FALSE(has("title"));
}

TEST_F(PatchRemove, ComplexAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"remove","path":"name"})"));
    EXPECT_FALSE(has("name"));
}

TEST_F(PatchRemove, SubAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"remove","path":"name.givenName"})"));
    EXPECT_TRUE(jsonEqual(attr("name"), R"({"familyName":"Jensen"})"));
}

TEST_F(PatchRemove, LastSubAttributeUnsetsTheAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"remove","path":"name.givenName"},{"op":"remove","path":"name.familyName"})"));
    EXPECT_FALSE(has("name"));
}

TEST_F(PatchRemove, MultiValuedWithoutFilterRemovesAll) {
    ASSERT_PATCHED(ops(R"({"op":"remove","path":"emails"})"));
    EXPECT_FALSE(has("emails"));
}

TEST_F(PatchRemove, FilterRemovesMatchingElements) {
    ASSERT_PATCHED(ops(R"({"op":"remove","path":"emails[type eq \"home\"]"})"));
    EXPECT_TRUE(jsonEqual(attr("emails"), R"([{"value":"bjensen@example.com","type":"work","primary":true}])"));
}

TEST_F(PatchRemove, FilterRemovingTheLastElementUnsetsTheAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"remove","path":"phoneNumbers[type eq \"work\"]"})"));
    EXPECT_FALSE(has("phoneNumbers"));
}

TEST_F(PatchRemove, FilterWithSubAttributeRemovesItFromMatchingElements) {
    ASSERT_PATCHED(ops(R"({"op":"remove","path":"addresses[type eq \"work\"].locality"})"));
    EXPECT_TRUE(jsonEqual(attr("addresses")[0], R"({"type":"work","streetAddress":"100 Universal City Plaza","primary":true})"));
    EXPECT_TRUE(jsonEqual(attr("addresses")[1]["locality"], R"("Hollywood")"));
}

TEST_F(PatchRemove, SubAttributeOfAllElements) {
    ASSERT_PATCHED(ops(R"({"op":"remove","path":"emails.type"})"));
    EXPECT_TRUE(jsonEqual(attr("emails"), R"([{"value":"bjensen@example.com","primary":true},
        {"value":"babs@home.example"}])"));
}

TEST_F(PatchRemove, ElementLeftEmptyIsDropped) {
    ASSERT_PATCHED(ops(R"({"op":"remove","path":"phoneNumbers[type eq \"work\"].value"})"));
    EXPECT_TRUE(jsonEqual(attr("phoneNumbers"), R"([{"type":"work"}])"));
    ASSERT_PATCHED(ops(R"({"op":"remove","path":"phoneNumbers[type eq \"work\"].type"})"));
    EXPECT_FALSE(has("phoneNumbers"));
}

TEST_F(PatchRemove, FilterMatchingNothingIsNoTarget) {
    auto r = ops(R"({"op":"remove","path":"emails[type eq \"other\"]"})");
    EXPECT_EQ(scimType(r), "noTarget");
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(attr("emails").Size(), 2u);
}

TEST_F(PatchRemove, FilterOnAnUnsetAttributeIsNoTarget) {
    EXPECT_EQ(scimType(ops(R"({"op":"remove","path":"ims[type eq \"xmpp\"]"})")), "noTarget");
}

TEST_F(PatchRemove, UnsetAttributeIsANoOp) {
    auto r = ops(R"({"op":"remove","path":"nickName"})");
    ASSERT_PATCHED(r);
    EXPECT_FALSE(r->docChanged);
}

TEST_F(PatchRemove, WithoutPathIsNoTarget) {
    EXPECT_EQ(scimType(ops(R"({"op":"remove"})")), "noTarget");
    EXPECT_EQ(scimType(ops(R"({"op":"remove","value":{"title":"Tour Guide"}})")), "noTarget");
}

TEST_F(PatchRemove, RequiredAttributeIsMutability) {
    auto r = ops(R"({"op":"remove","path":"userName"})");
    EXPECT_EQ(scimType(r), "mutability");
    EXPECT_TRUE(jsonEqual(attr("userName"), R"("bjensen@example.com")"));
}

TEST_F(PatchRemove, ReplacingARequiredAttributeWithNothingIsMutability) {
    EXPECT_EQ(scimType(ops(R"({"op":"replace","path":"userName","value":""})")), "mutability");
    EXPECT_EQ(scimType(ops(R"({"op":"replace","value":{"userName":null}})")), "mutability");
}

TEST_F(PatchRemove, GroupDisplayNameIsRequired) {
    useGroup();
    EXPECT_EQ(scimType(ops(R"({"op":"remove","path":"displayName"})")), "mutability");
}

TEST_F(PatchRemove, ValueListRemovesOnlyThoseElements) {
    ASSERT_PATCHED(ops(R"({"op":"remove","path":"emails","value":[{"value":"babs@home.example"}]})"));
    EXPECT_TRUE(jsonEqual(attr("emails"), R"([{"value":"bjensen@example.com","type":"work","primary":true}])"));
}

TEST_F(PatchRemove, ValueListNamingAnAbsentValueIsNoTarget) {
    EXPECT_EQ(scimType(ops(R"({"op":"remove","path":"emails","value":[{"value":"nobody@example.com"}]})")),
              "noTarget");
}

TEST_F(PatchRemove, EmptyValueListRemovesAll) {
    ASSERT_PATCHED(ops(R"({"op":"remove","path":"emails","value":[]})"));
    EXPECT_FALSE(has("emails"));
}

TEST_F(PatchRemove, ExtensionAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"})"));
    EXPECT_TRUE(jsonEqual(attr(kEnterprise), R"({"employeeNumber":"701984",
        "manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d"}})"));
}

TEST_F(PatchRemove, LastExtensionAttributeDropsTheExtensionObject) {
    ASSERT_PATCHED(ops(R"({"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"},
        {"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"},
        {"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.manager"})"));
    EXPECT_FALSE(doc.HasMember(kEnterprise));
}

TEST_F(PatchRemove, TheWholeExtension) {
    ASSERT_PATCHED(ops(R"({"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"})"));
    EXPECT_FALSE(doc.HasMember(kEnterprise));
}
