#include "scim/error.hpp"

#include <cstdio>

#include "scim/input_checks.hpp"

#include "scim/json.hpp"
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
    JsonOut out(e.detail.size() + 160);
    JsonWriter w(out);
    w.StartObject();
    w.Key("schemas");
    w.StartArray();
    w.String(kErrorUrn.data(), static_cast<rapidjson::SizeType>(kErrorUrn.size()));
    w.EndArray();
    w.Key("status");
    char status[16];
    int statusLength = std::snprintf(status, sizeof status, "%d", e.status);
    w.String(status, static_cast<rapidjson::SizeType>(statusLength));
    if (!e.scimType.empty()) {
        w.Key("scimType");
        w.String(e.scimType.c_str(), static_cast<rapidjson::SizeType>(e.scimType.size()));
    }
    w.Key("detail");
    // Details quote request text (a path id): bytes that are not UTF-8
    // would make the body invalid JSON.
    if (isValidUtf8(e.detail)) {
        writeString(w, e.detail);
    } else {
        writeString(w, validUtf8(e.detail));
    }
    w.EndObject();
    return out.take();
}

}  // namespace scim
