// Allocations per request on the hot paths of issue #12, through the
// service layer alone (no nginx, no Redis): GET /Users/{id}, a filter on
// userName eq and POST /Users, each answered by a canned store reply of
// the shape the scripts give. Deterministic whatever the machine's load;
// run it under `valgrind --tool=callgrind` for instruction counts.
//   build/fuzz-replay/hot_paths [ROUNDS [CASE]]   (CASE: 0 GET, 1 filter, 2 POST)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>

#include "../../t/unit/fake_reply.hpp"
#include "alloc_counter.hpp"
#include "scim/service/service.hpp"

namespace {

const char *const kUser =
    R"({"userName":"user00042@example.com","name":{"givenName":"Given42","familyName":"Family42"},)"
    R"("displayName":"User 42","title":"Engineer","active":true,)"
    R"("emails":[{"value":"user00042@example.com","type":"work","primary":true}]})";

struct Case {
    const char *name;
    const char *method;
    const char *target;  // path and query
    const char *body;
    int status;          // expected
};

const Case kCases[] = {
    {"GET /Users/{id}", "GET", "/Users/0d4c3b2a-1f5e-4d6c-8b7a-9e0f1a2b3c4d", "", 200},
    {"GET /Users?filter=userName eq", "GET",
     "/Users?filter=userName%20eq%20%22user00042%40example.com%22", "", 200},
    {"POST /Users", "POST", "/Users",
     R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],)"
     R"("userName":"new.user@example.com","name":{"givenName":"New","familyName":"User"},)"
     R"("displayName":"New User","active":true,)"
     R"("emails":[{"value":"new.user@example.com","type":"work","primary":true}]})",
     201},
};

// The reply each hot path's one script gives.
const FakeReply &replyFor(const Case &c) {
    static const FakeReply read = FakeReply::strings(
        {kUser, "3", "2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z"});
    static const FakeReply records = FakeReply::array(
        {FakeReply::integer(1), FakeReply::string("0d4c3b2a-1f5e-4d6c-8b7a-9e0f1a2b3c4d"),
         FakeReply::string("42"), FakeReply::string(kUser), FakeReply::string("3"),
         FakeReply::string("2026-01-01T00:00:00.000Z"),
         FakeReply::string("2026-01-02T00:00:00.000Z"), FakeReply::string("")});
    static const FakeReply created = FakeReply::strings(
        {"ok", "1", "2026-01-03T00:00:00.000Z", "2026-01-03T00:00:00.000Z"});
    if (std::string_view(c.method) == "POST") return created;
    return std::string_view(c.target).find('?') != std::string_view::npos ? records : read;
}

// One request as the edge makes it: route, exchange, command argv, reply.
int runOnce(const Case &c, const scim::ServiceConfig &config) {
    std::string_view target = c.target;
    size_t q = target.find('?');
    scim::Request request;
    request.method = c.method;
    request.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) request.query = std::string(target.substr(q + 1));
    request.baseUrl = "https://idp.example.com/scim/v2";
    request.body = c.body;
    request.tenant = "acme";
    request.tokenName = "okta";
    request.nowMillis = 1767225600000;
    auto matched = scim::matchRoute(request.method, request.path);
    auto exchange = scim::makeExchange(std::get<scim::Route>(matched), std::move(request), config);
    scim::Exchange::Step step = exchange->start();
    for (int turn = 0; turn < 8; ++turn) {
        if (auto *r = std::get_if<scim::Response>(&step)) return r->status;
        (void)std::get<scim::store::Command>(step).argv(false);
        step = exchange->onReply(*replyFor(c));
    }
    return -1;
}

}  // namespace

int main(int argc, char **argv) {
    long rounds = argc > 1 ? std::atol(argv[1]) : 10000;
    int only = argc > 2 ? std::atoi(argv[2]) : -1;
    scim::ServiceConfig config;
    int failed = 0;
    for (const Case &c : kCases) {
        if (only >= 0 && &c != &kCases[only]) continue;
        int status = runOnce(c, config);  // warm up function statics
        if (status != c.status) {
            std::fprintf(stderr, "%s: status %d, expected %d\n", c.name, status, c.status);
            failed = 1;
        }
        size_t calls = alloc_counter::calls, bytes = alloc_counter::bytes;
        auto t0 = std::chrono::steady_clock::now();
        for (long i = 0; i < rounds; ++i) runOnce(c, config);
        double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0)
                        .count();
        std::printf("%-32s %6.1f allocations %8.0f bytes %7.2f us per request\n", c.name,
                    double(alloc_counter::calls - calls) / rounds,
                    double(alloc_counter::bytes - bytes) / rounds, us / rounds);
    }
    return failed;
}
