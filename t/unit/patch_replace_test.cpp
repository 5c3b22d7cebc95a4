// "replace" (RFC 7644 §3.5.2.3).
#include "patch_test_support.hpp"

using namespace patch_test;

class PatchReplace : public PatchTest {};

TEST_F(PatchReplace, SetsASingleValuedAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"displayName","value":"Barbara J."})"));
    EXPECT_TRUE(jsonEqual(attr("displayName"), R"("Barbara J.")"));
}

TEST_F(PatchReplace, UnsetAttributeIsAdded) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"locale","value":"en-US"})"));
    EXPECT_TRUE(jsonEqual(attr("locale"), R"("en-US")"));
}

TEST_F(PatchReplace, BooleanAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"active","value":false})"));
    EXPECT_TRUE(jsonEqual(attr("active"), "false"));
}

TEST_F(PatchReplace, ComplexValueReplacesOnlyTheSubAttributesGiven) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"name","value":{"givenName":"Barb"}})"));
    EXPECT_TRUE(jsonEqual(attr("name"), R"({"givenName":"Barb","familyName":"Jensen"})"));
}

TEST_F(PatchReplace, NullSubAttributeInAComplexValueUnsetsIt) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"name","value":{"givenName":"Barb","familyName":null}})"));
    EXPECT_TRUE(jsonEqual(attr("name"), R"({"givenName":"Barb"})"));
}

TEST_F(PatchReplace, SubAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"name.familyName","value":"Jensen-Smith"})"));
    EXPECT_TRUE(jsonEqual(attr("name"), R"({"givenName":"Barbara","familyName":"Jensen-Smith"})"));
}

TEST_F(PatchReplace, MultiValuedWithoutFilterReplacesAll) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"emails","value":[{"value":"only@example.com","type":"work"}]})"));
    EXPECT_TRUE(jsonEqual(attr("emails"), R"([{"value":"only@example.com","type":"work"}])"));
}

TEST_F(PatchReplace, MultiValuedWithSingleObject) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"emails","value":{"value":"only@example.com"}})"));
    EXPECT_TRUE(jsonEqual(attr("emails"), R"([{"value":"only@example.com"}])"));
}

TEST_F(PatchReplace, FilterReplacesMatchingElements) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"addresses[type eq \"work\"]",
        "value":{"type":"work","streetAddress":"911 Universal City Plaza","locality":"Hollywood","primary":true}})"));
    EXPECT_TRUE(jsonEqual(attr("addresses"), R"([
        {"type":"work","streetAddress":"911 Universal City Plaza","locality":"Hollywood","primary":true},
        {"type":"home","streetAddress":"456 Hollywood Blvd","locality":"Hollywood"}])"));
}

TEST_F(PatchReplace, FilterReplacementKeepsTheFiltersEqTerms) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"emails[type eq \"home\"]","value":{"value":"new@home.example"}})"));
    EXPECT_TRUE(jsonEqual(attr("emails")[1], R"({"value":"new@home.example","type":"home"})"));
}

TEST_F(PatchReplace, FilterSubAttributeReplacesInMatchingElements) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"addresses[type eq \"work\"].streetAddress","value":"1 Studio Way"})"));
    EXPECT_TRUE(jsonEqual(attr("addresses")[0], R"({"type":"work","streetAddress":"1 Studio Way",
        "locality":"Hollywood","primary":true})"));
    EXPECT_TRUE(jsonEqual(attr("addresses")[1]["streetAddress"], R"("456 Hollywood Blvd")"));
}

TEST_F(PatchReplace, FilterWithAndSelectsOnlyElementsMatchingBoth) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"addresses[type eq \"work\" and primary eq true].locality","value":"Burbank"})"));
    EXPECT_TRUE(jsonEqual(attr("addresses")[0]["locality"], R"("Burbank")"));
    EXPECT_TRUE(jsonEqual(attr("addresses")[1]["locality"], R"("Hollywood")"));
}

TEST_F(PatchReplace, FilterMatchingSeveralElementsChangesThemAll) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"addresses[locality eq \"Hollywood\"].locality","value":"LA"})"));
    EXPECT_TRUE(jsonEqual(attr("addresses")[0]["locality"], R"("LA")"));
    EXPECT_TRUE(jsonEqual(attr("addresses")[1]["locality"], R"("LA")"));
}

TEST_F(PatchReplace, FilterMatchingNothingCreatesTheElement) {
    doc.RemoveMember("emails");
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"emails[type eq \"work\"].value","value":"babs@work.example"})"));
    EXPECT_TRUE(jsonEqual(attr("emails"), R"([{"type":"work","value":"babs@work.example"}])"));
}

