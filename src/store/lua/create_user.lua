-- create_user: POST /Users. A new user, its indexes, its default role and
-- the user.created event, in one step.
-- KEYS (store::userWriteKeys): 1 user, 2 users:by-name, 3 users, 4 seq,
--   5 events, 6-8 the lexicographic indexes (userName, externalId, email),
--   9 idx:created, 10 idx:lastModified
-- ARGV: 1 id, 2 userName, 3 doc, 4 now, 5 active ('1', '0', ''), 6 token
--   name, 7 events maxlen, 8 now in ms, 9 index entries, then the optional
--   ones, absent when they and those after them are empty: 10 userName
--   lowercased ('' when it is the userName), 11 password hash, 12 claimed
--   set key (claim guard on), 13 the role context (store::roleContext) when
--   the tenant has a default role (nothing else of it concerns a create)
-- Returns {'ok', version, created, lastModified} | {'uniqueness', holder[,
--   attribute, value]} | {'exists'} | {'claimed', attribute, value}
-- The hot write (bench/README.md, "Change: the create script" and
-- "Session 7"): nine Redis commands when nothing is refused, numbers
-- passed as strings, the entries decoded once, and no Lua function
-- created that the create does not call (each costs a closure per call):
-- the claim guard's and the default role's helpers are included inside
-- the branch that needs them.
local LEX = 6
--@include lib/index_add.lua
local user_id, now, entries = ARGV[1], ARGV[4], ARGV[9]
local name_key, password, claimed, roles = ARGV[10], ARGV[11] or '', ARGV[12] or '', ARGV[13] or ''
if name_key == nil or name_key == '' then name_key = ARGV[2] end
-- The userName is taken first, in the same command that checks it is
-- free, and given back if a later check refuses.
if redis.call('HSETNX', KEYS[2], name_key, user_id) == 0 then
  return {'uniqueness', redis.call('HGET', KEYS[2], name_key)}
end
local wanted = cjson.decode(entries)
local refused = unique_taken_in(wanted, user_id)
if not refused and claimed ~= '' then
--@include lib/claim.lua
  refused = claimed_among(claimed, wanted, {}, user_id)
end
local n, seq
if not refused then
  n = redis.call('INCR', KEYS[4])
  seq = tostring(n)
  -- `users` lists every user: the id is new exactly when ZADD NX adds it
  -- (this is the check EXISTS on the user's key made).
  if redis.call('ZADD', KEYS[3], 'NX', seq, user_id) == 0 then refused = {'exists'} end
end
if refused then
  redis.call('HDEL', KEYS[2], name_key)
  return refused
end
redis.call('HSET', KEYS[1], 'id', user_id, 'doc', ARGV[3], 'userName', ARGV[2],
           'version', '1', 'created', now, 'lastModified', now, 'seq', seq, 'active', ARGV[5],
           'managedBy', ARGV[6], 'managedSince', now, 'idx', entries)
if password ~= '' then redis.call('HSET', KEYS[1], 'password', password) end
add_entries(wanted, user_id)
redis.call('ZADD', KEYS[9], ARGV[8], user_id)
redis.call('ZADD', KEYS[10], ARGV[8], user_id)
-- The user.created event (docs/events.md; lib/user_event.lua's emit() for
-- the other writes). The stream is trimmed at every 64th create rather
-- than by each XADD: the trim's check is a quarter of the XADD's cost, and
-- the stream stays about scim_events_maxlen long (every other write trims).
redis.call('XADD', KEYS[5], '*', 'type', 'user.created', 'resourceType', 'User', 'id', user_id,
           'version', '1', 'time', now, 'token', ARGV[6], 'changed', '')
if n % 64 == 0 then redis.call('XTRIM', KEYS[5], 'MAXLEN', '~', ARGV[7]) end
if roles ~= '' then
--@include lib/role_set.lua
  default_role(role_context(), user_id)
end
return {'ok', '1', now, now}
