// The User exchanges driven with canned Redis replies: what they send and
// what they answer, without nginx or Redis.
#include <gtest/gtest.h>

#include "exchange_support.hpp"
#include "fake_reply.hpp"
#include "scim/service/service.hpp"
#include "scim/store/group_scripts.hpp"
#include "scim/store/scripts.hpp"
#include "scim/store/user_scripts.hpp"

using namespace scim;
using namespace exchange_test;

TEST(CreateUser, SendsOneAtomicScriptWithTenantKeys) {
    ServiceConfig c = config();
    auto ex = exchangeFor(request("POST", "/Users",
                                  R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
                                      "userName":"BJensen","active":true,"password":"secret"})"),
                          c);
    auto step = ex->start();
    ASSERT_TRUE(std::holds_alternative<store::Command>(step));
    const auto &cmd = std::get<store::Command>(step);
    EXPECT_EQ(cmd.script, &store::createUserScript());
    ASSERT_EQ(cmd.numKeys, 10u);
    store::CreateUserArgs args = store::createUserArgsOf(cmd);
    std::string id = args.user.id;
    EXPECT_EQ(cmd.args[0], "scim:{acme}:user:" + id);
    EXPECT_EQ(cmd.args[1], "scim:{acme}:users:by-name");
    EXPECT_EQ(cmd.args[4], "scim:{acme}:events");
    EXPECT_EQ(cmd.args[5], "scim:{acme}:users:idx:userName");
    EXPECT_EQ(cmd.args[cmd.numKeys + 9], "bjensen");  // the uniqueness key, lowered by the builder
    // The password hash, then nothing: no claimed set, no role context.
    EXPECT_EQ(cmd.args.size(), cmd.numKeys + 11);
    // A lowercase userName is not sent twice.
    auto lower = exchangeFor(request("POST", "/Users", R"({"userName":"bjensen"})"), c);
    const auto lowerCmd = std::get<store::Command>(lower->start());
    EXPECT_EQ(lowerCmd.args.size(), lowerCmd.numKeys + 9);
    EXPECT_EQ(lowerCmd.args[lowerCmd.numKeys + 1], "bjensen");
    EXPECT_EQ(args.user.userName, "BJensen");
    EXPECT_EQ(args.user.doc.find("secret"), std::string::npos);  // doc has no password
    EXPECT_EQ(args.user.passwordHash.rfind("pbkdf2-sha256$", 0), 0u);
    EXPECT_EQ(args.user.active, "1");
    EXPECT_EQ(args.stamp.token, "okta");
    EXPECT_EQ(args.stamp.nowMillis, 1795873458123LL);
    EXPECT_EQ(args.user.indexEntries, std::string("[[0,\"bjensen\\u0000") + id + "\"]]");

    auto done = ex->onReply(*FakeReply::strings({"ok", "1", "2026-11-28T13:44:18.123Z",
                                                 "2026-11-28T13:44:18.123Z"}));
    ASSERT_TRUE(std::holds_alternative<Response>(done));
    const Response &r = std::get<Response>(done);
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(header(r, "Location"), "https://idp.example.com/scim/v2/Users/" + id);
    EXPECT_EQ(header(r, "ETag"), "W/\"1\"");
    JsonDoc d = bodyOf(r);
    EXPECT_STREQ(d["id"].GetString(), id.c_str());
    EXPECT_STREQ(d["userName"].GetString(), "BJensen");
    EXPECT_FALSE(d.HasMember("password"));
    EXPECT_STREQ(d["meta"]["location"].GetString(), header(r, "Location").c_str());
    EXPECT_STREQ(d["meta"]["version"].GetString(), "W/\"1\"");
    EXPECT_STREQ(d["meta"]["created"].GetString(), "2026-11-28T13:44:18.123Z");
}

TEST(CreateUser, PasswordsAreDiscardedWhenConfigured) {
    ServiceConfig c = config();
    c.storePasswords = false;
    auto ex = exchangeFor(request("POST", "/Users", R"({"userName":"a","password":"p"})"), c);
    auto step = ex->start();
    EXPECT_EQ(store::createUserArgsOf(std::get<store::Command>(step)).user.passwordHash, "");
}

