// The token admin API's routes and exchanges, driven with canned replies.
#include <gtest/gtest.h>

#include "fake_reply.hpp"
#include "scim/service/admin.hpp"
#include "scim/ids.hpp"
#include "scim/store/token_scripts.hpp"

using namespace scim;

namespace {

constexpr int64_t kNow = 1795873458123LL;  // 2026-11-28T…

ServiceConfig config() {
    ServiceConfig c;
    c.keyPrefix = "scim:";
    return c;
}

Request request(std::string method, std::string body = "") {
    Request r;
    r.method = std::move(method);
    r.body = std::move(body);
    r.nowMillis = kNow;
    return r;
}

AdminRoute route(std::string_view method, std::string_view uri) {
    auto m = matchAdminRoute(method, uri);
    EXPECT_TRUE(std::holds_alternative<AdminRoute>(m)) << uri;
    return std::get<AdminRoute>(m);
}

Response routeError(std::string_view method, std::string_view uri) {
    auto m = matchAdminRoute(method, uri);
    EXPECT_TRUE(std::holds_alternative<Response>(m)) << uri;
    return std::get<Response>(m);
}

// Secrets handed out in order, so that tests know the hashes.
TokenSource fixedSecrets(std::vector<std::string> secrets) {
    auto next = std::make_shared<size_t>(0);
    return [secrets, next] { return secrets.at((*next)++); };
}

JsonDoc bodyOf(const Response &r) {
    JsonDoc d;
    d.Parse(r.body.c_str());
    return d;
}

// By value: the step is usually a temporary.
store::Command commandOf(const Exchange::Step &step) {
    EXPECT_TRUE(std::holds_alternative<store::Command>(step));
    return std::get<store::Command>(step);
}

Response responseOf(const Exchange::Step &step) {
    EXPECT_TRUE(std::holds_alternative<Response>(step));
    return std::get<Response>(step);
}

}  // namespace

TEST(AdminRoutes, MatchesTheFourActionsBehindAnyPrefix) {
    AdminRoute create = route("POST", "/scim-admin/tenants/acme/tokens");
    EXPECT_EQ(create.action, AdminRoute::Action::CreateToken);
    EXPECT_EQ(create.tenant, "acme");
    EXPECT_TRUE(create.needsBody);

    AdminRoute list = route("GET", "/tenants/acme/tokens/");
    EXPECT_EQ(list.action, AdminRoute::Action::ListTokens);
    EXPECT_FALSE(list.needsBody);

    AdminRoute rotate = route("POST", "/a/b/tenants/acme/tokens/0123456789ab/rotate");
    EXPECT_EQ(rotate.action, AdminRoute::Action::RotateToken);
    EXPECT_EQ(rotate.tokenId, "0123456789ab");

    AdminRoute revoke = route("DELETE", "/tenants/acme/tokens/0123456789ab");
    EXPECT_EQ(revoke.action, AdminRoute::Action::RevokeToken);
}

TEST(AdminRoutes, RefusesUnknownPathsMethodsTenantsAndIds) {
    EXPECT_EQ(routeError("GET", "/tenants/acme").status, 404);
    EXPECT_EQ(routeError("GET", "/tenants/acme/users").status, 404);
    EXPECT_EQ(routeError("GET", "/nothing/here").status, 404);
    EXPECT_EQ(routeError("DELETE", "/tenants/acme/tokens/not-an-id").status, 404);
    EXPECT_EQ(routeError("GET", "/tenants/acme/tokens/0123456789ab/rotate/x").status, 404);

    Response put = routeError("PUT", "/tenants/acme/tokens");
    EXPECT_EQ(put.status, 405);
    EXPECT_EQ(put.headers.at(0), (std::pair<std::string, std::string>{"Allow", "GET, POST"}));
    EXPECT_EQ(routeError("GET", "/tenants/acme/tokens/0123456789ab/rotate").status, 405);

    Response bad = routeError("GET", "/tenants/ac%7Bme/tokens");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.contentType, "application/json");
    EXPECT_NE(bad.body.find("\"error\""), std::string::npos);
}

TEST(AdminCreate, StoresOnlyTheHashAndShowsTheSecretOnce) {
    ServiceConfig c = config();
    auto ex = makeAdminExchange(route("POST", "/tenants/acme/tokens"),
                                request("POST", R"({"name":"okta prod"})"), c,
                                fixedSecrets({"scim_secret-one"}));
    store::Command cmd = commandOf(ex->start());
    std::string sha = sha256Hex("scim_secret-one");
    EXPECT_EQ(cmd.script, &store::createTokenScript());
    ASSERT_EQ(cmd.numKeys, 2u);
    EXPECT_EQ(cmd.args[0], "scim:{#tokens}:token:" + sha);
    EXPECT_EQ(cmd.args[1], "scim:{#tokens}:tenant:acme");
    store::TokenKeys keys(c.keyPrefix);
    // The hash, its 12-digit id, the tenant and the time, by name.
    EXPECT_EQ(cmd.args,
              store::createToken(keys, {sha, sha.substr(0, 12), "acme", kNow}, "okta prod").args);
    for (const std::string &a : cmd.args) EXPECT_EQ(a.find("secret-one"), std::string::npos);

    Response r = responseOf(ex->onReply(*FakeReply::strings({"ok"})));
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(r.contentType, "application/json");
    JsonDoc d = bodyOf(r);
    EXPECT_STREQ(d["token"].GetString(), "scim_secret-one");
    EXPECT_EQ(d["id"].GetString(), sha.substr(0, 12));
    EXPECT_STREQ(d["name"].GetString(), "okta prod");
    EXPECT_STREQ(d["tenant"].GetString(), "acme");
    EXPECT_STREQ(d["created"].GetString(), formatTimestamp(kNow).c_str());
}

