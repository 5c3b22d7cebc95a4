// Error codes, mutability, and all-or-nothing application.
#include "patch_test_support.hpp"

using namespace patch_test;

class PatchErrors : public PatchTest {};

TEST_F(PatchErrors, ThirdOperationFailingLeavesTheDocUntouched) {
    JsonDoc before = parse(kUserDoc);
    auto r = ops(R"({"op":"replace","path":"title","value":"Lead"},
                    {"op":"remove","path":"emails"},
                    {"op":"replace","path":"nosuch","value":1})");
    EXPECT_EQ(scimType(r), "invalidPath");
    EXPECT_TRUE(doc == before) << toString(doc);
}

TEST_F(PatchErrors, FailingMemberOpDiscardsEarlierDocChanges) {
    useGroup();
    auto r = ops(R"({"op":"replace","path":"displayName","value":"X"},
                    {"op":"add","path":"members","value":[{"display":"no id"}]})");
    EXPECT_EQ(scimType(r), "invalidValue");
    EXPECT_TRUE(jsonEqual(doc, kGroupDoc));
}

TEST_F(PatchErrors, UnknownAttributeIsInvalidPath) {
    auto r = ops(R"({"op":"add","path":"favouriteColour","value":"blue"})");
    EXPECT_EQ(scimType(r), "invalidPath");
    EXPECT_EQ(r.error().status, 400);
}

TEST_F(PatchErrors, UnknownKeyInAPathlessValueIsInvalidPath) {
    EXPECT_EQ(scimType(ops(R"({"op":"replace","value":{"favouriteColour":"blue"}})")), "invalidPath");
}

TEST_F(PatchErrors, UnknownExtensionAttributeIsInvalidPath) {
    EXPECT_EQ(scimType(ops(R"({"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"shoeSize":"9"}}})")),
              "invalidPath");
}

TEST_F(PatchErrors, MalformedFilterIsInvalidFilter) {
    auto r = ops(R"({"op":"replace","path":"emails[type eq \"work\" and].value","value":"x"})");
    EXPECT_EQ(scimType(r), "invalidFilter");
    EXPECT_EQ(r.error().status, 400);
}

TEST_F(PatchErrors, UnterminatedValuePathIsInvalidPath) {
    EXPECT_EQ(scimType(ops(R"({"op":"remove","path":"emails[type eq \"work\""})")), "invalidPath");
}

TEST_F(PatchErrors, IdIsReadOnly) {
    EXPECT_EQ(scimType(ops(R"({"op":"replace","path":"id","value":"x"})")), "mutability");
    EXPECT_EQ(scimType(ops(R"({"op":"remove","path":"id"})")), "mutability");
}

TEST_F(PatchErrors, MetaIsReadOnly) {
    EXPECT_EQ(scimType(ops(R"({"op":"replace","path":"meta.lastModified","value":"2020-01-01T00:00:00Z"})")),
              "mutability");
    EXPECT_EQ(scimType(ops(R"({"op":"remove","path":"meta"})")), "mutability");
}

TEST_F(PatchErrors, UserGroupsAreReadOnly) {
    EXPECT_EQ(scimType(ops(R"({"op":"add","path":"groups","value":[{"value":"g1"}]})")), "mutability");
    EXPECT_EQ(scimType(ops(R"({"op":"remove","path":"groups[value eq \"g1\"]"})")), "mutability");
}

TEST_F(PatchErrors, ReadOnlySubAttributeIsMutability) {
    EXPECT_EQ(scimType(ops(R"({"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName","value":"Boss"})")),
              "mutability");
}

TEST_F(PatchErrors, PathlessIdOfAnotherResourceIsMutability) {
    EXPECT_EQ(scimType(ops(R"({"op":"replace","value":{"id":"another"}})")), "mutability");
    EXPECT_EQ(scimType(ops(R"({"op":"add","value":{"id":42}})")), "mutability");
}

TEST_F(PatchErrors, WrongValueTypeIsInvalidValue) {
    EXPECT_EQ(scimType(ops(R"({"op":"replace","path":"active","value":"maybe"})")), "invalidValue");
    EXPECT_EQ(scimType(ops(R"({"op":"replace","path":"name","value":42})")), "invalidValue");
}

TEST_F(PatchErrors, PasswordIsWriteOnly) {
    auto r = ops(R"({"op":"replace","path":"password","value":"t0p-Secret"})");
    ASSERT_PATCHED(r);
    ASSERT_TRUE(r->password.has_value());
    EXPECT_EQ(*r->password, "t0p-Secret");
    EXPECT_FALSE(has("password"));
    EXPECT_FALSE(r->docChanged);
    EXPECT_EQ(r->changedAttributes, std::vector<std::string>{"password"});
}

TEST_F(PatchErrors, PathlessPassword) {
    auto r = ops(R"({"op":"replace","value":{"password":"s3cret","title":"Lead"}})");
    ASSERT_PATCHED(r);
    EXPECT_EQ(r->password.value_or(""), "s3cret");
    EXPECT_FALSE(has("password"));
    EXPECT_TRUE(jsonEqual(attr("title"), R"("Lead")"));
}

TEST_F(PatchErrors, PasswordMustBeANonEmptyString) {
    EXPECT_EQ(scimType(ops(R"({"op":"replace","path":"password","value":""})")), "invalidValue");
    EXPECT_EQ(scimType(ops(R"({"op":"replace","path":"password","value":12345})")), "invalidValue");
}

TEST_F(PatchErrors, PasswordCannotBeRemoved) {
    EXPECT_EQ(scimType(ops(R"({"op":"remove","path":"password"})")), "mutability");
}

TEST_F(PatchErrors, ErrorsUseTheRfcStatus) {
    for (const char *op : {R"({"op":"remove"})", R"({"op":"jump","path":"title"})",
                           R"({"op":"add","path":"nosuch","value":1})",
                           R"({"op":"replace","path":"id","value":"x"})"}) {
        auto r = ops(op);
        ASSERT_FALSE(r) << op;
        EXPECT_EQ(r.error().status, 400) << op;
    }
}
