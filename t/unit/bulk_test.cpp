// POST /Bulk: the plan (envelope, references, order) and the exchange that
// runs each operation through the exchange of its single request.
#include <gtest/gtest.h>

#include <algorithm>

#include "exchange_support.hpp"
#include "fake_reply.hpp"
#include "scim/store/scripts.hpp"
#include "scim/store/user_scripts.hpp"
#include "service/bulk_plan.hpp"

using namespace exchange_test;

namespace {

std::string bulkBody(const std::string &operations, const std::string &extra = "") {
    return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],)" + extra +
           R"("Operations":[)" + operations + "]}";
}

BulkRequest planOf(const std::string &operations) {
    auto parsed = parseBulkRequest(bulkBody(operations), config());
    EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().detail);
    return std::move(*parsed);
}

std::vector<std::string> refs(const char *json) {
    JsonDoc d;
    d.Parse(json);
    std::vector<std::string> out;
    collectBulkReferences(d, out);
    return out;
}

}  // namespace

TEST(BulkReferences, FoundAnywhereInDataOnceEach) {
    EXPECT_EQ(refs(R"({"members":[{"value":"bulkId:a"},{"value":"bulkId:b"},{"value":"x"}],
                      "manager":{"value":"bulkId:a"}})"),
              (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(refs(R"({"Operations":[{"op":"add","value":[{"value":"bulkId:u"}]}]})"),
              (std::vector<std::string>{"u"}));
    EXPECT_TRUE(refs(R"({"userName":"bulkid:lowercase","n":1})").empty());
}

TEST(BulkReferences, PathsAndDataResolve) {
    BulkIds ids{{"u1", "id-1"}};
    EXPECT_EQ(resolveBulkPath("/Users/bulkId:u1", ids), "/Users/id-1");
    EXPECT_EQ(resolveBulkPath("/Users/bulkId:zz", ids), "/Users/bulkId:zz");
    EXPECT_EQ(resolveBulkPath("/Groups/plain", ids), "/Groups/plain");
    JsonDoc d;
    d.Parse(R"({"members":[{"value":"bulkId:u1"},{"value":"bulkId:zz"}],"m":{"value":"bulkId:u1"}})");
    resolveBulkReferences(d, ids, d.GetAllocator());
    EXPECT_EQ(toString(d), R"({"members":[{"value":"id-1"},{"value":"bulkId:zz"}],"m":{"value":"id-1"}})");
}

TEST(BulkPlan, PathAndDataReferencesAreCollected) {
    auto plan = planOf(R"({"method":"PATCH","path":"/Groups/bulkId:g","data":
                           {"Operations":[{"op":"add","path":"members","value":[{"value":"bulkId:u"}]}]}},
                          {"method":"POST","bulkId":"u","path":"/Users","data":{"userName":"a"}},
                          {"method":"POST","bulkId":"g","path":"/Groups","data":{"displayName":"g"}})");
    ASSERT_EQ(plan.operations.size(), 3u);
    EXPECT_EQ(plan.operations[0].references, (std::vector<std::string>{"g", "u"}));
    EXPECT_FALSE(plan.operations[0].invalid);
}

TEST(BulkOrder, IndependentOperationsKeepTheGivenOrder) {
    auto plan = planOf(R"({"method":"DELETE","path":"/Users/a"},{"method":"DELETE","path":"/Users/b"},
                          {"method":"DELETE","path":"/Users/c"})");
    EXPECT_EQ(bulkExecutionOrder(plan.operations), (std::vector<size_t>{0, 1, 2}));
}

TEST(BulkOrder, ReferencesRunAfterWhatTheyReference) {
    // 0 needs 2, 2 needs 3; 1 is independent and keeps its place.
    auto plan = planOf(R"({"method":"POST","bulkId":"g","path":"/Groups","data":{"displayName":"g","members":[{"value":"bulkId:u"}]}},
                          {"method":"DELETE","path":"/Users/x"},
                          {"method":"POST","bulkId":"u","path":"/Users","data":{"userName":"u","manager":{"value":"bulkId:m"}}},
                          {"method":"POST","bulkId":"m","path":"/Users","data":{"userName":"m"}})");
    EXPECT_EQ(bulkExecutionOrder(plan.operations), (std::vector<size_t>{1, 3, 2, 0}));
}

