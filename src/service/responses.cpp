#include "exchanges.hpp"

namespace scim {

namespace {

class Immediate final : public Exchange {
public:
    explicit Immediate(Response r) : response_(std::move(r)) {}
    Step start() override { return std::move(response_); }
    Step onReply(const redisReply &) override { return errorResponse(internalError("unexpected reply")); }

private:
    Response response_;
};

}  // namespace

Response errorResponse(const Error &e) {
    Response r;
    r.status = e.status;
    r.body = renderError(e);
    return r;
}

Response jsonResponse(int status, const Json &body) {
    Response r;
    r.status = status;
    r.body = toString(body);
    return r;
}

std::unique_ptr<Exchange> immediate(Response response) {
    return std::make_unique<Immediate>(std::move(response));
}

Response contendedResponse() {
    Response r = errorResponse(unavailable(
        "too many concurrent changes to this resource; retry the request"));
    r.headers.emplace_back("Retry-After", "1");
    return r;
}

std::string versionFromEtag(std::string_view h) {
    while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
    while (!h.empty() && h.back() == ' ') h.remove_suffix(1);
    if (h.empty() || h == "*") return "";
    if (h.substr(0, 2) == "W/" || h.substr(0, 2) == "w/") h.remove_prefix(2);
    if (h.size() >= 2 && h.front() == '"' && h.back() == '"') h = h.substr(1, h.size() - 2);
    return std::string(h);
}

}  // namespace scim
