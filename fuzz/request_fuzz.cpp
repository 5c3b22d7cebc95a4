// libFuzzer target: a whole request (method, path with query, body)
// through the service layer, routed and driven by makeExchange against
// canned Redis replies that the input also picks. Must never crash,
// assert or leak, and every response must be well-formed: a status in
// 200..599 and, for an error, a JSON body with "status" as a string.
//
// Input: one byte picks the method, the bytes up to the first '\n' are the
// path and query, the rest is the body; the bytes of the body, read
// backwards, pick the reply to each command.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "../t/unit/fake_reply.hpp"
#include "asan_defaults.hpp"
#include "oracle/error_body.hpp"
#include "scim/service/service.hpp"

namespace {

const char *const kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};

// Replies the read and write scripts give: records, write results, refusals.
std::vector<FakeReply> cannedReplies() {
    const char *user = R"({"userName":"bjensen","name":{"givenName":"B"},"emails":[{"value":"b@x.org"}]})";
    const char *group = R"({"displayName":"Eng"})";
    std::vector<FakeReply> r;
    r.push_back(FakeReply::strings({user, "3", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"}));
    r.push_back(FakeReply::strings({user, "3", "t1", "t2", "g1", "Admins"}));
    r.push_back(FakeReply::strings({group, "2", "t1", "t2"}));
    r.push_back(FakeReply::strings({"ok", "4", "2026-01-03T00:00:00Z", "2026-01-03T00:00:00Z"}));
    r.push_back(FakeReply::strings({"precondition", "5"}));
    r.push_back(FakeReply::strings({"notfound"}));
    r.push_back(FakeReply::strings({"uniqueness", "other"}));
    r.push_back(FakeReply::strings({"toomany"}));
    r.push_back(FakeReply::array({FakeReply::integer(1), FakeReply::string("id1"),
                                  FakeReply::string("1"), FakeReply::string(user),
                                  FakeReply::string("1"), FakeReply::string("t1"),
                                  FakeReply::string("t2"), FakeReply::string("")}));
    r.push_back(FakeReply::array({}));
    r.push_back(FakeReply::nil());
    r.push_back(FakeReply::integer(0));
    r.push_back(FakeReply::error("ERR value is not an integer"));
    return r;
}

void checkResponse(const scim::Response &r) {
    if (r.status < 200 || r.status > 599) std::abort();
    if (r.status >= 400 && !r.body.empty() && !fuzz_oracle::isScimErrorBody(r.body)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const std::vector<FakeReply> replies = cannedReplies();
    static const scim::ServiceConfig config = [] {
        scim::ServiceConfig c;
        c.contentionBudgetMillis = 50;  // a few retries, not thousands
        c.sortGetPages = true;          // as the edge has it: pages in a batch
        return c;
    }();
    if (size < 1) return 0;
    std::string_view in(reinterpret_cast<const char *>(data) + 1, size - 1);
    const char *method = kMethods[data[0] % (sizeof kMethods / sizeof *kMethods)];
    size_t eol = in.find('\n');
    std::string_view target = in.substr(0, eol);
    std::string_view body = eol == std::string_view::npos ? "" : in.substr(eol + 1);
    size_t q = target.find('?');

    scim::Request request;
    request.method = method;
    request.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) request.query = std::string(target.substr(q + 1));
    request.baseUrl = "https://idp.example/scim/v2";
    request.body = std::string(body);
    request.nowMillis = 1767225600000;

    auto matched = scim::matchRoute(request.method, request.path);
    if (auto *r = std::get_if<scim::Response>(&matched)) {
        checkResponse(*r);
        return 0;
    }
    auto exchange =
        scim::makeExchange(std::get<scim::Route>(matched), std::move(request), config);
    scim::Exchange::Step step = exchange->start();
    for (size_t turn = 0; turn < 64; ++turn) {
        if (auto *r = std::get_if<scim::Response>(&step)) {
            checkResponse(*r);
            return 0;
        }
        const auto &command = std::get<scim::store::Command>(step);
        uint8_t pick = turn < body.size() ? static_cast<uint8_t>(body[body.size() - 1 - turn]) : 0;
        if (command.isBatch()) {  // a reply each, picked in turn
            std::vector<const redisReply *> picked;
            for (const auto &c : command.batch) {
                (void)c.argv(false);
                picked.push_back(&*replies[(pick + picked.size()) % replies.size()]);
            }
            step = exchange->onReplies(picked);
            continue;
        }
        (void)command.argv(false);
        step = exchange->onReply(*replies[pick % replies.size()]);
    }
    return 0;  // a long conversation (a scan) is fine; it is cut here
}
