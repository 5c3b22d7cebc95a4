// `attributes` with value filters (docs/idp-quirks.md): Microsoft's
// reference SCIM client asks for `emails[type eq "work"]`.
#include <gtest/gtest.h>

#include <string>

#include "scim/json.hpp"
#include "scim/render.hpp"
#include "scim/schema.hpp"

using namespace scim;

namespace {

constexpr std::string_view kUser = R"({
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "id": "u1", "userName": "bjensen", "displayName": "Babs",
  "emails": [{"value": "b@work.example", "type": "work", "primary": true},
             {"value": "b@home.example", "type": "home"},
             {"value": "b2@work.example", "type": "work"}],
  "phoneNumbers": [{"value": "555", "type": "work"}],
  "name": {"givenName": "Barbara", "familyName": "Jensen"},
  "meta": {"resourceType": "User"}})";

// The user projected by `attributes`, as compact JSON.
std::string project(std::string_view attributes) {
    auto p = parseProjection(attributes, "");
    EXPECT_TRUE(p) << p.error().detail;
    if (!p) return p.error().detail;
    auto doc = parseJson(kUser);
    EXPECT_TRUE(doc);
    applyProjection(*doc, userResourceType(), *p, doc->GetAllocator());
    return toString(*doc);
}

Error refused(std::string_view attributes, std::string_view excluded = "") {
    auto p = parseProjection(attributes, excluded);
    EXPECT_FALSE(p) << attributes;
    return p ? Error{} : p.error();
}

}  // namespace

TEST(ProjectionValueFilter, KeepsOnlyTheMatchingValues) {
    EXPECT_EQ(project(R"(emails[type eq "work"])"),
              R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1",)"
              R"("emails":[{"value":"b@work.example","type":"work","primary":true},)"
              R"({"value":"b2@work.example","type":"work"}]})");
}

TEST(ProjectionValueFilter, WithASubAttributeAndOtherNames) {
    EXPECT_EQ(project(R"(userName, emails[type eq "work" and primary eq true].value)"),
              R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1",)"
              R"("userName":"bjensen","emails":[{"value":"b@work.example"}]})");
}

TEST(ProjectionValueFilter, NoMatchDropsTheAttribute) {
    EXPECT_EQ(project(R"(userName,emails[type eq "other"])"),
              R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1",)"
              R"("userName":"bjensen"})");
}

TEST(ProjectionValueFilter, CommasAndBracketsInsideTheFilter) {
    EXPECT_EQ(project(R"(emails[value eq "x,y]" or type eq "home"],displayName)"),
              R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1",)"
              R"("displayName":"Babs","emails":[{"value":"b@home.example","type":"home"}]})");
}

TEST(ProjectionValueFilter, UnquotedValuesAndAnyCase) {
    EXPECT_EQ(project("Emails[Type eq home].Value"),
              R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1",)"
              R"("emails":[{"value":"b@home.example"}]})");
}

TEST(ProjectionValueFilter, OnASingleValuedComplexAttribute) {
    EXPECT_EQ(project(R"(name[givenName sw "Bar"])"),
              R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1",)"
              R"("name":{"givenName":"Barbara","familyName":"Jensen"}})");
    EXPECT_EQ(project(R"(name[givenName sw "X"])"),
              R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1"})");
    // A simple attribute has no sub-attributes to filter on.
    EXPECT_EQ(project(R"(userName[value eq "bjensen"])"),
              R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1"})");
}

TEST(ProjectionValueFilter, MalformedFormsAreRefused) {
    Error e = refused(R"(emails[type eq "work")");
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.scimType, "invalidValue");
    EXPECT_EQ(refused(R"(emails[type eq])").scimType, "invalidFilter");
    EXPECT_NE(refused(R"(emails[type eq])").detail.find("attributes: in the value filter of 'emails'"),
              std::string::npos);
    EXPECT_EQ(refused(R"([type eq "work"])").scimType, "invalidValue");
    EXPECT_EQ(refused(R"(emails[type eq "work"]x)").scimType, "invalidValue");
    EXPECT_EQ(refused(R"(emails[type eq "work"].)").scimType, "invalidValue");
    EXPECT_EQ(refused(R"(emails[type eq "work"].value[type pr])").scimType, "invalidValue");
    // Only `attributes` takes value filters.
    Error x = refused("", R"(emails[type eq "work"])");
    EXPECT_EQ(x.scimType, "invalidValue");
    EXPECT_NE(x.detail.find("excludedAttributes"), std::string::npos);
}

TEST(ProjectionValueFilter, PlainNamesAreUnchanged) {
    auto p = parseProjection("userName, emails.value", "");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->attributes, (std::vector<std::string>{"userName", "emails.value"}));
    EXPECT_TRUE(p->valueFilters.empty());
    EXPECT_EQ(refused("user name").scimType, "invalidValue");
}
