// Shared by the exchange tests: a tenant-scoped request, the exchange the
// router builds for it, and readers for the response.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fake_reply.hpp"
#include "scim/json.hpp"
#include "scim/service/service.hpp"
#include "scim/store/command.hpp"

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

// A user's read (store::readUser): SMEMBERS of its groups, HMGET of it.
inline bool isUserRead(const store::Command &c, const std::string &id = "u1",
                       const std::string &tenant = "acme") {
    const std::string base = "scim:{" + tenant + "}:";
    return c.batch.size() == 2 &&
           c.batch[0].args == std::vector<std::string>{"SMEMBERS", base + "memberof:" + id} &&
           c.batch[1].args == std::vector<std::string>{"HMGET", base + "user:" + id, "doc",
                                                       "version", "created", "lastModified"};
}

inline Exchange::Step onReplies(Exchange &ex, const std::vector<FakeReply> &replies) {
    std::vector<const redisReply *> pointers;
    for (const FakeReply &r : replies) pointers.push_back(&*r);
    return ex.onReplies(pointers);
}

// Answers a user's read with the stored `fields` (doc, version, created,
// lastModified; none: no such user) and, for a user in `groups` (id, name),
// the batch of their names that follows. The exchange's next step.
inline Exchange::Step answerUserRead(
    Exchange &ex, std::initializer_list<const char *> fields,
    const std::vector<std::pair<std::string, std::string>> &groups = {}) {
    std::vector<FakeReply> ids;
    for (const auto &g : groups) ids.push_back(FakeReply::string(g.first));
    FakeReply record = fields.size() == 0 ? FakeReply::array({FakeReply::nil(), FakeReply::nil(),
                                                              FakeReply::nil(), FakeReply::nil()})
                                          : FakeReply::strings(fields);
    Exchange::Step step = onReplies(ex, {FakeReply::array(std::move(ids)), record});
    if (groups.empty() || fields.size() == 0) return step;
    store::Command names = commandOf(step);
    EXPECT_EQ(names.batch.size(), groups.size());
    std::vector<FakeReply> replies;
    for (const auto &g : groups) replies.push_back(FakeReply::string(g.second));
    return onReplies(ex, replies);
}

}  // namespace exchange_test
