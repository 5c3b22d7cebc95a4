// Whether a known token may be used for a request: not revoked, not past
// its rotation grace, and of the tenant the location names (if it names
// one by a variable).
#pragma once

#include <cstdint>
#include <string_view>

#include "scim/token_cache.hpp"

namespace scim {

enum class TokenVerdict { Accepted, Unknown, Revoked, Expired, WrongTenant };

// `requiredTenant` is empty when the tenant comes from the token.
TokenVerdict checkToken(const CachedToken &token, int64_t nowMillis,
                        std::string_view requiredTenant);

// "unknown token", "revoked token", …: for the audit log.
const char *verdictText(TokenVerdict verdict);

}  // namespace scim
