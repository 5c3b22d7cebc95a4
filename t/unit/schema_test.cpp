#include <gtest/gtest.h>

#include "scim/error.hpp"
#include "scim/json.hpp"
#include "scim/schema.hpp"

using namespace scim;

TEST(Schema, ResolvesCoreSubAttributeCaseInsensitively) {
    AttrPath p = resolvePath(userResourceType(), "NAME.givenname");
    ASSERT_NE(p.attr, nullptr);
    EXPECT_EQ(p.attr->name, "name");
    ASSERT_NE(p.subAttr, nullptr);
    EXPECT_EQ(p.subAttr->name, "givenName");
    EXPECT_FALSE(p.extension);
}

TEST(Schema, ResolvesExtensionUrnWithColonAndDot) {
    for (const char *path :
         {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.employeeNumber"}) {
        AttrPath p = resolvePath(userResourceType(), path);
        ASSERT_NE(p.attr, nullptr) << path;
        EXPECT_EQ(p.attr->name, "employeeNumber");
        EXPECT_TRUE(p.extension);
        EXPECT_EQ(p.schema, &enterpriseUserSchema());
    }
}

TEST(Schema, ResolvesCommonAndCoreUrnPrefixedAttributes) {
    EXPECT_NE(resolvePath(userResourceType(), "meta.Created").subAttr, nullptr);
    EXPECT_EQ(resolvePath(userResourceType(), "id").attr->name, "id");
    AttrPath p = resolvePath(userResourceType(), "urn:ietf:params:scim:schemas:core:2.0:User:userName");
    ASSERT_NE(p.attr, nullptr);
    EXPECT_EQ(p.attr->name, "userName");
}

TEST(Schema, UnknownAttributesResolveToNothing) {
    EXPECT_EQ(resolvePath(userResourceType(), "nosuch").attr, nullptr);
    EXPECT_EQ(resolvePath(userResourceType(), "name.nosuch").attr, nullptr);
    EXPECT_EQ(resolvePath(groupResourceType(), "userName").attr, nullptr);
}

TEST(Error, RendersRfcShapeWithStatusAsString) {
    JsonDoc d;
    std::string body = renderError(uniqueness("userName taken"));
    d.Parse(body.c_str());
    ASSERT_TRUE(d.IsObject());
    EXPECT_STREQ(d["schemas"][0].GetString(), "urn:ietf:params:scim:api:messages:2.0:Error");
    EXPECT_STREQ(d["status"].GetString(), "409");
    EXPECT_STREQ(d["scimType"].GetString(), "uniqueness");
    EXPECT_STREQ(d["detail"].GetString(), "userName taken");
    d.Parse(renderError(notFound("x")).c_str());
    EXPECT_FALSE(d.HasMember("scimType"));
}

TEST(Json, RejectsMalformedInvalidUtf8AndDeepInput) {
    EXPECT_FALSE(parseJson("{\"a\":"));
    EXPECT_EQ(parseJson("{} x").error().scimType, "invalidSyntax");
    EXPECT_FALSE(parseJson(std::string("{\"a\":\"\xff\"}")));
    std::string deep(100, '[');
    deep += std::string(100, ']');
    auto r = parseJson(deep, ParseLimits{1 << 20, 32});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().detail.find("32"), std::string::npos);
    EXPECT_TRUE(parseJson("{\"a\":[1,{\"b\":2}]}"));
}
