-- update_group: PUT and PATCH /Groups/{id}. A write that changes nothing
-- (same doc, members already as asked) keeps the version and emits no event.
-- KEYS (store::groupWriteKeys): 1 group, 2 its members, 3 groups:by-name,
--   4 groups, 5 seq, 6 events, 7-8 the lexicographic indexes (displayName,
--   externalId), 9 idx:created, 10 idx:lastModified, 11 the group's own
--   memberof set. Keys of other resources are named from the prefixes in
--   ARGV (P below): they carry the same {tenant} hash tag.
-- ARGV: 1 id, 2 expected version or '', 3 doc, or '' to keep it,
--   4 displayName, 5 displayName lowercased, 6 index entries, 7 '1' to
--   replace all members, 8 members to add [[id, display], ...], 9 member
--   ids to remove, 10 now, 11 now in ms, 12 token name, 13 events maxlen,
--   14 '1' when displayNames are unique, 15 user key prefix, 16 group key
--   prefix, 17 memberof key prefix, 18 member cap of the reply, 19 the
--   document the new one was derived from, or '': a PATCH is refused when
--   the document changed since it was read, but not for a mere membership
--   change (those commute with it), 20 the role context
-- Returns {'ok', group record} | {'notfound'} |
--   {'precondition', version, doc, version, created, lastModified}: the
--   head a read would answer, so that a PATCH that lost the race retries
--   without reading |
--   {'uniqueness', holder[, attribute, value]} | {'nomember', id} |
--   {'cycle', id} | {'toodeep', id}
local LEX = 7
--@include lib/membership.lua
--@include lib/index.lua
--@include lib/group_write.lua
--@include lib/diff.lua
--@include lib/roles.lua
local cur = redis.call('HMGET', KEYS[1], 'version', 'displayName', 'doc')
if not cur[1] then return {'notfound'} end
if (ARGV[2] ~= '' and ARGV[2] ~= cur[1]) or (ARGV[19] ~= '' and ARGV[19] ~= cur[3]) then
  local t = redis.call('HMGET', KEYS[1], 'created', 'lastModified')
  return {'precondition', cur[1], cur[3], cur[1], t[1], t[2]}
end
local P = {users = ARGV[15], groups = ARGV[16], memberof = ARGV[17]}
local cap = tonumber(ARGV[18])
local doc_changed = ARGV[3] ~= '' and ARGV[3] ~= cur[3]
local old_lower = string.lower(cur[2])
if doc_changed and ARGV[14] == '1' and ARGV[5] ~= old_lower then
  local holder = redis.call('HGET', KEYS[3], ARGV[5])
  if holder and holder ~= ARGV[1] then return {'uniqueness', holder} end
end
if doc_changed then
  local taken = unique_taken(ARGV[6], ARGV[1])
  if taken then return taken end
end
local adds = cjson.decode(ARGV[8])
local found, refusal = check_members(P, ARGV[1], adds)
if not found then return refusal end
local added, removed = {}, {}
if ARGV[7] == '1' then remove_others(P, ARGV[1], KEYS[2], adds, removed) end
remove_members(P, ARGV[1], KEYS[2], cjson.decode(ARGV[9]), removed)
local members_changed = add_members(P, ARGV[1], KEYS[2], adds, found, added) or #removed > 0
if not doc_changed and not members_changed then return ok_reply(KEYS[1], cap) end
local changed = ''
if doc_changed then
  changed = changed_attributes(cur[3], ARGV[3], '')
  redis.call('HSET', KEYS[1], 'doc', ARGV[3], 'displayName', ARGV[4])
  release_name(old_lower, ARGV[1])
  reindex(KEYS[1], redis.call('HGET', KEYS[1], 'idx') or nil, ARGV[6])
  claim_name(ARGV[5], ARGV[1])
end
if members_changed then changed = changed == '' and 'members' or changed .. ',members' end
local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'lastModified', ARGV[10])
redis.call('ZADD', KEYS[10], ARGV[11], ARGV[1])
emit_group(KEYS[6], ARGV[13], 'group.updated', ARGV[1], v, ARGV[10], ARGV[12],
           changed, added, removed)
-- Whose role may have changed: who joined or left, and everyone when the
-- new name maps differently (O(members)).
local R, affected = role_context(), {}
for _, ids in ipairs({added, removed}) do
  for _, id in ipairs(ids) do affected[#affected + 1] = id end
end
if doc_changed and renamed_roles(R, old_lower, ARGV[5]) then
  for _, id in ipairs(redis.call('HKEYS', KEYS[2])) do affected[#affected + 1] = id end
end
update_roles(R, affected)
return ok_reply(KEYS[1], cap)
