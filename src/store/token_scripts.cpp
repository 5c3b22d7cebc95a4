// The token registry's scripts. All keys they touch carry the `{#tokens}`
// hash tag; a token's hash is named from the prefix in ARGV (same slot).
// Times are milliseconds since the epoch, 0 meaning "never".
#include "scim/store/token_scripts.hpp"

#include "scim/store/reply.hpp"
#include "scim/tenant.hpp"

namespace scim::store {

const Script &createTokenScript() {
    static const Script s = embeddedScript("create_token", ScriptAccess::Writes);
    return s;
}

const Script &rotateTokenScript() {
    static const Script s = embeddedScript("rotate_token", ScriptAccess::Writes);
    return s;
}

const Script &revokeTokenScript() {
    static const Script s = embeddedScript("revoke_token", ScriptAccess::Writes);
    return s;
}

// It drops index entries whose token has expired out of Redis (HDEL), so
// it is a write; only the admin API sends it, whose commands the edge
// counts as admin ones and never holds for WAIT.
const Script &listTokensScript() {
    static const Script s = embeddedScript("list_tokens", ScriptAccess::Writes);
    return s;
}

const Script &touchTokenScript() {
    static const Script s = embeddedScript("touch_token", ScriptAccess::Writes);
    return s;
}

const std::vector<const Script *> &tokenScripts() {
    static const std::vector<const Script *> all{&createTokenScript(), &rotateTokenScript(),
                                                 &revokeTokenScript(), &listTokensScript(),
                                                 &touchTokenScript()};
    return all;
}

Command createToken(const TokenKeys &keys, const TokenIssue &t, const std::string &name) {
    return scriptCall(createTokenScript(), {keys.token(t.sha256), keys.tenantTokens(t.tenant)},
                      {t.sha256, t.id, name, t.tenant, std::to_string(t.nowMillis)});
}

Command rotateToken(const TokenKeys &keys, const TokenIssue &t, const std::string &oldId,
                    int64_t graceMillis) {
    return scriptCall(rotateTokenScript(), {keys.tenantTokens(t.tenant), keys.token(t.sha256)},
                      {oldId, t.sha256, t.id, t.tenant, std::to_string(t.nowMillis),
                       std::to_string(graceMillis), keys.tokenPrefix(),
                       std::to_string(kTokenRetentionMillis)});
}

Command revokeToken(const TokenKeys &keys, const std::string &tenant, const std::string &id,
                    int64_t nowMillis) {
    return scriptCall(revokeTokenScript(), {keys.tenantTokens(tenant)},
                      {id, std::to_string(nowMillis), keys.tokenPrefix(),
                       std::to_string(kTokenRetentionMillis)});
}

Command listTokens(const TokenKeys &keys, const std::string &tenant) {
    return scriptCall(listTokensScript(), {keys.tenantTokens(tenant)}, {keys.tokenPrefix()});
}

TokenWriteOutcome readTokenWriteReply(const redisReply &reply) {
    using Kind = TokenWriteOutcome::Kind;
    TokenWriteOutcome o;
    if (isError(reply)) {
        o.error = std::string(text(reply));
        return o;
    }
    std::string_view status = textAt(reply, 0);
    o.error = std::string(status);  // what an unexpected status reports
    if (status == "ok") {
        o.kind = Kind::Ok;
        o.name = std::string(textAt(reply, 1));
        o.oldExpires = std::string(textAt(reply, 2));
    } else if (status == "collision") {
        o.kind = Kind::Collision;
    } else if (status == "notfound") {
        o.kind = Kind::NotFound;
    } else if (status == "revoked") {
        o.kind = Kind::Revoked;
    } else if (status == "expired") {
        o.kind = Kind::Expired;
    }
    return o;
}

// id, name, created, lastUsed, expires, revoked for each token.
ReadOutcome<std::vector<TokenEntry>> readTokenList(const redisReply &reply) {
    constexpr size_t kFields = 6;
    ReadOutcome<std::vector<TokenEntry>> out;
    if (isError(reply)) {
        out.error = std::string(text(reply));
        return out;
    }
    if (!isArray(reply) || reply.elements % kFields != 0) {
        out.error = "unexpected reply to list_tokens";
        return out;
    }
    std::vector<TokenEntry> tokens;
    for (size_t i = 0; i < reply.elements; i += kFields) {
        auto at = [&](size_t f) { return std::string(textAt(reply, i + f)); };
        tokens.push_back({at(0), at(1), at(2), at(3), at(4), at(5)});
    }
    out.record = std::move(tokens);
    return out;
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
