#include "scim/token_check.hpp"

namespace scim {

TokenVerdict checkToken(const CachedToken &token, int64_t nowMillis,
                        std::string_view requiredTenant) {
    switch (token.status) {
    case CachedToken::Status::Unknown: return TokenVerdict::Unknown;
    case CachedToken::Status::Revoked: return TokenVerdict::Revoked;
    case CachedToken::Status::Valid: break;
    }
    if (token.expiresMillis != 0 && token.expiresMillis <= nowMillis) return TokenVerdict::Expired;
    // A token without a tenant (a static one where the tenant is a
    // variable) belongs to no tenant, hence never to the required one.
    if (!requiredTenant.empty() && token.tenant != requiredTenant) return TokenVerdict::WrongTenant;
    if (token.tenant.empty()) return TokenVerdict::WrongTenant;
    return TokenVerdict::Accepted;
}

const char *verdictText(TokenVerdict verdict) {
    switch (verdict) {
    case TokenVerdict::Accepted: return "accepted token";
    case TokenVerdict::Unknown: return "unknown token";
    case TokenVerdict::Revoked: return "revoked token";
    case TokenVerdict::Expired: return "expired token";
    case TokenVerdict::WrongTenant: return "token of another tenant";
    }
    return "token";
}

}  // namespace scim
