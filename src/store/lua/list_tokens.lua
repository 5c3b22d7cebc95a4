-- list_tokens: a tenant's tokens. Entries whose token hash has expired out
-- of Redis are dropped on the way. Token hashes are named from the prefix
-- ({#tokens} like KEYS).
-- KEYS: 1 tenant:<tenant>
-- ARGV: 1 token key prefix
-- Returns id, name, created, lastUsed, expires, revoked for each token.
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