TEST(CreateUser, DuplicateAnswers409Uniqueness) {
    ServiceConfig c = config();
    auto ex = exchangeFor(request("POST", "/Users", R"({"userName":"a"})"), c);
    ex->start();
    auto r = std::get<Response>(ex->onReply(*FakeReply::strings({"uniqueness", "other-id"})));
    EXPECT_EQ(r.status, 409);
    JsonDoc d = bodyOf(r);
    EXPECT_STREQ(d["scimType"].GetString(), "uniqueness");
    EXPECT_STREQ(d["status"].GetString(), "409");
}

TEST(CreateUser, BadInputIsRefusedBeforeAnyRedisCall) {
    ServiceConfig c = config();
    struct Case {
        const char *body;
        const char *scimType;
    } cases[] = {
        {"{\"userName\":", "invalidSyntax"},
        {"[1,2]", "invalidSyntax"},
        {"{}", "invalidValue"},
        {R"({"userName":42})", "invalidValue"},
        {R"({"userName":"a","active":"maybe"})", "invalidValue"},
    };
    for (const Case &k : cases) {
        auto ex = exchangeFor(request("POST", "/Users", k.body), c);
        auto step = ex->start();
        ASSERT_TRUE(std::holds_alternative<Response>(step)) << k.body;
        const Response &r = std::get<Response>(step);
        EXPECT_EQ(r.status, 400) << k.body;
        EXPECT_STREQ(bodyOf(r)["scimType"].GetString(), k.scimType) << k.body;
    }
}

TEST(CreateUser, RedisErrorsAre503NotClientErrors) {
    ServiceConfig c = config();
    auto ex = exchangeFor(request("POST", "/Users", R"({"userName":"a"})"), c);
    ex->start();
    auto r = std::get<Response>(ex->onReply(*FakeReply::error("OOM command not allowed")));
    EXPECT_EQ(r.status, 503);
}

TEST(GetUser, RendersStoredUserOr404) {
    ServiceConfig c = config();
    auto ex = exchangeFor(request("GET", "/Users/u1"), c);
    auto cmd = std::get<store::Command>(ex->start());
    // One round trip for a user in no group: its groups' ids and the user,
    // two plain reads in one batch.
    EXPECT_TRUE(isUserRead(cmd));
    auto r = std::get<Response>(
        answerUserRead(*ex, {R"({"userName":"a","name":{"givenName":"A"}})", "3", "t1", "t2"}));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(header(r, "ETag"), "W/\"3\"");
    JsonDoc d = bodyOf(r);
    EXPECT_STREQ(d["id"].GetString(), "u1");
    EXPECT_STREQ(d["name"]["givenName"].GetString(), "A");
    EXPECT_STREQ(d["meta"]["lastModified"].GetString(), "t2");

    auto missing = exchangeFor(request("GET", "/Users/nope"), c);
    missing->start();
    auto r404 = std::get<Response>(answerUserRead(*missing, {}));  // HMGET: four nils
    EXPECT_EQ(r404.status, 404);
    EXPECT_STREQ(bodyOf(r404)["status"].GetString(), "404");
    // A user deleted while it is read: its ids, but no user.
    auto gone = exchangeFor(request("GET", "/Users/nope"), c);
    gone->start();
    FakeReply nils = FakeReply::array({FakeReply::nil(), FakeReply::nil(), FakeReply::nil(),
                                       FakeReply::nil()});
    EXPECT_EQ(responseOf(onReplies(*gone, {FakeReply::strings({"g1"}), nils})).status, 404);
}

