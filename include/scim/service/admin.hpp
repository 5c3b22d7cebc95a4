// The token admin API (docs/admin-api.md), served where `scim_admin` is
// configured:
//
//   POST   …/tenants/{tenant}/tokens                {"name":…}         201 new token
//   GET    …/tenants/{tenant}/tokens                                   200 list, no secrets
//   POST   …/tenants/{tenant}/tokens/{id}/rotate    {"graceSeconds":N} 201 new token
//   DELETE …/tenants/{tenant}/tokens/{id}                              204 revoked
//
// Like the SCIM side it is a set of Exchanges: plain C++ that builds Redis
// commands and reads their replies, so it is unit-testable without Redis.
// Answers are application/json; errors are {"status":N,"error":"…"}.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "scim/service/service.hpp"

namespace scim {

struct AdminRoute {
    enum class Action { CreateToken, ListTokens, RotateToken, RevokeToken };
    Action action = Action::ListTokens;
    std::string tenant;
    std::string tokenId;  // rotate and revoke
    bool needsBody = false;
};

inline constexpr int64_t kDefaultGraceSeconds = 86400;
inline constexpr int64_t kMaxGraceSeconds = 30LL * 86400;
inline constexpr size_t kMaxTokenNameLength = 128;

// Matches a request URI (everything before the `tenants` segment is the
// admin location's own prefix) and method. Unknown paths give 404, other
// methods 405 with Allow, a bad tenant name 400.
std::variant<AdminRoute, Response> matchAdminRoute(std::string_view method, std::string_view uri);

// A new bearer token: "scim_" and 32 bytes from OpenSSL's RAND_bytes in
// unpadded base64url (256 bits of entropy; the prefix lets secret scanners
// recognise leaked tokens).
std::string newTokenSecret();
using TokenSource = std::function<std::string()>;

// The exchange for a matched route; `request` carries the body and the time.
std::unique_ptr<Exchange> makeAdminExchange(const AdminRoute &route, Request request,
                                            const ServiceConfig &config,
                                            TokenSource source = newTokenSecret);

// An admin API error: {"status":N,"error":detail} as application/json.
Response adminError(const Error &e);

}  // namespace scim
