-- create_group: POST /Groups. Validates everything first (uniqueness,
-- members, cycles), then writes, so a refused write leaves nothing behind.
-- KEYS (store::groupWriteKeys): 1 group, 2 its members, 3 groups:by-name,
--   4 groups, 5 seq, 6 events, 7-8 the lexicographic indexes (displayName,
--   externalId), 9 idx:created, 10 idx:lastModified, 11 the group's own
--   memberof set. Keys of other resources are named from the prefixes in
--   ARGV (P below): they carry the same {tenant} hash tag.
-- ARGV: 1 id, 2 doc, 3 displayName, 4 displayName lowercased, 5 index
--   entries, 6 members to add [[id, display], ...], 7 now, 8 now in ms,
--   9 token name, 10 events maxlen, 11 '1' when displayNames are unique,
--   12 user key prefix, 13 group key prefix, 14 memberof key prefix,
--   15 member cap of the reply, 16 the role context (store::roleContext)
-- Returns {'ok', group record} | {'uniqueness', holder[, attribute, value]}
--   | {'exists'} | {'nomember', id} | {'cycle', id} | {'toodeep', id}
local LEX = 7
--@include lib/membership.lua
--@include lib/index.lua
--@include lib/group_write.lua
--@include lib/roles.lua
local P = {users = ARGV[12], groups = ARGV[13], memberof = ARGV[14]}
if ARGV[11] == '1' then
  local holder = redis.call('HGET', KEYS[3], ARGV[4])
  if holder then return {'uniqueness', holder} end
end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
local taken = unique_taken(ARGV[5], ARGV[1])
if taken then return taken end
local adds = cjson.decode(ARGV[6])
local found, refusal = check_members(P, ARGV[1], adds)
if not found then return refusal end
local seq = tostring(redis.call('INCR', KEYS[5]))  -- formatted once (lib/index.lua)
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'doc', ARGV[2], 'displayName', ARGV[3],
           'version', '1', 'created', ARGV[7], 'lastModified', ARGV[7], 'seq', seq,
           'managedBy', ARGV[9])
redis.call('ZADD', KEYS[4], seq, ARGV[1])
index(KEYS[1], ARGV[5])
claim_name(ARGV[4], ARGV[1])
redis.call('ZADD', KEYS[9], ARGV[8], ARGV[1])
redis.call('ZADD', KEYS[10], ARGV[8], ARGV[1])
local added = {}
add_members(P, ARGV[1], KEYS[2], adds, found, added)
emit_group(KEYS[6], ARGV[10], 'group.created', ARGV[1], '1', ARGV[7], ARGV[9], '', added, {})
update_roles(role_context(), added)
return ok_reply(KEYS[1], tonumber(ARGV[15]))
