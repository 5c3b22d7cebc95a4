-- delete_group: DELETE /Groups/{id}. The members leave the group (and get
-- their roles recomputed), and the group leaves the groups it was in.
-- KEYS (store::groupWriteKeys): 1 group, 2 its members, 3 groups:by-name,
--   4 groups, 5 seq, 6 events, 7-8 the lexicographic indexes (displayName,
--   externalId), 9 idx:created, 10 idx:lastModified, 11 the group's own
--   memberof set. Keys of other resources are named from the prefixes in
--   ARGV (P below): they carry the same {tenant} hash tag.
-- ARGV: 1 id, 2 expected version or '', 3 now, 4 now in ms, 5 token name,
--   6 events maxlen, 7 group key prefix, 8 memberof key prefix, 9 the role
--   context (store::roleContext)
-- Returns {'ok'} | {'notfound'} | {'precondition', version}
local LEX = 7
--@include lib/membership.lua
--@include lib/index.lua
--@include lib/group_write.lua
--@include lib/roles.lua
local cur = redis.call('HMGET', KEYS[1], 'version', 'displayName')
if not cur[1] then return {'notfound'} end
if ARGV[2] ~= '' and ARGV[2] ~= cur[1] then return {'precondition', cur[1]} end
local removed = redis.call('HKEYS', KEYS[2])
for _, id in ipairs(removed) do redis.call('SREM', ARGV[8] .. id, ARGV[1]) end
leave_all_groups(ARGV[7], ARGV[1], KEYS[11], KEYS[10], KEYS[6], ARGV[6], ARGV[3], ARGV[4],
                 ARGV[5])
unindex(KEYS[1])
redis.call('DEL', KEYS[1])
redis.call('UNLINK', KEYS[2])
release_name(string.lower(cur[2]), ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[9], ARGV[1])
redis.call('ZREM', KEYS[10], ARGV[1])
emit_group(KEYS[6], ARGV[6], 'group.deleted', ARGV[1], tonumber(cur[1]) + 1, ARGV[3], ARGV[5],
           '', {}, removed)
update_roles(role_context(), removed)
return {'ok'}
