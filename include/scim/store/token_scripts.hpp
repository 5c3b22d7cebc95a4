// The token registry in Redis (docs/redis-layout.md, "Tokens").
//
// A bearer token is looked up by its SHA-256 before its tenant is known, so
// the registry cannot live under a tenant's hash tag. It has one hash tag of
// its own, `{#tokens}` ('#' is never part of a tenant name), so that every
// key of it lives in one Redis Cluster slot: authentication is one HMGET and
// every admin write is one cluster-safe script.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scim/store/command.hpp"
#include "scim/store/scripts.hpp"
#include "scim/store/write_outcome.hpp"
#include "scim/token_cache.hpp"

struct redisReply;

namespace scim::store {

class TokenKeys {
public:
    explicit TokenKeys(std::string_view prefix) : base_(std::string(prefix) + "{#tokens}:") {}

    // hash: id, name, tenant, created, lastUsed, expires, revoked
    std::string token(std::string_view sha256) const { return tokenPrefix() + std::string(sha256); }
    std::string tokenPrefix() const { return base_ + "token:"; }
    // hash: token id (12 hex digits) → SHA-256 hex, one per token of the tenant
    std::string tenantTokens(std::string_view tenant) const {
        return base_ + "tenant:" + std::string(tenant);
    }

private:
    std::string base_;
};

// A token's public id: the first 12 hex digits of its SHA-256.
inline constexpr size_t kTokenIdLength = 12;
// Revoked and expired tokens stay in the registry this long, for audit.
inline constexpr int64_t kTokenRetentionMillis = 30LL * 24 * 3600 * 1000;

// Replies: {'ok'} | {'collision'}
const Script &createTokenScript();
// Replies: {'ok', name, old expires} | {'notfound'} | {'revoked'} | {'expired'} | {'collision'}
const Script &rotateTokenScript();
// Replies: {'ok', name} | {'notfound'}
const Script &revokeTokenScript();
// Replies: id, name, created, lastUsed, expires, revoked for each token
const Script &listTokensScript();
const Script &touchTokenScript();

const std::vector<const Script *> &tokenScripts();

// Typed calls of the admin scripts (src/store/lua/*_token*.lua).
struct TokenIssue {
    std::string sha256;  // of the secret
    std::string id;      // its first kTokenIdLength hex digits
    std::string tenant;
    int64_t nowMillis = 0;
};
Command createToken(const TokenKeys &keys, const TokenIssue &token, const std::string &name);
// The new token takes the old one's name; the old keeps working for `graceMillis`.
Command rotateToken(const TokenKeys &keys, const TokenIssue &token, const std::string &oldId,
                    int64_t graceMillis);
Command revokeToken(const TokenKeys &keys, const std::string &tenant, const std::string &id,
                    int64_t nowMillis);
Command listTokens(const TokenKeys &keys, const std::string &tenant);

// What create, rotate and revoke answered.
struct TokenWriteOutcome {
    enum class Kind { Ok, Collision, NotFound, Revoked, Expired, Failed };
    Kind kind = Kind::Failed;
    std::string name;        // Ok (rotate, revoke): the token's name
    std::string oldExpires;  // Ok (rotate): when the old token stops working, ms
    std::string error;       // Redis's error text, else the reply's status
};
TokenWriteOutcome readTokenWriteReply(const redisReply &reply);

// One token of list_tokens; times in ms since the epoch, "0" for never.
struct TokenEntry {
    std::string id, name, created, lastUsed, expires, revoked;
};
// The tenant's tokens, in the registry's order; an error for a reply of
// the wrong shape.
ReadOutcome<std::vector<TokenEntry>> readTokenList(const redisReply &reply);

// Authentication: one HMGET of the token's hash.
Command tokenLookup(const TokenKeys &keys, std::string_view sha256);
// What the look-up found, or nullopt for a reply of the wrong shape.
std::optional<CachedToken> parseTokenLookup(const redisReply &reply);

// Records a token's last use; never recreates a token that is gone.
Command touchToken(const TokenKeys &keys, std::string_view sha256, int64_t nowMillis);

}  // namespace scim::store