TEST(GetUser, ListsItsGroupsAsDirectMemberships) {
    ServiceConfig c = config();
    auto ex = exchangeFor(request("GET", "/Users/u1"), c);
    ex->start();
    // Its groups' ids and the user, then one batch for the groups' names.
    FakeReply user =
        FakeReply::strings({R"({"userName":"a","groups":[{"value":"stale"}]})", "3", "t1", "t2"});
    auto names = commandOf(onReplies(*ex, {FakeReply::strings({"g2", "g1"}), user}));
    ASSERT_EQ(names.batch.size(), 2u);
    EXPECT_EQ(names.batch[0].args,
              (std::vector<std::string>{"HGET", "scim:{acme}:group:g2", "displayName"}));
    EXPECT_EQ(names.batch[1].args,
              (std::vector<std::string>{"HGET", "scim:{acme}:group:g1", "displayName"}));
    auto r = responseOf(onReplies(*ex, {FakeReply::string("Sales"), FakeReply::string("Admins")}));
    ASSERT_EQ(r.status, 200);
    JsonDoc d = bodyOf(r);
    ASSERT_TRUE(d["groups"].IsArray());
    ASSERT_EQ(d["groups"].Size(), 2u);  // sorted by display; nothing from the document
    EXPECT_STREQ(d["groups"][0]["value"].GetString(), "g1");
    EXPECT_STREQ(d["groups"][0]["display"].GetString(), "Admins");
    EXPECT_STREQ(d["groups"][0]["$ref"].GetString(), "https://idp.example.com/scim/v2/Groups/g1");
    EXPECT_STREQ(d["groups"][0]["type"].GetString(), "direct");
    EXPECT_STREQ(d["groups"][1]["value"].GetString(), "g2");

    Request projected = request("GET", "/Users/u1");
    projected.query = "excludedAttributes=groups";
    auto ex2 = exchangeFor(projected, c);
    ex2->start();
    auto r2 = responseOf(
        answerUserRead(*ex2, {R"({"userName":"a"})", "3", "t1", "t2"}, {{"g1", "Admins"}}));
    EXPECT_FALSE(bodyOf(r2).HasMember("groups"));
}

TEST(DeleteUser, LeavesItsGroupsInTheSameScript) {
    ServiceConfig c = config();
    auto ex = exchangeFor(request("DELETE", "/Users/u1"), c);
    auto cmd = std::get<store::Command>(ex->start());
    EXPECT_EQ(cmd.script, &store::deleteUserScript());
    ASSERT_EQ(cmd.numKeys, 14u);
    EXPECT_EQ(cmd.args[10], "scim:{acme}:memberof:u1");
    EXPECT_EQ(cmd.args[11], "scim:{acme}:groups:idx:lastModified");
    ASSERT_EQ(cmd.args.size(), 14u + 9u);  // the last is the role context
    store::DeleteUserArgs args = store::deleteUserArgsOf(cmd);
    EXPECT_EQ(args.id, "u1");
    EXPECT_EQ(cmd.args[14 + 5], "scim:{acme}:group:");  // the group key prefix
    EXPECT_EQ(args.stamp.nowMillis, 1795873458123LL);
    EXPECT_EQ(args.roleContext, cmd.args.back());
}

TEST(GetUser, IfNoneMatchGives304) {
    ServiceConfig c = config();
    Request req = request("GET", "/Users/u1");
    req.ifNoneMatch = "W/\"3\"";
    auto ex = exchangeFor(req, c);
    ex->start();
    auto r = responseOf(answerUserRead(*ex, {R"({"userName":"a"})", "3", "t", "t"}));
    EXPECT_EQ(r.status, 304);
    EXPECT_TRUE(r.body.empty());
}

TEST(ReplaceUser, PassesIfMatchVersionAndMaps412And404) {
    ServiceConfig c = config();
    Request req = request("PUT", "/Users/u1", R"({"userName":"b"})");
    req.ifMatch = "W/\"4\"";
    auto ex = exchangeFor(req, c);
    auto cmd = std::get<store::Command>(ex->start());
    EXPECT_EQ(cmd.script, &store::replaceUserScript());
    EXPECT_EQ(store::replaceUserArgsOf(cmd).expectedVersion, "4");
    auto r = std::get<Response>(ex->onReply(*FakeReply::strings({"precondition", "5"})));
    EXPECT_EQ(r.status, 412);

    auto ex2 = exchangeFor(request("PUT", "/Users/u1", R"({"userName":"b"})"), c);
    ex2->start();
    EXPECT_EQ(std::get<Response>(ex2->onReply(*FakeReply::strings({"notfound"}))).status, 404);

    auto ex3 = exchangeFor(request("PUT", "/Users/u1", R"({"userName":"b"})"), c);
    ex3->start();
    auto ok = std::get<Response>(ex3->onReply(*FakeReply::strings({"ok", "2", "t0", "t1"})));
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(header(ok, "ETag"), "W/\"2\"");
    EXPECT_STREQ(bodyOf(ok)["meta"]["created"].GetString(), "t0");
}

