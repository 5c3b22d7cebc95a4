-- create_user: POST /Users. A new user, its indexes, its default role and
-- the user.created event, in one step.
-- KEYS (store::userWriteKeys): 1 user, 2 users:by-name, 3 users, 4 seq,
--   5 events, 6-8 the lexicographic indexes (userName, externalId, email),
--   9 idx:created, 10 idx:lastModified
-- ARGV: 1 id, 2 userName lowercased, 3 userName, 4 doc, 5 now, 6 password
--   hash or '', 7 active ('1', '0', ''), 8 token name, 9 events maxlen,
--   10 now in ms, 11 index entries, 12 claimed set key or '' (claim guard
--   off), 13 the role context (store::roleContext), '' when the tenant
--   has no default role (nothing else of it concerns a create)
-- Returns {'ok', version, created, lastModified} | {'uniqueness', holder[,
--   attribute, value]} | {'exists'} | {'claimed', attribute, value}
-- The hot write (bench/README.md, "Change: the create script"): ten Redis
-- commands when nothing is refused, numbers passed as strings, the entries
-- decoded once, the role context decoded only when there is a default
-- role, and only the helpers it calls included (each costs a closure per
-- call).
local LEX = 6
--@include lib/user_event.lua
--@include lib/index_add.lua
--@include lib/claim.lua
--@include lib/role_set.lua
local id, now, entries = ARGV[1], ARGV[5], ARGV[11]
-- The userName is taken first, in the same command that checks it is
-- free, and given back if a later check refuses.
if redis.call('HSETNX', KEYS[2], ARGV[2], id) == 0 then
  return {'uniqueness', redis.call('HGET', KEYS[2], ARGV[2])}
end
local function refuse(reply)
  redis.call('HDEL', KEYS[2], ARGV[2])
  return reply
end
if redis.call('EXISTS', KEYS[1]) == 1 then return refuse({'exists'}) end
local list = cjson.decode(entries)
local taken = unique_taken_in(list, id)
if taken then return refuse(taken) end
if ARGV[12] ~= '' then
  local claimed = claimed_among(ARGV[12], list, {}, id)
  if claimed then return refuse(claimed) end
end
local seq = tostring(redis.call('INCR', KEYS[4]))
redis.call('HSET', KEYS[1], 'id', id, 'doc', ARGV[4], 'userName', ARGV[3], 'version', '1',
           'created', now, 'lastModified', now, 'seq', seq, 'active', ARGV[7],
           'managedBy', ARGV[8], 'managedSince', now, 'idx', entries)
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'password', ARGV[6]) end
redis.call('ZADD', KEYS[3], seq, id)
add_entries(list, id)
redis.call('ZADD', KEYS[9], ARGV[10], id)
redis.call('ZADD', KEYS[10], ARGV[10], id)
emit(KEYS[5], ARGV[9], 'user.created', 'User', id, '1', now, ARGV[8], '')
if ARGV[13] ~= '' then default_role(role_context(), id) end
return {'ok', '1', now, now}
