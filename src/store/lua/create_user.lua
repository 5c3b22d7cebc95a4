-- create_user: POST /Users. A new user, its indexes, its default role and
-- the user.created event, in one step.
-- KEYS (store::userWriteKeys): 1 user, 2 users:by-name, 3 users, 4 seq,
--   5 events, 6-8 the lexicographic indexes (userName, externalId, email),
--   9 idx:created, 10 idx:lastModified
-- ARGV: 1 id, 2 userName lowercased, 3 userName, 4 doc, 5 now, 6 password
--   hash or '', 7 active ('1', '0', ''), 8 token name, 9 events maxlen,
--   10 now in ms, 11 index entries, 12 claimed set key or '' (claim guard
--   off), 13 the role context (store::roleContext)
-- Returns {'ok', version, created, lastModified} | {'uniqueness', holder[,
--   attribute, value]} | {'exists'} | {'claimed', attribute, value}
local LEX = 6
--@include lib/user_event.lua
--@include lib/index.lua
--@include lib/user_write.lua
--@include lib/diff.lua
--@include lib/roles.lua
local existing = redis.call('HGET', KEYS[2], ARGV[2])
if existing then return {'uniqueness', existing} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
local taken = unique_taken(ARGV[11], ARGV[1])
if taken then return taken end
local refusal = claim_refusal(ARGV[12], KEYS[1], ARGV[1], ARGV[11])
if refusal then return refusal end
local seq = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'doc', ARGV[4], 'userName', ARGV[3],
           'version', 1, 'created', ARGV[5], 'lastModified', ARGV[5], 'seq', seq,
           'active', ARGV[7], 'managedBy', ARGV[8], 'managedSince', ARGV[5])
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'password', ARGV[6]) end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], seq, ARGV[1])
index(KEYS[1], ARGV[11])
redis.call('ZADD', KEYS[9], ARGV[10], ARGV[1])
redis.call('ZADD', KEYS[10], ARGV[10], ARGV[1])
emit(KEYS[5], ARGV[9], 'user.created', 'User', ARGV[1], 1, ARGV[5], ARGV[8], '')
default_role(role_context(), ARGV[1])
return {'ok', '1', ARGV[5], ARGV[5]}
