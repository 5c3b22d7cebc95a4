-- ensure_synthetic_groups: creates a tenant's missing synthetic groups
-- (docs/roles.md); idempotent. A synthetic group takes over its name in
-- groups:by-name, even from a group that held it before it was configured.
-- KEYS (store::groupWriteKeys of the first synthetic group; the others'
--   own keys are named from the prefix): 1 group, 2 its members, 3 groups:by-name,
--   4 groups, 5 seq, 6 events, 7-8 the lexicographic indexes (displayName,
--   externalId), 9 idx:created, 10 idx:lastModified, 11 the group's own
--   memberof set. Keys of other resources are named from the prefixes in
--   ARGV (P below): they carry the same {tenant} hash tag.
-- ARGV: 1 the synthetic groups, JSON [[id, displayName, lowercased
--   displayName, index entries, doc], ...], 2 now, 3 now in ms, 4 events
--   maxlen, 5 group key prefix
-- Returns how many it created.
local LEX = 7
--@include lib/membership.lua
--@include lib/index.lua
--@include lib/group_write.lua
--@include lib/roles.lua
local created = 0
for _, g in ipairs(cjson.decode(ARGV[1])) do
  local id, name, lowered, entries, doc = g[1], g[2], g[3], g[4], g[5]
  local key = ARGV[5] .. id
  if redis.call('EXISTS', key) == 0 then
    local seq = redis.call('INCR', KEYS[5])
    redis.call('HSET', key, 'id', id, 'doc', doc, 'displayName', name, 'version', 1,
               'created', ARGV[2], 'lastModified', ARGV[2], 'seq', seq, 'synthetic', '1')
    redis.call('ZADD', KEYS[4], seq, id)
    index(key, entries)
    redis.call('HSET', KEYS[3], lowered, id)
    redis.call('ZADD', KEYS[9], ARGV[3], id)
    redis.call('ZADD', KEYS[10], ARGV[3], id)
    emit_group(KEYS[6], ARGV[4], 'group.created', id, 1, ARGV[2], '', '', {}, {})
    created = created + 1
  end
end
return created
