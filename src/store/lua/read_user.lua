-- read_user: GET /Users/{id} with `groups` in one round trip.
-- KEYS: 1 user, 2 memberof:<id>
-- ARGV: 1 group key prefix
-- Returns {doc, version, created, lastModified, group id, displayName, ...},
-- or {} when there is no such user.
--@include lib/user_groups.lua
local out = redis.call('HMGET', KEYS[1], 'doc', 'version', 'created', 'lastModified')
if not out[1] then return {} end
return append_groups(out, KEYS[2], ARGV[1])
