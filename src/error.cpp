#include "scim/error.hpp"

#include <charconv>
#include <cstring>

#include "scim/input_checks.hpp"
#include "scim/json_escape.hpp"

#include "scim/schema.hpp"

namespace scim {

namespace {

Error make(int status, const char *type, std::string detail) {
    return Error{status, type, std::move(detail)};
}
}  // namespace

Error invalidFilter(std::string d) { return make(400, "invalidFilter", std::move(d)); }
Error tooMany(std::string d) { return make(400, "tooMany", std::move(d)); }
Error invalidCursor(std::string d) { return make(400, "invalidCursor", std::move(d)); }
Error uniqueness(std::string d) { return make(409, "uniqueness", std::move(d)); }
Error mutability(std::string d) { return make(400, "mutability", std::move(d)); }
Error invalidSyntax(std::string d) { return make(400, "invalidSyntax", std::move(d)); }
Error invalidPath(std::string d) { return make(400, "invalidPath", std::move(d)); }
Error noTarget(std::string d) { return make(400, "noTarget", std::move(d)); }
Error invalidValue(std::string d) { return make(400, "invalidValue", std::move(d)); }
Error invalidVersion(std::string d) { return make(400, "invalidVers", std::move(d)); }
Error notFound(std::string d) { return make(404, "", std::move(d)); }
Error unauthorized(std::string d) { return make(401, "", std::move(d)); }
Error methodNotAllowed(std::string d) { return make(405, "", std::move(d)); }
Error preconditionFailed(std::string d) { return make(412, "", std::move(d)); }
Error payloadTooLarge(std::string d) { return make(413, "", std::move(d)); }
Error unavailable(std::string d) { return make(503, "", std::move(d)); }
Error internalError(std::string d) { return make(500, "", std::move(d)); }

std::string renderError(const Error &e) {
    std::string out;
    out.reserve(e.detail.size() + 160);
    out.append(R"({"schemas":[")").append(kErrorUrn).append(R"("],"status":")");
    char status[16];
    auto [end, ec] = std::to_chars(status, status + sizeof status, e.status);
    (void)ec;  // an int always fits
    out.append(status, end).push_back('"');
    if (!e.scimType.empty()) {
        out.append(R"(,"scimType":)");
        appendJsonString(out, e.scimType);
    }
    out.append(R"(,"detail":)");
    // Details quote request text (a path id): bytes that are not UTF-8
    // would make the body invalid JSON.
    if (isValidUtf8(e.detail)) {
        appendJsonString(out, e.detail);
    } else {
        appendJsonString(out, validUtf8(e.detail));
    }
    out.push_back('}');
    return out;
}

}  // namespace scim
