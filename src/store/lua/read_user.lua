-- read_user: GET /Users/{id} with `groups` in one round trip.
-- KEYS: 1 user, 2 memberof:<id>
-- ARGV: 1 group key prefix
-- Returns {doc, version, created, lastModified, group id, displayName, ...},
-- or {} when there is no such user.
local out = redis.call('HMGET', KEYS[1], 'doc', 'version', 'created', 'lastModified')
if not out[1] then return {} end
for _, gid in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local name = redis.call('HGET', ARGV[1] .. gid, 'displayName')
  if name then
    out[#out + 1] = gid
    out[#out + 1] = name
  end
end
return out
