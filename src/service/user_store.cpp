#include "user_store.hpp"

#include "scim/query.hpp"

namespace scim {

std::string userLocation(const Request &request, std::string_view id) {
    return request.baseUrl + "/Users/" + std::string(id);
}

Expected<JsonDoc> renderStoredUser(const StoredUser &user, const Request &request) {
    JsonDoc doc;
    doc.Parse(user.doc.data(), user.doc.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        return internalError("stored user " + user.id + " is not a JSON object");
    }
    ResourceMeta meta{user.id, user.created, user.lastModified, user.version,
                      userLocation(request, user.id)};
    JsonDoc out = renderResource(userResourceType(), doc, meta);
    auto params = parseQuery(request.query);
    auto projection = parseProjection(params["attributes"], params["excludedattributes"]);
    if (!projection) return projection.takeError();
    if (!projection->empty()) applyProjection(out, userResourceType(), *projection, out.GetAllocator());
    return out;
}

Response userResponse(int status, const StoredUser &user, const Request &request) {
    auto rendered = renderStoredUser(user, request);
    if (!rendered) return errorResponse(rendered.error());
    Response r = jsonResponse(status, *rendered);
    r.headers.emplace_back("ETag", etagFor(user.version));
    if (status == 201) r.headers.emplace_back("Location", userLocation(request, user.id));
    return r;
}

std::string activeFlag(const Json &doc) {
    const Json *active = findMember(doc, "active");
    if (!active || !active->IsBool()) return "";
    return active->GetBool() ? "1" : "0";
}

store::KeySpace keysFor(const Request &request, const ServiceConfig &config) {
    return store::KeySpace(config.keyPrefix, request.tenant);
}

Response storeFailure(std::string_view what) {
    return errorResponse(unavailable("the store failed: " + std::string(what)));
}

}  // namespace scim
