// Ids, tokens, query strings, routing and Redis commands.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>

#include "scim/ids.hpp"
#include "scim/query_string.hpp"
#include "scim/service/service.hpp"
#include "scim/store/command.hpp"
#include "scim/store/scripts.hpp"
#include "scim/tokens.hpp"

using namespace scim;

TEST(Ids, ResourceIdsAreRandomVersion4Uuids) {
    std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    std::string a = newResourceId(), b = newResourceId();
    EXPECT_TRUE(std::regex_match(a, uuid)) << a;
    EXPECT_NE(a, b);
}

TEST(Ids, TimestampsAreRfc3339UtcWithMilliseconds) {
    EXPECT_EQ(formatTimestamp(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(formatTimestamp(1795873458123LL), "2026-11-28T13:44:18.123Z");
}

TEST(Ids, PasswordHashesAreSaltedAndVerify) {
    std::string h1 = hashPassword("t1meMoney"), h2 = hashPassword("t1meMoney");
    EXPECT_NE(h1, h2);
    EXPECT_EQ(h1.rfind("pbkdf2-sha256$", 0), 0u);
    EXPECT_EQ(h1.find("t1meMoney"), std::string::npos);
    EXPECT_TRUE(verifyPassword("t1meMoney", h1));
    EXPECT_FALSE(verifyPassword("t1memoney", h1));
    EXPECT_FALSE(verifyPassword("x", "garbage"));
}

TEST(Ids, Sha256Hex) {
    EXPECT_EQ(sha256Hex("test-token"),
              "4c5dc9b7708905f77f5e5d16316b5dfb425e68cb326dcd55a860e90a7707031e");
}

TEST(Tokens, OnlyHashesAreAccepted) {
    TokenSet set;
    EXPECT_TRUE(set.add("test-token", "", "default").has_value());
    EXPECT_TRUE(set.add(std::string(64, 'g'), "", "default").has_value());
    EXPECT_FALSE(set.add(sha256Hex("test-token"), "okta", "acme").has_value());
    const TokenEntry *e = set.find("test-token");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->name, "okta");
    EXPECT_EQ(e->tenant, "acme");
    EXPECT_EQ(set.find("test-tokeN"), nullptr);
    EXPECT_EQ(set.find(""), nullptr);
}

TEST(Tokens, UnnamedTokensAreNamedByHashPrefix) {
    TokenSet set;
    set.add(sha256Hex("abc"), "", "default");
    EXPECT_EQ(set.find("abc")->name, "sha256:" + sha256Hex("abc").substr(0, 8));
}

TEST(Tokens, FileWithCommentsTenantsAndBadLines) {
    std::string path = testing::TempDir() + "tokens.txt";
    {
        std::ofstream f(path);
        f << "# tokens\n\n" << sha256Hex("one") << " okta\n"
          << sha256Hex("two") << " entra acme  # comment\n";
    }
    TokenSet set;
    EXPECT_FALSE(set.loadFile(path, "default").has_value());
    EXPECT_EQ(set.size(), 2u);
    EXPECT_EQ(set.find("one")->tenant, "default");
    EXPECT_EQ(set.find("two")->tenant, "acme");
    {
        std::ofstream f(path);
        f << sha256Hex("one") << "\nplaintext-token\n";
    }
    TokenSet bad;
    auto err = bad.loadFile(path, "default");
    ASSERT_TRUE(err.has_value());
    EXPECT_NE(err->find(":2:"), std::string::npos) << *err;
    EXPECT_TRUE(TokenSet().loadFile("/nonexistent/tokens", "default").has_value());
    std::remove(path.c_str());
}

TEST(Tokens, BearerHeaderParsing) {
    EXPECT_EQ(bearerToken("Bearer abc").value(), "abc");
    EXPECT_EQ(bearerToken("bearer  abc ").value(), "abc");
    EXPECT_FALSE(bearerToken("Basic abc").has_value());
    EXPECT_FALSE(bearerToken("Bearer ").has_value());
    EXPECT_FALSE(bearerToken("").has_value());
}

TEST(Query, DecodesAndLowercasesNames) {
    auto q = parseQuery("filter=userName%20eq%20%22a%2Bb%22&startIndex=1&COUNT=5&x&count=9");
    EXPECT_EQ(q["filter"], "userName eq \"a+b\"");
    EXPECT_EQ(q["startindex"], "1");
    EXPECT_EQ(q["count"], "5");  // first occurrence wins
    EXPECT_EQ(q.count("x"), 1u);
    EXPECT_EQ(parseQuery("a=b+c")["a"], "b c");
    EXPECT_EQ(urlDecode("%zz%4"), "%zz%4");
}

TEST(Query, IntegerParameters) {
    auto q = parseQuery("count=10&startIndex=abc&neg=-3");
    EXPECT_EQ(integerParam(q, "count")->value(), 10);
    EXPECT_FALSE(integerParam(q, "missing")->has_value());
    EXPECT_EQ(integerParam(q, "neg")->value(), -3);
    auto bad = integerParam(q, "startIndex");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().scimType, "invalidValue");
}