TEST(BulkOrder, CyclesComeLastAndAnswer409) {
    auto plan = planOf(R"({"method":"POST","bulkId":"a","path":"/Users","data":{"userName":"a","manager":{"value":"bulkId:b"}}},
                          {"method":"POST","bulkId":"b","path":"/Users","data":{"userName":"b","manager":{"value":"bulkId:a"}}},
                          {"method":"POST","bulkId":"s","path":"/Users","data":{"userName":"s","manager":{"value":"bulkId:s"}}},
                          {"method":"POST","bulkId":"c","path":"/Users","data":{"userName":"c"}},
                          {"method":"POST","bulkId":"d","path":"/Users","data":{"userName":"d","manager":{"value":"bulkId:nobody"}}})");
    EXPECT_EQ(bulkExecutionOrder(plan.operations), (std::vector<size_t>{3, 4, 0, 1, 2}));
    std::unordered_map<std::string, size_t> known{{"a", 0}, {"b", 1}, {"s", 2}, {"c", 3}, {"d", 4}};
    std::vector<bool> failed(5, false);
    auto cycle = unresolvedReference(plan.operations[0], {}, known, failed);
    ASSERT_TRUE(cycle);
    EXPECT_EQ(cycle->status, 409);
    EXPECT_EQ(cycle->scimType, "invalidValue");
    EXPECT_NE(cycle->detail.find("circular"), std::string::npos);
    auto unknown = unresolvedReference(plan.operations[4], {}, known, failed);
    ASSERT_TRUE(unknown);
    EXPECT_NE(unknown->detail.find("names no operation"), std::string::npos);
    failed[1] = true;
    EXPECT_NE(unresolvedReference(plan.operations[0], {}, known, failed)->detail.find("failed"),
              std::string::npos);
    EXPECT_FALSE(unresolvedReference(plan.operations[0], {{"b", "id-b"}}, known, failed));
}

TEST(BulkOrder, ALongChainIsLinear) {
    std::string ops;
    const size_t n = 1000;
    for (size_t i = 0; i < n; i++) {  // each references the next: run in reverse
        if (i) ops += ",";
        ops += R"({"method":"POST","bulkId":"b)" + std::to_string(i) +
               R"(","path":"/Users","data":{"userName":"u)" + std::to_string(i) + "\"" +
               (i + 1 < n ? R"(,"manager":{"value":"bulkId:b)" + std::to_string(i + 1) + "\"}" : "") +
               "}}";
    }
    auto order = bulkExecutionOrder(planOf(ops).operations);
    ASSERT_EQ(order.size(), n);
    EXPECT_EQ(order.front(), n - 1);
    EXPECT_EQ(order.back(), 0u);
}

TEST(BulkPlan, EnvelopeErrorsAnswerTheWholeRequest) {
    ServiceConfig c = config();
    c.bulkMaxOperations = 2;
    c.bulkMaxPayload = 4096;
    struct Case {
        std::string body;
        int status;
    } cases[] = {
        {"[]", 400},
        {"{", 400},
        {R"({"Operations":[]})", 400},
        {R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]})", 400},
        {bulkBody("", R"("failOnErrors":0,)"), 400},
        {bulkBody("", R"("failOnErrors":"1",)"), 400},
        {R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":{}})", 400},
        {bulkBody("1"), 400},
        {bulkBody(R"({"method":"POST","bulkId":7,"path":"/Users","data":{}})"), 400},
        {bulkBody(R"({"method":"POST","bulkId":"","path":"/Users","data":{}})"), 400},
        {bulkBody(R"({"method":"POST","bulkId":")" + std::string(257, 'x') +
                  R"(","path":"/Users","data":{}})"),
         400},
        {bulkBody(R"({"method":"POST","bulkId":"a","path":"/Users","data":{}},
                     {"method":"POST","bulkId":"a","path":"/Users","data":{}})"),
         400},
        {bulkBody(R"({"method":"DELETE","path":"/Users/a"},{"method":"DELETE","path":"/Users/b"},
                     {"method":"DELETE","path":"/Users/c"})"),
         413},
        {bulkBody(R"({"method":"POST","bulkId":"a","path":"/Users","data":{"userName":")" +
                  std::string(5000, 'x') + "\"}}"),
         413},
    };
    for (const Case &k : cases) {
        auto parsed = parseBulkRequest(k.body, c);
        ASSERT_FALSE(parsed) << k.body.substr(0, 200);
        EXPECT_EQ(parsed.error().status, k.status) << k.body.substr(0, 200);
    }
}

