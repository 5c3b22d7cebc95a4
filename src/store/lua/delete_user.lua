-- delete_user: DELETE /Users/{id}. The user leaves every group it is in
-- within the same step: a group.updated event for each, user.role_changed
-- if it had a role, then user.deleted. Soft keeps the hash as a tombstone,
-- hard removes it.
-- KEYS (store::userWriteKeys): 1 user, 2 users:by-name, 3 users, 4 seq,
--   5 events, 6-8 the lexicographic indexes (userName, externalId, email),
--   9 idx:created, 10 idx:lastModified
--   (store::userDeleteKeys adds) 11 memberof:<id>, 12 groups:idx:lastModified,
--   13 deleted-user:<id>, 14 users:deleted
-- ARGV: 1 id, 2 expected version or '', 3 now, 4 token name, 5 events
--   maxlen, 6 group key prefix, 7 now in ms, 8 'soft' or 'hard', 9 the role
--   context (store::roleContext)
-- Returns {'ok'} | {'notfound'} | {'precondition', version}
local LEX = 6
--@include lib/user_event.lua
--@include lib/index.lua
--@include lib/user_write.lua
--@include lib/roles.lua
--@include lib/membership.lua
local cur = redis.call('HMGET', KEYS[1], 'version', 'userName')
if not cur[1] then return {'notfound'} end
if ARGV[2] ~= '' and ARGV[2] ~= cur[1] then return {'precondition', cur[1]} end
leave_all_groups(ARGV[6], ARGV[1], KEYS[11], KEYS[12], KEYS[5], ARGV[5], ARGV[3], ARGV[7],
                 ARGV[4])
drop_role(role_context(), ARGV[1])
unindex(KEYS[1])
local v = tonumber(cur[1]) + 1
if ARGV[8] == 'soft' then
  bury(KEYS[1], KEYS[13], KEYS[14], ARGV[1], v, ARGV[3], ARGV[7], ARGV[4])
else
  redis.call('DEL', KEYS[1])
end
redis.call('HDEL', KEYS[2], string.lower(cur[2]))
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[9], ARGV[1])
redis.call('ZREM', KEYS[10], ARGV[1])
emit(KEYS[5], ARGV[5], 'user.deleted', 'User', ARGV[1], v, ARGV[3], ARGV[4], '', 'mode',
     ARGV[8])
return {'ok'}
