// "add" (RFC 7644 §3.5.2.1).
#include "patch_test_support.hpp"

using namespace patch_test;

class PatchAdd : public PatchTest {};

TEST_F(PatchAdd, SetsAnUnsetSingleValuedAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"nickName","value":"Babs"})"));
    EXPECT_TRUE(jsonEqual(attr("nickName"), R"("Babs")"));
}

TEST_F(PatchAdd, ReplacesASetSingleValuedAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"title","value":"Lead Guide"})"));
    EXPECT_TRUE(jsonEqual(attr("title"), R"("Lead Guide")"));
}

TEST_F(PatchAdd, MergesIntoAComplexAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"name","value":{"middleName":"Jane","givenName":"Barb"}})"));
    EXPECT_TRUE(jsonEqual(attr("name"),
                          R"({"givenName":"Barb","familyName":"Jensen","middleName":"Jane"})"));
}

TEST_F(PatchAdd, SetsASubAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"name.honorificPrefix","value":"Ms."})"));
    EXPECT_TRUE(jsonEqual(attr("name"),
                          R"({"givenName":"Barbara","familyName":"Jensen","honorificPrefix":"Ms."})"));
}

TEST_F(PatchAdd, CreatesTheComplexAttributeForASubAttribute) {
    doc.RemoveMember("name");
    ASSERT_PATCHED(ops(R"({"op":"add","path":"name.givenName","value":"Barbara"})"));
    EXPECT_TRUE(jsonEqual(attr("name"), R"({"givenName":"Barbara"})"));
}

TEST_F(PatchAdd, AppendsToAMultiValuedAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"emails","value":[{"value":"b@other.example","type":"other"}]})"));
    EXPECT_TRUE(jsonEqual(attr("emails"), R"([
        {"value":"bjensen@example.com","type":"work","primary":true},
        {"value":"babs@home.example","type":"home"},
        {"value":"b@other.example","type":"other"}])"));
}

TEST_F(PatchAdd, CreatesAMultiValuedAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"ims","value":[{"value":"babs","type":"xmpp"}]})"));
    EXPECT_TRUE(jsonEqual(attr("ims"), R"([{"value":"babs","type":"xmpp"}])"));
}

TEST_F(PatchAdd, SingleObjectWhereAnArrayIsExpected) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"phoneNumbers","value":{"value":"555-0199","type":"mobile"}})"));
    EXPECT_TRUE(jsonEqual(attr("phoneNumbers"),
                          R"([{"value":"555-0100","type":"work"},{"value":"555-0199","type":"mobile"}])"));
}

TEST_F(PatchAdd, SkipsAnExactDuplicate) {
    auto r = ops(R"({"op":"add","path":"emails","value":[{"value":"babs@home.example","type":"home"}]})");
    ASSERT_PATCHED(r);
    EXPECT_FALSE(r->docChanged);
    EXPECT_EQ(attr("emails").Size(), 2u);
}

TEST_F(PatchAdd, SkipsAValueAlreadyContained) {
    auto r = ops(R"({"op":"add","path":"emails","value":[{"value":"bjensen@example.com"}]})");
    ASSERT_PATCHED(r);
    EXPECT_FALSE(r->docChanged);
}

TEST_F(PatchAdd, SkipsDuplicatesWithinTheValue) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"ims","value":[{"value":"babs","type":"xmpp"},
                                                          {"value":"babs","type":"xmpp"}]})"));
    EXPECT_EQ(attr("ims").Size(), 1u);
}

TEST_F(PatchAdd, ComparesCaseInsensitiveValuesCaseInsensitively) {
    auto r = ops(R"({"op":"add","path":"emails","value":[{"value":"BABS@home.example","type":"HOME"}]})");
    ASSERT_PATCHED(r);
    EXPECT_FALSE(r->docChanged);
}

TEST_F(PatchAdd, NewPrimaryClearsTheOldOne) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"emails","value":[{"value":"new@example.com","type":"work","primary":true}]})"));
    EXPECT_TRUE(jsonEqual(attr("emails"), R"([
        {"value":"bjensen@example.com","type":"work"},
        {"value":"babs@home.example","type":"home"},
        {"value":"new@example.com","type":"work","primary":true}])"));
}