TEST(DeleteUser, Answers204Or404) {
    ServiceConfig c = config();
    auto ex = exchangeFor(request("DELETE", "/Users/u1"), c);
    ex->start();
    auto r = std::get<Response>(ex->onReply(*FakeReply::strings({"ok"})));
    EXPECT_EQ(r.status, 204);
    EXPECT_TRUE(r.body.empty());
    auto ex2 = exchangeFor(request("DELETE", "/Users/u1"), c);
    ex2->start();
    EXPECT_EQ(std::get<Response>(ex2->onReply(*FakeReply::strings({"notfound"}))).status, 404);
}

TEST(ListUsers, PagesWithIntegersAndClampsCount) {
    ServiceConfig c = config();
    c.maxPageSize = 50;
    Request req = request("GET", "/Users");
    req.query = "startIndex=0&count=500";
    auto ex = exchangeFor(req, c);
    auto cmd = std::get<store::Command>(ex->start());
    EXPECT_EQ(cmd.args[1], "0");   // startIndex below 1 counts as 1
    EXPECT_EQ(cmd.args[2], "50");  // clamped to the maximum
    std::vector<FakeReply> items{FakeReply::integer(7)};
    for (const char *id : {"a", "b"}) {
        items.push_back(FakeReply::string(id));  // page_records: no seq, no memberships
        items.push_back(FakeReply::string(R"({"userName":"x"})"));
        items.push_back(FakeReply::string("1"));
        items.push_back(FakeReply::string("t"));
        items.push_back(FakeReply::string("t"));
    }
    auto r = std::get<Response>(ex->onReply(*FakeReply::array(items)));
    JsonDoc d = bodyOf(r);
    EXPECT_EQ(d["totalResults"].GetInt(), 7);
    EXPECT_EQ(d["startIndex"].GetInt(), 1);
    EXPECT_EQ(d["itemsPerPage"].GetInt(), 2);
    EXPECT_STREQ(d["Resources"][1]["id"].GetString(), "b");
}

TEST(ListUsers, CountZeroAndBadParameters) {
    ServiceConfig c = config();
    Request req = request("GET", "/Users");
    req.query = "count=0";
    auto ex = exchangeFor(req, c);
    EXPECT_EQ(std::get<store::Command>(ex->start()).args[2], "0");
    req.query = "count=ten";
    auto bad = exchangeFor(req, c);
    EXPECT_EQ(std::get<Response>(bad->start()).status, 400);
}

TEST(Discovery, ServiceProviderConfigTellsTheTruth) {
    ServiceConfig c = config();
    c.bulkMaxOperations = 50;
    c.bulkMaxPayload = 65536;
    auto r = std::get<Response>(exchangeFor(request("GET", "/ServiceProviderConfig"), c)->start());
    JsonDoc d = bodyOf(r);
    EXPECT_TRUE(d["etag"]["supported"].GetBool());
    EXPECT_TRUE(d["bulk"]["supported"].GetBool());
    EXPECT_EQ(d["bulk"]["maxOperations"].GetInt(), 50);
    EXPECT_EQ(d["bulk"]["maxPayloadSize"].GetInt(), 65536);
    EXPECT_EQ(d["filter"]["maxResults"].GetInt(), 1000);
    EXPECT_STREQ(d["authenticationSchemes"][0]["type"].GetString(), "oauthbearertoken");
}

TEST(Discovery, SchemasAndResourceTypes) {
    ServiceConfig c = config();
    auto list = bodyOf(std::get<Response>(exchangeFor(request("GET", "/Schemas"), c)->start()));
    EXPECT_EQ(list["totalResults"].GetInt(), 3);
    auto user = bodyOf(std::get<Response>(
        exchangeFor(request("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User"), c)
            ->start()));
    EXPECT_STREQ(user["attributes"][0]["name"].GetString(), "userName");
    EXPECT_STREQ(user["attributes"][0]["uniqueness"].GetString(), "server");
    auto rt = bodyOf(std::get<Response>(exchangeFor(request("GET", "/ResourceTypes/User"), c)->start()));
    EXPECT_STREQ(rt["endpoint"].GetString(), "/Users");
    EXPECT_STREQ(rt["schemaExtensions"][0]["schema"].GetString(),
                 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
    auto missing = std::get<Response>(exchangeFor(request("GET", "/ResourceTypes/Nope"), c)->start());
    EXPECT_EQ(missing.status, 404);
}