TEST(Router, SplitsBaseAtTheFirstEndpointSegment) {
    std::string_view base, rest;
    ASSERT_TRUE(splitBase("/scim/v2/Users/abc", base, rest));
    EXPECT_EQ(base, "/scim/v2");
    EXPECT_EQ(rest, "/Users/abc");
    ASSERT_TRUE(splitBase("/orgs/acme/scim/v2/ServiceProviderConfig", base, rest));
    EXPECT_EQ(base, "/orgs/acme/scim/v2");
    ASSERT_TRUE(splitBase("/Users", base, rest));
    EXPECT_EQ(base, "");
    EXPECT_FALSE(splitBase("/scim/v2/", base, rest));
    EXPECT_FALSE(splitBase("/scim/v2/Nothing/here", base, rest));
}

Route routeOf(std::string_view method, std::string_view path) {
    auto m = matchRoute(method, path);
    EXPECT_TRUE(std::holds_alternative<Route>(m)) << method << " " << path;
    return std::holds_alternative<Route>(m) ? std::get<Route>(m) : Route{};
}

Response responseOf(std::string_view method, std::string_view path) {
    auto m = matchRoute(method, path);
    EXPECT_TRUE(std::holds_alternative<Response>(m)) << method << " " << path;
    return std::holds_alternative<Response>(m) ? std::get<Response>(m) : Response{};
}

TEST(Router, ResourceRoutes) {
    EXPECT_TRUE(routeOf("POST", "/Users").needsBody);
    EXPECT_FALSE(routeOf("GET", "/Users").needsBody);
    EXPECT_EQ(routeOf("GET", "/Users/abc").id, "abc");
    EXPECT_EQ(routeOf("DELETE", "/users/abc/").id, "abc");
    EXPECT_TRUE(routeOf("PATCH", "/Users/abc").needsBody);
    EXPECT_EQ(routeOf("POST", "/Users/.search").operation, Operation::Search);
    EXPECT_EQ(routeOf("GET", "/Users").operation, Operation::List);
    EXPECT_EQ(routeOf("POST", "/Groups").operation, Operation::Create);
    EXPECT_EQ(routeOf("GET", "/Users/abc").operation, Operation::Get);
    EXPECT_EQ(routeOf("PUT", "/Groups/abc").operation, Operation::Replace);
    EXPECT_EQ(routeOf("PATCH", "/Users/abc").operation, Operation::Patch);
    EXPECT_EQ(routeOf("DELETE", "/Users/abc").operation, Operation::Delete);
    EXPECT_EQ(routeOf("POST", "/.search").operation, Operation::Search);
    EXPECT_EQ(routeOf("POST", "/Bulk").operation, Operation::Bulk);
    EXPECT_EQ(routeOf("GET", "/Groups").endpoint, Endpoint::Groups);
    EXPECT_EQ(responseOf("PUT", "/Users").status, 405);
    EXPECT_EQ(responseOf("POST", "/Users/abc").status, 405);
    EXPECT_EQ(responseOf("GET", "/Users/abc/def").status, 404);
    EXPECT_EQ(responseOf("GET", "/Nope").status, 404);
}

TEST(Router, DiscoveryIsReadOnlyAndAnswers405WithAllow) {
    EXPECT_EQ(routeOf("GET", "/ServiceProviderConfig").endpoint, Endpoint::ServiceProviderConfig);
    EXPECT_EQ(routeOf("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User").id,
              "urn:ietf:params:scim:schemas:core:2.0:User");
    for (const char *m : {"POST", "PUT", "PATCH", "DELETE"}) {
        for (const char *p : {"/ServiceProviderConfig", "/Schemas", "/ResourceTypes/User"}) {
            Response r = responseOf(m, p);
            EXPECT_EQ(r.status, 405);
            ASSERT_EQ(r.headers.size(), 1u);
            EXPECT_EQ(r.headers[0].first, "Allow");
            EXPECT_EQ(r.headers[0].second, "GET");
            EXPECT_NE(r.body.find("\"status\":\"405\""), std::string::npos);
        }
    }
    EXPECT_EQ(responseOf("GET", "/ServiceProviderConfig/x").status, 404);
}

TEST(StoreCommand, ScriptsGoOutAsEvalshaOrEval) {
    const auto &script = store::createUserScript();
    auto c = store::scriptCall(script, {"k1", "k2"}, {"a"});
    auto sha = c.argv();
    ASSERT_EQ(sha.size(), 6u);
    EXPECT_EQ(sha[0], "EVALSHA");
    EXPECT_EQ(sha[1], script.sha1);
    EXPECT_EQ(sha[1].size(), 40u);
    EXPECT_EQ(sha[2], "2");
    EXPECT_EQ(sha[3], "k1");
    EXPECT_EQ(sha[5], "a");
    auto eval = c.argv(true);
    EXPECT_EQ(eval[0], "EVAL");
    EXPECT_EQ(eval[1], script.source);
    EXPECT_EQ(store::plain({"GET", "x"}).argv(), (std::vector<std::string>{"GET", "x"}));
}