TEST(AdminCreate, DrawsAnotherSecretOnAnIdCollision) {
    ServiceConfig c = config();
    auto ex = makeAdminExchange(route("POST", "/tenants/acme/tokens"),
                                request("POST", R"({"name":"x"})"), c,
                                fixedSecrets({"first", "second", "third", "fourth"}));
    ex->start();
    store::Command again = commandOf(ex->onReply(*FakeReply::strings({"collision"})));
    std::string second = sha256Hex("second");
    EXPECT_EQ(again.args, store::createToken(store::TokenKeys(c.keyPrefix),
                                             {second, second.substr(0, 12), "acme", kNow}, "x")
                              .args);
    ex->onReply(*FakeReply::strings({"collision"}));
    Response r = responseOf(ex->onReply(*FakeReply::strings({"collision"})));
    EXPECT_EQ(r.status, 500);
}

TEST(AdminCreate, RefusesBadNames) {
    ServiceConfig c = config();
    for (const char *body : {"", "[]", "{}", R"({"name":""})", R"({"name":7})",
                             "{\"name\":\"a\\nb\"}", "{\"name\":"}) {
        auto ex = makeAdminExchange(route("POST", "/tenants/acme/tokens"), request("POST", body),
                                    c, fixedSecrets({"s"}));
        Response r = responseOf(ex->start());
        EXPECT_EQ(r.status, 400) << body;
        EXPECT_EQ(r.contentType, "application/json");
    }
    std::string longName(kMaxTokenNameLength + 1, 'n');
    auto ex = makeAdminExchange(route("POST", "/tenants/acme/tokens"),
                                request("POST", "{\"name\":\"" + longName + "\"}"), c,
                                fixedSecrets({"s"}));
    EXPECT_EQ(responseOf(ex->start()).status, 400);
}

TEST(AdminRotate, GivesTheOldTokenItsGraceAndReturnsTheNewOne) {
    ServiceConfig c = config();
    auto ex = makeAdminExchange(route("POST", "/tenants/acme/tokens/0123456789ab/rotate"),
                                request("POST", R"({"graceSeconds":600})"), c,
                                fixedSecrets({"scim_new"}));
    store::Command cmd = commandOf(ex->start());
    std::string sha = sha256Hex("scim_new");
    EXPECT_EQ(cmd.script, &store::rotateTokenScript());
    EXPECT_EQ(cmd.args[0], "scim:{#tokens}:tenant:acme");
    EXPECT_EQ(cmd.args[1], "scim:{#tokens}:token:" + sha);
    EXPECT_EQ(cmd.args, store::rotateToken(store::TokenKeys(c.keyPrefix),
                                           {sha, sha.substr(0, 12), "acme", kNow},
                                           "0123456789ab", 600000)
                            .args);

    std::string expires = std::to_string(kNow + 600000);
    Response r = responseOf(ex->onReply(*FakeReply::strings({"ok", "okta", expires.c_str()})));
    EXPECT_EQ(r.status, 201);
    JsonDoc d = bodyOf(r);
    EXPECT_STREQ(d["token"].GetString(), "scim_new");
    EXPECT_STREQ(d["name"].GetString(), "okta");
    EXPECT_STREQ(d["previous"]["id"].GetString(), "0123456789ab");
    EXPECT_STREQ(d["previous"]["expires"].GetString(), formatTimestamp(kNow + 600000).c_str());
}

TEST(AdminRotate, DefaultsTheGraceAndRefusesBadOnes) {
    ServiceConfig c = config();
    AdminRoute rotate = route("POST", "/tenants/acme/tokens/0123456789ab/rotate");
    auto ex = makeAdminExchange(rotate, request("POST"), c, fixedSecrets({"s"}));
    std::string sha = sha256Hex("s");
    EXPECT_EQ(commandOf(ex->start()).args,
              store::rotateToken(store::TokenKeys(c.keyPrefix), {sha, sha.substr(0, 12), "acme", kNow},
                                 "0123456789ab", kDefaultGraceSeconds * 1000)
                  .args);

    for (const char *body : {R"({"graceSeconds":-1})", R"({"graceSeconds":"60"})",
                             R"({"graceSeconds":1.5})", R"({"graceSeconds":99999999})"}) {
        auto bad = makeAdminExchange(rotate, request("POST", body), c, fixedSecrets({"s"}));
        EXPECT_EQ(responseOf(bad->start()).status, 400) << body;
    }
}

