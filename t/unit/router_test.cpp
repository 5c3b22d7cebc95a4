// Routing: the base path split, resource routes and read-only discovery.
#include <gtest/gtest.h>

#include "scim/service/service.hpp"

using namespace scim;

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
