// Shared by the User exchanges: how a stored user becomes a response.
#pragma once

#include <string>

#include "exchanges.hpp"
#include "scim/store/keys.hpp"

namespace scim {

// The fields of a stored user hash that rendering needs.
struct StoredUser {
    std::string id;
    std::string doc;  // canonical JSON
    uint64_t version = 0;
    std::string created;
    std::string lastModified;
};

// HMGET fields, in the order StoredUser expects them after the id.
inline const char *const kUserFields[] = {"doc", "version", "created", "lastModified"};

// Renders a stored user, applying the request's projection parameters.
// Returns an error for a projection the client got wrong.
Expected<JsonDoc> renderStoredUser(const StoredUser &user, const Request &request);

// 200/201 with the body, ETag and (for 201) Location.
Response userResponse(int status, const StoredUser &user, const Request &request);

std::string userLocation(const Request &request, std::string_view id);

// '1', '0' or '' (unset): the `active` field the write scripts compare to
// tell deactivation and reactivation apart.
std::string activeFlag(const Json &doc);

store::KeySpace keysFor(const Request &request, const ServiceConfig &config);

// A Redis error reply is the store's problem, never the client's.
Response storeFailure(std::string_view what);

}  // namespace scim
