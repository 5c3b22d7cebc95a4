// The token registry's scripts. All keys they touch carry the `{#tokens}`
// hash tag; a token's hash is named from the prefix in ARGV (same slot).
// Times are milliseconds since the epoch, 0 meaning "never".
#include "scim/store/token_scripts.hpp"

#include "scim/store/reply.hpp"
#include "scim/tenant.hpp"

namespace scim::store {

namespace {

// Shared: a token hash as the registry keeps it.
const char *const kTokenLua = R"lua(
local function new_token(key, index, sha, id, name, tenant, now)
  redis.call('HSET', key, 'id', id, 'name', name, 'tenant', tenant, 'created', now,
             'lastUsed', '0', 'expires', '0', 'revoked', '0')
  redis.call('HSET', index, id, sha)
end
local function taken(key, index, id)
  return redis.call('EXISTS', key) == 1 or redis.call('HEXISTS', index, id) == 1
end
)lua";

// KEYS: 1 token:<sha>, 2 tenant:<tenant>
// ARGV: 1 sha, 2 id, 3 name, 4 tenant, 5 now
const char *const kCreateToken = R"lua(
if taken(KEYS[1], KEYS[2], ARGV[2]) then return {'collision'} end
new_token(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
return {'ok'}
)lua";

// KEYS: 1 tenant:<tenant>, 2 token:<new sha>
// ARGV: 1 old id, 2 new sha, 3 new id, 4 tenant, 5 now, 6 grace, 7 token key
//       prefix, 8 retention
// The old token keeps working until now + grace (or its own earlier
// expiry), then stays listed for the retention period.
const char *const kRotateToken = R"lua(
local oldSha = redis.call('HGET', KEYS[1], ARGV[1])
if not oldSha then return {'notfound'} end
local oldKey = ARGV[7] .. oldSha
local cur = redis.call('HMGET', oldKey, 'name', 'expires', 'revoked')
if not cur[1] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return {'notfound'}
end
if (cur[3] or '0') ~= '0' then return {'revoked'} end
local now = tonumber(ARGV[5])
local expires = tonumber(cur[2] or '0') or 0
if expires ~= 0 and expires <= now then return {'expired'} end
if taken(KEYS[2], KEYS[1], ARGV[3]) then return {'collision'} end
local until_ = now + tonumber(ARGV[6])
if expires ~= 0 and expires < until_ then until_ = expires end
local text = string.format('%.0f', until_)
redis.call('HSET', oldKey, 'expires', text)
redis.call('PEXPIREAT', oldKey, string.format('%.0f', until_ + tonumber(ARGV[8])))
new_token(KEYS[2], KEYS[1], ARGV[2], ARGV[3], cur[1], ARGV[4], ARGV[5])
return {'ok', cur[1], text}
)lua";

// KEYS: 1 tenant:<tenant>
// ARGV: 1 id, 2 now, 3 token key prefix, 4 retention
// Revoking twice is not an error; the first time counts.
const char *const kRevokeToken = R"lua(
local sha = redis.call('HGET', KEYS[1], ARGV[1])
if not sha then return {'notfound'} end
local key = ARGV[3] .. sha
local cur = redis.call('HMGET', key, 'name', 'revoked')
if not cur[1] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return {'notfound'}
end
if (cur[2] or '0') == '0' then
  redis.call('HSET', key, 'revoked', ARGV[2])
  redis.call('PEXPIRE', key, ARGV[4])
end
return {'ok', cur[1]}
)lua";

// KEYS: 1 tenant:<tenant>
// ARGV: 1 token key prefix
// Entries whose token hash has expired out of Redis are dropped on the way.
const char *const kListTokens = R"lua(
local out = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local t = redis.call('HMGET', ARGV[1] .. all[i + 1], 'name', 'created', 'lastUsed', 'expires',
                       'revoked')
  if t[1] then
    out[#out + 1] = all[i]
    for j = 1, 5 do out[#out + 1] = t[j] or '0' end
  else
    redis.call('HDEL', KEYS[1], all[i])
  end
end
return out
)lua";

// KEYS: 1 token:<sha>
// ARGV: 1 now
const char *const kTouchToken = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'lastUsed', ARGV[1]) end
return 0
)lua";

Script tokenScript(const char *name, const char *body) {
    return makeScript(name, (std::string(kTokenLua) + body).c_str(), false);
}

}  // namespace

const Script &createTokenScript() {
    static const Script s = tokenScript("create_token", kCreateToken);
    return s;
}

const Script &rotateTokenScript() {
    static const Script s = tokenScript("rotate_token", kRotateToken);
    return s;
}

const Script &revokeTokenScript() {
    static const Script s = makeScript("revoke_token", kRevokeToken, false);
    return s;
}

const Script &listTokensScript() {
    static const Script s = makeScript("list_tokens", kListTokens, false);
    return s;
}

const Script &touchTokenScript() {
    static const Script s = makeScript("touch_token", kTouchToken, false);
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
