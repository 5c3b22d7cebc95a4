// The PatchOp envelope: schemas, Operations, op names.
#include "patch_test_support.hpp"

using namespace patch_test;

class PatchRequest : public PatchTest {};

TEST_F(PatchRequest, AcceptsTheRfcEnvelope) {
    auto r = ops(R"({"op":"replace","path":"title","value":"Lead"})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(jsonEqual(attr("title"), R"("Lead")"));
}

TEST_F(PatchRequest, AcceptsAMissingSchemas) {
    auto r = run(R"({"Operations":[{"op":"replace","path":"title","value":"Lead"}]})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(jsonEqual(attr("title"), R"("Lead")"));
}

TEST_F(PatchRequest, AcceptsVendorUrnsBesidePatchOp) {
    auto r = run(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp",
                     "urn:example:vendor:1.0"],
                     "Operations":[{"op":"replace","path":"title","value":"Lead"}]})");
    ASSERT_PATCHED(r);
}

TEST_F(PatchRequest, AcceptsSchemasWithOnlyAnUnknownVendorUrn) {
    auto r = run(R"({"schemas":["urn:example:vendor:1.0"],
                     "Operations":[{"op":"replace","path":"title","value":"Lead"}]})");
    ASSERT_PATCHED(r);
}

TEST_F(PatchRequest, RejectsAnotherScimMessage) {
    auto r = run(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                     "Operations":[{"op":"replace","path":"title","value":"Lead"}]})");
    EXPECT_EQ(scimType(r), "invalidSyntax");
    EXPECT_EQ(r.error().status, 400);
    EXPECT_TRUE(jsonEqual(attr("title"), R"("Tour Guide")"));
}

TEST_F(PatchRequest, MatchesThePatchOpUrnCaseInsensitively) {
    auto r = run(R"({"schemas":["URN:IETF:PARAMS:SCIM:API:MESSAGES:2.0:PATCHOP"],
                     "Operations":[{"op":"replace","path":"title","value":"Lead"}]})");
    ASSERT_PATCHED(r);
}

TEST_F(PatchRequest, RejectsSchemasThatAreNotUrns) {
    EXPECT_EQ(scimType(run(R"({"schemas":[42],"Operations":[{"op":"add","path":"title","value":"x"}]})")),
              "invalidSyntax");
    EXPECT_EQ(scimType(run(R"({"schemas":{},"Operations":[{"op":"add","path":"title","value":"x"}]})")),
              "invalidSyntax");
}

TEST_F(PatchRequest, FindsOperationsCaseInsensitively) {
    auto r = run(R"({"operations":[{"op":"replace","path":"title","value":"Lead"}]})");
    ASSERT_PATCHED(r);
    EXPECT_TRUE(jsonEqual(attr("title"), R"("Lead")"));
}

TEST_F(PatchRequest, RejectsAMissingOperations) {
    auto r = run(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]})");
    EXPECT_EQ(scimType(r), "invalidSyntax");
}

TEST_F(PatchRequest, RejectsEmptyOrNonArrayOperations) {
    EXPECT_EQ(scimType(run(R"({"Operations":[]})")), "invalidSyntax");
    EXPECT_EQ(scimType(run(R"({"Operations":{"op":"add"}})")), "invalidSyntax");
    EXPECT_EQ(scimType(run(R"({"Operations":"add"})")), "invalidSyntax");
}

TEST_F(PatchRequest, RejectsABodyThatIsNotAnObject) {
    EXPECT_EQ(scimType(run(R"([{"op":"add","path":"title","value":"x"}])")), "invalidSyntax");
    EXPECT_EQ(scimType(run(R"("patch")")), "invalidSyntax");
}

TEST_F(PatchRequest, RejectsMoreOperationsThanTheLimit) {
    options.maxOperations = 2;
    std::string op = R"({"op":"replace","path":"title","value":"x"})";
    auto r = ops(op + "," + op + "," + op);
    EXPECT_EQ(scimType(r), "invalidSyntax");
    EXPECT_NE(r.error().detail.find("at most 2"), std::string::npos) << r.error().detail;
    EXPECT_TRUE(jsonEqual(attr("title"), R"("Tour Guide")"));
}

TEST_F(PatchRequest, AcceptsExactlyTheLimit) {
    options.maxOperations = 2;
    std::string op = R"({"op":"replace","path":"title","value":"x"})";
    ASSERT_PATCHED(ops(op + "," + op));
}

TEST_F(PatchRequest, AcceptsOpNamesInAnyCase) {
    ASSERT_PATCHED(ops(R"({"op":"Replace","path":"title","value":"A"},
                          {"op":"ADD","path":"nickName","value":"Babs"},
                          {"op":"rEmOvE","path":"displayName"})"));
    EXPECT_TRUE(jsonEqual(attr("title"), R"("A")"));
    EXPECT_TRUE(jsonEqual(attr("nickName"), R"("Babs")"));
    EXPECT_FALSE(has("displayName"));
}

TEST_F(PatchRequest, RejectsUnknownOps) {
    auto r = ops(R"({"op":"move","path":"title","value":"x"})");
    EXPECT_EQ(scimType(r), "invalidSyntax");
    EXPECT_NE(r.error().detail.find("move"), std::string::npos);
}

TEST_F(PatchRequest, RejectsAMissingOrNonStringOp) {
    EXPECT_EQ(scimType(ops(R"({"path":"title","value":"x"})")), "invalidSyntax");
    EXPECT_EQ(scimType(ops(R"({"op":1,"path":"title","value":"x"})")), "invalidSyntax");
    EXPECT_EQ(scimType(ops(R"({"op":null,"path":"title","value":"x"})")), "invalidSyntax");
}

TEST_F(PatchRequest, RejectsAnOperationThatIsNotAnObject) {
    EXPECT_EQ(scimType(ops(R"("add")")), "invalidSyntax");
    EXPECT_EQ(scimType(ops(R"([{"op":"add"}])")), "invalidSyntax");
}

TEST_F(PatchRequest, RejectsANonStringPath) {
    EXPECT_EQ(scimType(ops(R"({"op":"add","path":7,"value":"x"})")), "invalidPath");
}

TEST_F(PatchRequest, ReadsOpPathAndValueKeysCaseInsensitively) {
    ASSERT_PATCHED(ops(R"({"OP":"replace","Path":"title","VALUE":"Lead"})"));
    EXPECT_TRUE(jsonEqual(attr("title"), R"("Lead")"));
}

TEST_F(PatchRequest, ReadsANullOrEmptyPathAsNoPath) {
    ASSERT_PATCHED(ops(R"({"op":"replace","path":null,"value":{"title":"A"}},
                          {"op":"replace","path":"","value":{"nickName":"B"}})"));
    EXPECT_TRUE(jsonEqual(attr("title"), R"("A")"));
    EXPECT_TRUE(jsonEqual(attr("nickName"), R"("B")"));
}

TEST_F(PatchRequest, ErrorDetailNamesTheFailingOperation) {
    auto r = ops(R"({"op":"replace","path":"title","value":"x"},
                    {"op":"replace","path":"nosuch","value":"x"})");
    EXPECT_EQ(scimType(r), "invalidPath");
    EXPECT_EQ(r.error().detail.rfind("Operations[1] (replace nosuch)", 0), 0u) << r.error().detail;
}
