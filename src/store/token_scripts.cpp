// The token registry's scripts. All keys they touch carry the `{#tokens}`
// hash tag; a token's hash is named from the prefix in ARGV (same slot).
// Times are milliseconds since the epoch, 0 meaning "never".
#include "scim/store/token_scripts.hpp"

#include "scim/store/reply.hpp"
#include "scim/tenant.hpp"

namespace scim::store {

const Script &createTokenScript() {
    static const Script s = embeddedScript("create_token");
    return s;
}

const Script &rotateTokenScript() {
    static const Script s = embeddedScript("rotate_token");
    return s;
}

const Script &revokeTokenScript() {
    static const Script s = embeddedScript("revoke_token");
    return s;
}

const Script &listTokensScript() {
    static const Script s = embeddedScript("list_tokens");
    return s;
}

const Script &touchTokenScript() {
    static const Script s = embeddedScript("touch_token");
    return s;
}

const std::vector<const Script *> &tokenScripts() {
    static const std::vector<const Script *> all{&createTokenScript(), &rotateTokenScript(),
                                                 &revokeTokenScript(), &listTokensScript(),
                                                 &touchTokenScript()};
    return all;
}

Command tokenLookup(const TokenKeys &keys, std::string_view sha256) {
    return plain({"HMGET", keys.token(sha256), "tenant", "name", "expires", "revoked"});
}

std::optional<CachedToken> parseTokenLookup(const redisReply &reply) {
    if (!isArray(reply) || reply.elements != 4) return std::nullopt;
    CachedToken t;
    if (isNil(*element(reply, 0))) return t;  // Status::Unknown
    std::string tenant(textAt(reply, 0));
    if (!validTenant(tenant)) return t;  // not a token this module wrote: refused
    t.tenant = std::move(tenant);
    t.name = std::string(textAt(reply, 1));
    auto expires = integer(*element(reply, 2));
    auto revoked = integer(*element(reply, 3));
    t.expiresMillis = expires.value_or(0);
    t.status = revoked.value_or(0) != 0 ? CachedToken::Status::Revoked : CachedToken::Status::Valid;
    return t;
}

Command touchToken(const TokenKeys &keys, std::string_view sha256, int64_t nowMillis) {
    return scriptCall(touchTokenScript(), {keys.token(sha256)}, {std::to_string(nowMillis)});
}

}  // namespace scim::store
