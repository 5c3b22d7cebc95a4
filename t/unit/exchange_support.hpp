// Shared by the exchange tests: a tenant-scoped request, the exchange the
// router builds for it, and readers for the response.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "scim/json.hpp"
#include "scim/service/service.hpp"

namespace exchange_test {

using namespace scim;

inline ServiceConfig config() {
    ServiceConfig c;
    c.keyPrefix = "scim:";
    return c;
}

// A request of the tenant "acme" by the token "okta", at a fixed time.
inline Request request(std::string method, std::string path, std::string body = "") {
    Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.body = std::move(body);
    r.baseUrl = "https://idp.example.com/scim/v2";
    r.tenant = "acme";
    r.tokenName = "okta";
    r.nowMillis = 1795873458123LL;
    return r;
}

inline std::unique_ptr<Exchange> exchangeFor(Request r, const ServiceConfig &c) {
    auto m = matchRoute(r.method, r.path);
    return makeExchange(std::get<Route>(m), std::move(r), c);
}
// An exchange keeps a reference to its configuration: a temporary one
// would be gone before the exchange's first step.
std::unique_ptr<Exchange> exchangeFor(Request r, const ServiceConfig &&c) = delete;

// The step an exchange took, expected to be a command or a response.
inline store::Command commandOf(const Exchange::Step &step) {
    EXPECT_TRUE(std::holds_alternative<store::Command>(step));
    return std::holds_alternative<store::Command>(step) ? std::get<store::Command>(step)
                                                         : store::Command{};
}

inline Response responseOf(const Exchange::Step &step) {
    EXPECT_TRUE(std::holds_alternative<Response>(step));
    return std::holds_alternative<Response>(step) ? std::get<Response>(step) : Response{};
}

inline JsonDoc bodyOf(const Response &r) {
    JsonDoc d;
    d.Parse(r.body.c_str());
    return d;
}

inline std::string header(const Response &r, const std::string &name) {
    for (const auto &[k, v] : r.headers) {
        if (k == name) return v;
    }
    return "";
}

}  // namespace exchange_test
