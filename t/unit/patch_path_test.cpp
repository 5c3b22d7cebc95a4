// PATCH path parsing: every form of RFC 7644's PATH rule, and its errors.
#include <gtest/gtest.h>

#include "patch_path.hpp"
#include "scim/schema.hpp"

using namespace scim;
using scim::patch::parsePath;

namespace {

const ResourceType &users() { return userResourceType(); }

std::string errorType(std::string_view path, const ResourceType &rt = userResourceType()) {
    auto p = parsePath(rt, path);
    return p ? "ok" : p.error().scimType;
}

}  // namespace

TEST(PatchPath, SimpleAttribute) {
    auto p = parsePath(users(), "title");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->attr->name, "title");
    EXPECT_EQ(p->subAttr, nullptr);
    EXPECT_EQ(p->filter, nullptr);
    EXPECT_FALSE(p->extension);
}

TEST(PatchPath, AttributeNamesAreCaseInsensitive) {
    auto p = parsePath(users(), "NAME.GivenName");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->attr->name, "name");
    EXPECT_EQ(p->subAttr->name, "givenName");
}

TEST(PatchPath, SubAttribute) {
    auto p = parsePath(users(), "name.familyName");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->attr->name, "name");
    EXPECT_EQ(p->subAttr->name, "familyName");
}

TEST(PatchPath, SubAttributeOfAMultiValuedAttribute) {
    auto p = parsePath(users(), "emails.type");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->attr->name, "emails");
    EXPECT_EQ(p->subAttr->name, "type");
    EXPECT_EQ(p->filter, nullptr);
}

TEST(PatchPath, ExtensionAttributeWithColon) {
    auto p = parsePath(users(), "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->attr->name, "manager");
    EXPECT_TRUE(p->extension);
    EXPECT_EQ(p->schema, &enterpriseUserSchema());
}

TEST(PatchPath, ExtensionAttributeWithDot) {
    auto p = parsePath(users(), "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.manager");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->attr->name, "manager");
    EXPECT_TRUE(p->extension);
}

TEST(PatchPath, ExtensionSubAttribute) {
    auto p = parsePath(users(),
                       "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->attr->name, "manager");
    EXPECT_EQ(p->subAttr->name, "value");
    EXPECT_TRUE(p->extension);
}

TEST(PatchPath, ExtensionUrnAlone) {
    auto p = parsePath(users(), "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->attr, nullptr);
    EXPECT_EQ(p->schema, &enterpriseUserSchema());
}

TEST(PatchPath, CoreUrnPrefix) {
    auto p = parsePath(users(), "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->attr->name, "name");
    EXPECT_EQ(p->subAttr->name, "givenName");
    EXPECT_FALSE(p->extension);
}

TEST(PatchPath, ValuePath) {
    auto p = parsePath(users(), R"(emails[type eq "work"])");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->attr->name, "emails");
    ASSERT_NE(p->filter, nullptr);
    EXPECT_EQ(p->subAttr, nullptr);
}

TEST(PatchPath, ValuePathWithSubAttribute) {
    auto p = parsePath(users(), R"(emails[type eq "work"].value)");
    ASSERT_TRUE(p);
    ASSERT_NE(p->filter, nullptr);
    EXPECT_EQ(p->subAttr->name, "value");
}

TEST(PatchPath, ValuePathWithAndFilter) {
    auto p = parsePath(users(), R"(addresses[type eq "work" and primary eq true].streetAddress)");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->attr->name, "addresses");
    EXPECT_EQ(p->subAttr->name, "streetAddress");
    ASSERT_NE(p->filter, nullptr);
    EXPECT_TRUE(std::holds_alternative<filter::Logical>(p->filter->v));
}

TEST(PatchPath, ValuePathOnMembers) {
    auto p = parsePath(groupResourceType(), R"(members[value eq "2819c223"])");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->attr->name, "members");
}

TEST(PatchPath, ValuePathWithCoreUrnPrefix) {
    auto p = parsePath(users(), R"(urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"].value)");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->attr->name, "emails");
    EXPECT_EQ(p->subAttr->name, "value");
}

TEST(PatchPath, BracketInsideAQuotedFilterValue) {
    auto p = parsePath(users(), R"(emails[value eq "a]b@example.com"].type)");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->subAttr->name, "type");
}

TEST(PatchPath, SurroundingBlanksAreIgnored) {
    auto p = parsePath(users(), "  title ");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->attr->name, "title");
}

TEST(PatchPath, UnknownAttributeIsInvalidPath) {
    EXPECT_EQ(errorType("nosuch"), "invalidPath");
    EXPECT_EQ(errorType("userName", groupResourceType()), "invalidPath");
    EXPECT_EQ(errorType("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:nosuch"),
              "invalidPath");
}

TEST(PatchPath, UnknownSubAttributeIsInvalidPath) {
    EXPECT_EQ(errorType("name.nosuch"), "invalidPath");
    EXPECT_EQ(errorType(R"(emails[type eq "work"].nosuch)"), "invalidPath");
    EXPECT_EQ(errorType("title.value"), "invalidPath");
}

TEST(PatchPath, MalformedPathsAreInvalidPath) {
    EXPECT_EQ(errorType(""), "invalidPath");
    EXPECT_EQ(errorType(R"(emails[type eq "work")"), "invalidPath");
    EXPECT_EQ(errorType(R"(emails[type eq "work"]value)"), "invalidPath");
    EXPECT_EQ(errorType(R"(emails[type eq "work"]])"), "invalidPath");
    EXPECT_EQ(errorType("emails]"), "invalidPath");
    EXPECT_EQ(errorType("name..givenName"), "invalidPath");
}

TEST(PatchPath, FilterOnASingleValuedAttributeIsInvalidPath) {
    EXPECT_EQ(errorType(R"(name[givenName eq "x"])"), "invalidPath");
    EXPECT_EQ(errorType(R"(emails.value[type eq "work"])"), "invalidPath");
}

TEST(PatchPath, BadFilterIsInvalidFilter) {
    EXPECT_EQ(errorType(R"(emails[type eq])"), "invalidFilter");
    EXPECT_EQ(errorType(R"(emails[])"), "invalidFilter");
    EXPECT_EQ(errorType(R"(emails[type zz "work"])"), "invalidFilter");
}
