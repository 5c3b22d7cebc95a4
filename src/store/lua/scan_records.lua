-- scan_records: a batch of records in creation order, for filters no index
-- answers.
-- KEYS: 1 the creation-order set (ids scored by seq)
-- ARGV: 1 bound (e.g. '(41', '-inf', '+inf'), 2 'asc' or 'desc', 3 batch
--   size, 4 resource key prefix, 5 members' key suffix, 6... probed member ids
-- Returns {total, records...}: up to `batch` records past the bound.
--@include lib/query_record.lua
local ids
if ARGV[2] == 'asc' then
  ids = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf', 'LIMIT', 0, tonumber(ARGV[3]))
else
  ids = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '-inf', 'LIMIT', 0, tonumber(ARGV[3]))
end
local suffix, probes = probesFrom(5)
local out = {redis.call('ZCARD', KEYS[1])}
for _, id in ipairs(ids) do record(out, ARGV[4], id, suffix, probes) end
return out
