-- Layout 2 prototype, the smallest (bench/README.md, "Session 7"; not
-- shipped): one declared key, the others named from the tenant's prefix,
-- six commands, a compact event, the stream trimmed by one create in 16.
-- KEYS: 1 user
-- ARGV: 1 prefix (scim:{tenant}:), 2 id, 3 userName, 4 doc, 5 now, 6 now
--   in ms, 7 active, 8 token, 9 events maxlen, 10 idx (stored as is),
--   11.. '0', member pairs for users:idx
local P, user_id, now, ms = ARGV[1], ARGV[2], ARGV[5], ARGV[6]
local by_name, name = P .. 'users:by-name', string.lower(ARGV[3])
if redis.call('HSETNX', by_name, name, user_id) == 0 then
  return {'uniqueness', redis.call('HGET', by_name, name)}
end
if redis.call('ZADD', P .. 'users', 'NX', ms, user_id) == 0 then
  redis.call('HDEL', by_name, name)
  return {'exists'}
end
redis.call('HSET', KEYS[1], 'doc', ARGV[4], 'version', '1', 'created', now, 'lastModified', now,
           'active', ARGV[7], 'managedBy', ARGV[8], 'idx', ARGV[10])
redis.call('ZADD', P .. 'users:idx', unpack(ARGV, 11))
redis.call('ZADD', P .. 'users:idx:lastModified', ms, user_id)
local events = P .. 'events'
redis.call('XADD', events, '*', 'type', 'user.created', 'id', user_id, 'version', '1',
           'time', now, 'token', ARGV[8])
if string.byte(user_id, -1) == 48 then redis.call('XTRIM', events, 'MAXLEN', '~', ARGV[9]) end
return {'ok', '1', now, now}
