-- revoke_token: revoking twice is not an error; the first time counts.
-- The token's hash is named from the prefix ({#tokens} like KEYS).
-- KEYS: 1 tenant:<tenant>
-- ARGV: 1 id, 2 now, 3 token key prefix, 4 retention
-- Returns {'ok', name} | {'notfound'}
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