TEST_F(PatchReplace, FilterMatchingNothingAppendsToExistingElements) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"emails[type eq \"other\"]","value":{"value":"x@other.example"}})"));
    EXPECT_TRUE(jsonEqual(attr("emails")[2], R"({"value":"x@other.example","type":"other"})"));
}

TEST_F(PatchReplace, CreatedElementTakesAllEqTerms) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"phoneNumbers[type eq \"mobile\" and primary eq true].value","value":"555-0123"})"));
    EXPECT_TRUE(jsonEqual(attr("phoneNumbers"), R"([{"value":"555-0100","type":"work"},
        {"type":"mobile","primary":true,"value":"555-0123"}])"));
}

TEST_F(PatchReplace, NonEqFilterMatchingNothingIsNoTarget) {
    auto r = ops(R"({"op":"replace","path":"emails[value co \"nowhere\"].type","value":"other"})");
    EXPECT_EQ(scimType(r), "noTarget");
    auto r2 = ops(R"({"op":"replace","path":"emails[type eq \"a\" or type eq \"b\"].value","value":"x"})");
    EXPECT_EQ(scimType(r2), "noTarget");
}

TEST_F(PatchReplace, SubAttributeOfAllElementsWithoutFilter) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"addresses.country","value":"US"})"));
    EXPECT_TRUE(jsonEqual(attr("addresses")[0]["country"], R"("US")"));
    EXPECT_TRUE(jsonEqual(attr("addresses")[1]["country"], R"("US")"));
}

TEST_F(PatchReplace, PrimaryThroughAFilterMovesPrimary) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"emails[type eq \"home\"].primary","value":true})"));
    EXPECT_TRUE(jsonEqual(attr("emails"), R"([{"value":"bjensen@example.com","type":"work"},
        {"value":"babs@home.example","type":"home","primary":true}])"));
}

TEST_F(PatchReplace, AllWithTwoPrimariesKeepsTheLast) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"emails","value":[
        {"value":"a@example.com","primary":true},{"value":"b@example.com","primary":true}]})"));
    EXPECT_TRUE(jsonEqual(attr("emails"), R"([{"value":"a@example.com"},{"value":"b@example.com","primary":true}])"));
}

TEST_F(PatchReplace, WithoutPathReplacesEachAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"replace","value":{"displayName":"B. Jensen","emails":[{"value":"x@example.com"}],
        "name":{"familyName":"J"}}})"));
    EXPECT_TRUE(jsonEqual(attr("displayName"), R"("B. Jensen")"));
    EXPECT_TRUE(jsonEqual(attr("emails"), R"([{"value":"x@example.com"}])"));
    EXPECT_TRUE(jsonEqual(attr("name"), R"({"givenName":"Barbara","familyName":"J"})"));
}

TEST_F(PatchReplace, EmptyStringClears) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"title","value":""})"));
    EXPECT_FALSE(has("title"));
}

TEST_F(PatchReplace, NullClears) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"emails","value":null},
                          {"op":"replace","path":"name","value":null})"));
    EXPECT_FALSE(has("emails"));
    EXPECT_FALSE(has("name"));
}

TEST_F(PatchReplace, EmptyObjectClearsAComplexAttribute) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"name","value":{}})"));
    EXPECT_FALSE(has("name"));
}

TEST_F(PatchReplace, NullThroughAFilterRemovesTheElements) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"emails[type eq \"home\"]","value":null})"));
    EXPECT_TRUE(jsonEqual(attr("emails"), R"([{"value":"bjensen@example.com","type":"work","primary":true}])"));
}

TEST_F(PatchReplace, ExtensionUrnWithObjectValue) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                          "value":{"department":"Parks"}})"));
    EXPECT_TRUE(jsonEqual(attr(std::string(kEnterprise) + ":department"), R"("Parks")"));
    EXPECT_TRUE(jsonEqual(attr(std::string(kEnterprise) + ":employeeNumber"), R"("701984")"));
}

TEST_F(PatchReplace, ExternalId) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"externalId","value":"okta-00u2"})"));
    EXPECT_TRUE(jsonEqual(attr("externalId"), R"("okta-00u2")"));
}

TEST_F(PatchReplace, GroupDisplayName) {
    useGroup();
    auto r = ops(R"({"op":"replace","path":"displayName","value":"Platform"})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(jsonEqual(doc, R"({"displayName":"Platform","externalId":"okta-00g1"})"));
    EXPECT_TRUE(r->members.empty());
}

TEST_F(PatchReplace, FilterReplacementKeepsTheElementsOwnSpellingOfTheTerms) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":"emails[type eq \"HOME\"]","value":{"value":"new@home.example"}})"));
    EXPECT_TRUE(jsonEqual(attr("emails")[1], R"({"value":"new@home.example","type":"home"})"));
}
