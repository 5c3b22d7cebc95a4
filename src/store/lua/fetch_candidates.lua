-- fetch_candidates: the records an indexed filter can match.
-- KEYS: 1 the index (for 'id': the resource keys themselves, one or more;
--   for 'set': the reverse membership set; for 'name': users:by-name)
-- ARGV: 1 mode ('id', 'lex', 'score', 'set', 'name'), 2 min (for 'name':
--   the folded userName), 3 max, 4 limit,
--   5 resource key prefix, 6 members' key suffix, 7... probed member ids
-- Returns {'ok', records...} or {'toomany'} when more than `limit` members
-- match: the caller then scans instead.
--@include lib/query_record.lua
local mode, limit, prefix = ARGV[1], tonumber(ARGV[4]), ARGV[5]
local suffix, probes = probesFrom(6)
local out = {'ok'}
if mode == 'id' then
  local n, from = 1, #prefix + 1
  for i = 1, #KEYS do n = record(out, n, prefix, string.sub(KEYS[i], from), suffix, probes) end
  return out
end
if mode == 'name' then
  local id = redis.call('HGET', KEYS[1], ARGV[2])
  if id then record(out, 1, prefix, id, suffix, probes) end
  return out
end
local members
if mode == 'set' then
  if redis.call('SCARD', KEYS[1]) > limit then return {'toomany'} end
  members = redis.call('SMEMBERS', KEYS[1])
elseif mode == 'lex' then
  members = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[2], ARGV[3], 'LIMIT', 0, limit + 1)
else
  members = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[2], ARGV[3], 'LIMIT', 0, limit + 1)
end
if #members > limit then return {'toomany'} end
local n, seen = 1, {}
for i = 1, #members do
  local id = idOf(members[i], mode)
  if not seen[id] then
    seen[id] = true
    n = record(out, n, prefix, id, suffix, probes)
  end
end
return out