TEST_F(PatchAdd, TwoNewPrimariesLeaveTheLastOne) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"ims","value":[{"value":"a","primary":true},
                                                          {"value":"b","primary":true}]})"));
    EXPECT_TRUE(jsonEqual(attr("ims"), R"([{"value":"a"},{"value":"b","primary":true}])"));
}

TEST_F(PatchAdd, SetsAnExtensionAttributeByUrnPath) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter","value":"4130"})"));
    EXPECT_TRUE(jsonEqual(attr(std::string(kEnterprise) + ":costCenter"), R"("4130")"));
}

TEST_F(PatchAdd, CreatesTheExtensionObject) {
    doc.RemoveMember(kEnterprise);
    ASSERT_PATCHED(ops(R"({"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"42"})"));
    EXPECT_TRUE(jsonEqual(attr(kEnterprise), R"({"employeeNumber":"42"})"));
}

TEST_F(PatchAdd, ToTheExtensionUrnItself) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                          "value":{"division":"Theme Park","costCenter":"4130"}})"));
    EXPECT_TRUE(jsonEqual(attr(kEnterprise), R"({"employeeNumber":"701984","department":"Tour Operations",
        "manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d"},"division":"Theme Park","costCenter":"4130"})"));
}

TEST_F(PatchAdd, WithoutPathAddsEachAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"add","value":{"nickName":"Babs",
        "emails":[{"value":"b@other.example","type":"other"}]}})"));
    EXPECT_TRUE(jsonEqual(attr("nickName"), R"("Babs")"));
    EXPECT_EQ(attr("emails").Size(), 3u);
}

TEST_F(PatchAdd, EmptyValueAddsNothing) {
    auto r = ops(R"({"op":"add","path":"title","value":null},
                    {"op":"add","path":"emails","value":[]},
                    {"op":"add","path":"name","value":{}},
                    {"op":"add","path":"nickName","value":""})");
    ASSERT_PATCHED(r);
    EXPECT_FALSE(r->docChanged);
    EXPECT_TRUE(jsonEqual(attr("title"), R"("Tour Guide")"));
}

TEST_F(PatchAdd, ValuePathSubAttributeSetsMatchingElements) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"emails[type eq \"home\"].display","value":"Home"})"));
    EXPECT_TRUE(jsonEqual(attr("emails")[1], R"({"value":"babs@home.example","type":"home","display":"Home"})"));
}

TEST_F(PatchAdd, ValuePathMergesIntoMatchingElements) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"addresses[type eq \"home\"]","value":{"postalCode":"90028"}})"));
    EXPECT_TRUE(jsonEqual(attr("addresses")[1], R"({"type":"home","streetAddress":"456 Hollywood Blvd",
        "locality":"Hollywood","postalCode":"90028"})"));
}

TEST_F(PatchAdd, ValuePathMatchingNothingCreatesTheElement) {
    ASSERT_PATCHED(ops(R"({"op":"add","path":"phoneNumbers[type eq \"mobile\"].value","value":"555-0111"})"));
    EXPECT_TRUE(jsonEqual(attr("phoneNumbers"),
                          R"([{"value":"555-0100","type":"work"},{"value":"555-0111","type":"mobile"}])"));
}

TEST_F(PatchAdd, MissingValueIsInvalidValue) {
    auto r = ops(R"({"op":"add","path":"title"})");
    EXPECT_EQ(scimType(r), "invalidValue");
    EXPECT_EQ(scimType(ops(R"({"op":"add"})")), "invalidValue");
}

TEST_F(PatchAdd, PathlessValueMustBeAnObject) {
    EXPECT_EQ(scimType(ops(R"({"op":"add","value":"Babs"})")), "invalidValue");
    EXPECT_EQ(scimType(ops(R"({"op":"add","value":[{"title":"x"}]})")), "invalidValue");
}

TEST_F(PatchAdd, WrongTypeIsInvalidValue) {
    EXPECT_EQ(scimType(ops(R"({"op":"add","path":"active","value":{"a":1}})")), "invalidValue");
}