TEST(BulkPlan, AnOperationsOwnMistakesStayWithIt) {
    auto plan = planOf(R"({"method":"GET","path":"/Users"},
                          {"method":"POST","path":"/Users","data":{"userName":"a"}},
                          {"method":"POST","bulkId":"x","path":"Users","data":{}},
                          {"method":"PUT","path":"/Users/1"},
                          {"method":"DELETE","path":"/Users/1","data":{}},
                          {"method":"PATCH","path":"/Users/1","data":[]},
                          {"method":"PATCH","path":"/Users/1","version":3,"data":{}},
                          {"method":"DELETE","path":"/Users/1"})");
    for (size_t i = 0; i + 1 < plan.operations.size(); i++) {
        ASSERT_TRUE(plan.operations[i].invalid) << i;
        EXPECT_EQ(plan.operations[i].invalid->status, 400) << i;
    }
    EXPECT_FALSE(plan.operations.back().invalid);
}

TEST(BulkExchange, ACreatedIdFeedsTheLaterPathAndTheResponse) {
    ServiceConfig c = config();
    auto ex = exchangeFor(
        request("POST", "/Bulk",
                bulkBody(R"({"method":"DELETE","path":"/Users/bulkId:u1"},
                            {"method":"POST","bulkId":"u1","path":"/Users","data":{"userName":"a"}})")),
        c);
    auto first = std::get<store::Command>(ex->start());
    ASSERT_EQ(first.script, &store::createUserScript());  // the referenced one runs first
    std::string id = store::createUserArgsOf(first).user.id;
    auto second = std::get<store::Command>(ex->onReply(
        *FakeReply::strings({"ok", "1", "2026-11-28T13:44:18.123Z", "2026-11-28T13:44:18.123Z"})));
    ASSERT_EQ(second.script, &store::deleteUserScript());
    EXPECT_NE(std::find(second.args.begin(), second.args.end(), id), second.args.end());
    auto r = std::get<Response>(ex->onReply(*FakeReply::strings({"ok"})));
    EXPECT_EQ(r.status, 200);
    JsonDoc d = bodyOf(r);
    EXPECT_STREQ(d["schemas"][0].GetString(), "urn:ietf:params:scim:api:messages:2.0:BulkResponse");
    ASSERT_EQ(d["Operations"].Size(), 2u);
    const Json &del = d["Operations"][0];  // listed in the given order
    EXPECT_STREQ(del["method"].GetString(), "DELETE");
    EXPECT_STREQ(del["status"].GetString(), "204");
    EXPECT_EQ(std::string(del["location"].GetString()), "https://idp.example.com/scim/v2/Users/" + id);
    const Json &post = d["Operations"][1];
    EXPECT_STREQ(post["bulkId"].GetString(), "u1");
    EXPECT_STREQ(post["status"].GetString(), "201");
    EXPECT_STREQ(post["version"].GetString(), "W/\"1\"");
    EXPECT_EQ(std::string(post["location"].GetString()), "https://idp.example.com/scim/v2/Users/" + id);
}

TEST(BulkExchange, FailOnErrorsStopsAndListsOnlyWhatRan) {
    ServiceConfig c = config();
    auto ex = exchangeFor(
        request("POST", "/Bulk",
                bulkBody(R"({"method":"DELETE","path":"/Users/a"},{"method":"DELETE","path":"/Users/b"},
                            {"method":"DELETE","path":"/Users/c"})",
                         R"("failOnErrors":1,)")),
        c);
    std::get<store::Command>(ex->start());
    auto r = std::get<Response>(ex->onReply(*FakeReply::strings({"notfound"})));
    JsonDoc d = bodyOf(r);
    ASSERT_EQ(d["Operations"].Size(), 1u);
    EXPECT_STREQ(d["Operations"][0]["status"].GetString(), "404");
    EXPECT_STREQ(d["Operations"][0]["response"]["status"].GetString(), "404");
}

TEST(BulkExchange, BadPathsAndNestedBulkFailPerOperation) {
    ServiceConfig c = config();
    auto ex = exchangeFor(
        request("POST", "/Bulk",
                bulkBody(R"({"method":"POST","bulkId":"n","path":"/Bulk","data":{}},
                            {"method":"POST","bulkId":"s","path":"/Users/.search","data":{}},
                            {"method":"PUT","path":"/Nowhere/1","data":{}},
                            {"method":"POST","bulkId":"p","path":"/Users/1","data":{}},
                            {"method":"PATCH","path":"/Schemas/x","data":{}})")),
        c);
    auto r = std::get<Response>(ex->start());  // nothing reaches the store
    JsonDoc d = bodyOf(r);
    ASSERT_EQ(d["Operations"].Size(), 5u);
    const char *expected[] = {"400", "400", "404", "405", "405"};
    for (rapidjson::SizeType i = 0; i < 5; i++) {
        EXPECT_STREQ(d["Operations"][i]["status"].GetString(), expected[i]) << i;
        EXPECT_TRUE(d["Operations"][i].HasMember("response")) << i;
    }
}