TEST(AdminRotate, AnswersForMissingRevokedAndExpiredTokens) {
    ServiceConfig c = config();
    AdminRoute rotate = route("POST", "/tenants/acme/tokens/0123456789ab/rotate");
    const std::pair<const char *, int> cases[] = {{"notfound", 404}, {"revoked", 409}, {"expired", 409}};
    for (auto [status, code] : cases) {
        auto ex = makeAdminExchange(rotate, request("POST"), c, fixedSecrets({"s"}));
        ex->start();
        EXPECT_EQ(responseOf(ex->onReply(*FakeReply::strings({status}))).status, code) << status;
    }
    auto ex = makeAdminExchange(rotate, request("POST"), c, fixedSecrets({"s"}));
    ex->start();
    EXPECT_EQ(responseOf(ex->onReply(*FakeReply::error("ERR boom"))).status, 500);
}

TEST(AdminRevoke, IsOneScriptAndAnswers204) {
    ServiceConfig c = config();
    AdminRoute revoke = route("DELETE", "/tenants/acme/tokens/0123456789ab");
    auto ex = makeAdminExchange(revoke, request("DELETE"), c);
    store::Command cmd = commandOf(ex->start());
    EXPECT_EQ(cmd.script, &store::revokeTokenScript());
    EXPECT_EQ(cmd.args, (std::vector<std::string>{
                            "scim:{#tokens}:tenant:acme", "0123456789ab", std::to_string(kNow),
                            "scim:{#tokens}:token:",
                            std::to_string(store::kTokenRetentionMillis)}));
    Response r = responseOf(ex->onReply(*FakeReply::strings({"ok", "okta"})));
    EXPECT_EQ(r.status, 204);
    EXPECT_TRUE(r.body.empty());

    auto missing = makeAdminExchange(revoke, request("DELETE"), c);
    missing->start();
    EXPECT_EQ(responseOf(missing->onReply(*FakeReply::strings({"notfound"}))).status, 404);
}

TEST(AdminList, ListsWithoutSecretsInCreationOrder) {
    ServiceConfig c = config();
    auto ex = makeAdminExchange(route("GET", "/tenants/acme/tokens"), request("GET"), c);
    store::Command cmd = commandOf(ex->start());
    EXPECT_EQ(cmd.script, &store::listTokensScript());
    EXPECT_EQ(cmd.args, (std::vector<std::string>{"scim:{#tokens}:tenant:acme",
                                                  "scim:{#tokens}:token:"}));

    std::string later = std::to_string(kNow - 1000), earlier = std::to_string(kNow - 5000);
    std::string expired = std::to_string(kNow - 1);
    Response r = responseOf(ex->onReply(*FakeReply::strings({
        "bbbbbbbbbbbb", "entra", later.c_str(), "0", "0", "0",
        "aaaaaaaaaaaa", "okta", earlier.c_str(), later.c_str(), expired.c_str(), "0",
    })));
    EXPECT_EQ(r.status, 200);
    JsonDoc d = bodyOf(r);
    EXPECT_STREQ(d["tenant"].GetString(), "acme");
    const Json &tokens = d["tokens"];
    ASSERT_EQ(tokens.Size(), 2u);
    EXPECT_STREQ(tokens[0]["id"].GetString(), "aaaaaaaaaaaa");
    EXPECT_STREQ(tokens[0]["name"].GetString(), "okta");
    EXPECT_STREQ(tokens[0]["lastUsed"].GetString(), formatTimestamp(kNow - 1000).c_str());
    EXPECT_FALSE(tokens[0]["active"].GetBool());
    EXPECT_STREQ(tokens[1]["name"].GetString(), "entra");
    EXPECT_TRUE(tokens[1]["lastUsed"].IsNull());
    EXPECT_TRUE(tokens[1]["expires"].IsNull());
    EXPECT_TRUE(tokens[1]["revoked"].IsNull());
    EXPECT_TRUE(tokens[1]["active"].GetBool());
    EXPECT_FALSE(tokens[1].HasMember("token"));
}

TEST(AdminList, ARedisErrorIsTheStoresFault) {
    ServiceConfig c = config();
    auto ex = makeAdminExchange(route("GET", "/tenants/acme/tokens"), request("GET"), c);
    ex->start();
    EXPECT_EQ(responseOf(ex->onReply(*FakeReply::error("WRONGTYPE"))).status, 500);
    auto odd = makeAdminExchange(route("GET", "/tenants/acme/tokens"), request("GET"), c);
    odd->start();
    EXPECT_EQ(responseOf(odd->onReply(*FakeReply::strings({"x"}))).status, 500);
}

TEST(TokenSecret, Is256BitsOfBase64urlWithAPrefix) {
    std::string a = newTokenSecret(), b = newTokenSecret();
    EXPECT_NE(a, b);
    ASSERT_EQ(a.size(), 5u + 43u);
    EXPECT_EQ(a.substr(0, 5), "scim_");
    for (char ch : a.substr(5)) {
        EXPECT_TRUE(isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_') << a;
    }
}
