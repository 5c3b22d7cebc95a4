-- rotate_token: a new token replaces one of the tenant's. The old token
-- keeps working until now + grace (or its own earlier expiry), then stays
-- listed for the retention period. The old token's hash is named from the
-- prefix ({#tokens} like KEYS).
-- KEYS: 1 tenant:<tenant>, 2 token:<new sha>
-- ARGV: 1 old id, 2 new sha, 3 new id, 4 tenant, 5 now, 6 grace, 7 token key
--   prefix, 8 retention
-- Returns {'ok', name, old expires} | {'notfound'} | {'revoked'} |
--   {'expired'} | {'collision'}
--@include lib/token.lua
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
