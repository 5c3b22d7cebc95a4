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

Exchange::Step Exchange::onReplies(const std::vector<const redisReply *> &) {
    return errorResponse(internalError("unexpected replies"));
}

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

namespace {

Response withResourceHeaders(Response r, uint64_t version, const std::string &location) {
    r.headers.emplace_back("ETag", etagFor(version));
    if (r.status == 201) r.headers.emplace_back("Location", location);
    return r;
}

}  // namespace

Response resourceResponse(int status, const Expected<JsonDoc> &rendered, uint64_t version,
                          const std::string &location) {
    if (!rendered) return errorResponse(rendered.error());
    return withResourceHeaders(jsonResponse(status, *rendered), version, location);
}

Response resourceResponse(int status, Expected<std::string> rendered, uint64_t version,
                          const std::string &location) {
    if (!rendered) return errorResponse(rendered.error());
    Response r;
    r.status = status;
    r.body = std::move(*rendered);
    return withResourceHeaders(std::move(r), version, location);
}

Response noContent(uint64_t version) {
    Response r;
    r.status = 204;
    r.headers.emplace_back("ETag", etagFor(version));
    return r;
}

std::optional<Response> notModified(const Request &request, uint64_t version) {
    const std::string &tag = request.ifNoneMatch;
    if (tag.empty() || (tag != "*" && versionFromEtag(tag) != std::to_string(version))) {
        return std::nullopt;
    }
    Response r = noContent(version);
    r.status = 304;
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
    std::string_view tag = h;
    if (tag.substr(0, 2) == "W/" || tag.substr(0, 2) == "w/") tag.remove_prefix(2);
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') {
        tag = tag.substr(1, tag.size() - 2);
    }
    // Junk ("W/", "abc", a list) names no version this server issued: it
    // must fail the check (412), never be read as "no precondition".
    bool digits = !tag.empty() && tag.find_first_not_of("0123456789") == std::string_view::npos;
    return digits ? std::string(tag) : "!" + std::string(h);
}

bool noneMatchFails(std::string_view header, uint64_t version) {
    while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
    while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
    if (header.empty()) return false;
    return header == "*" || versionFromEtag(header) == std::to_string(version);
}

std::optional<Error> replacePreconditionRefusal(const Request &request) {
    std::string_view h = request.ifNoneMatch;
    while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
    while (!h.empty() && h.back() == ' ') h.remove_suffix(1);
    if (h != "*") return std::nullopt;
    return preconditionFailed("If-None-Match: * asks to create, and PUT only replaces an "
                              "existing resource; use POST");
}

}  // namespace scim
