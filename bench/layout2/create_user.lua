-- Layout 2 prototype (bench/README.md, "Session 7"; not shipped): a create
-- in six commands.
-- KEYS: 1 user, 2 users:by-name, 3 users (ids scored by creation time in
--   ms: the order of GET /Users and the created index at once), 4 users:idx
--   (every lexicographic entry, members 'u:'/'x:'/'e:' .. value .. '\0' ..
--   id), 5 users:idx:lastModified, 6 events
-- ARGV: 1 id, 2 userName lowercased, 3 userName, 4 doc, 5 now, 6 now in
--   ms, 7 active, 8 token, 9 events maxlen, 10 idx (stored as is), 11
--   password hash or '', 12 claimed set key or '', 13.. '0', member pairs
--   for users:idx
local user_id, now, ms = ARGV[1], ARGV[5], ARGV[6]
if redis.call('HSETNX', KEYS[2], ARGV[2], user_id) == 0 then
  return {'uniqueness', redis.call('HGET', KEYS[2], ARGV[2])}
end
if redis.call('ZADD', KEYS[3], 'NX', ms, user_id) == 0 then
  redis.call('HDEL', KEYS[2], ARGV[2])
  return {'exists'}
end
redis.call('HSET', KEYS[1], 'id', user_id, 'doc', ARGV[4], 'userName', ARGV[3],
           'version', '1', 'created', now, 'lastModified', now, 'active', ARGV[7],
           'managedBy', ARGV[8], 'idx', ARGV[10])
redis.call('ZADD', KEYS[4], unpack(ARGV, 13))
redis.call('ZADD', KEYS[5], ms, user_id)
redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[9], '*', 'type', 'user.created',
           'id', user_id, 'version', '1', 'time', now, 'token', ARGV[8])
return {'ok', '1', now, now}
