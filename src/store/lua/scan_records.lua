-- scan_records: a batch of records in creation order, for filters no index
-- answers.
-- KEYS: 1 the creation-order set (ids scored by seq)
-- ARGV: 1 bound (e.g. '(41', '-inf', '+inf'), 2 'asc' or 'desc', 3 batch
--   size, 4 resource key prefix, 5 '1' for documents only, then the
--   members' key suffix, then the probed member ids
-- Returns {total, examined, last seq examined ('' for none), records...}:
-- up to `batch` records examined past the bound. With documents only, a
-- record is its id and doc: the caller tests the text (filter::mayMatch)
-- and reads the records it keeps (fetch_candidates 'id'), which costs
-- Redis less than any test in Lua (bench/README.md, session 7).
--@include lib/query_record.lua
-- (No WITHSCORES: formatting 500 scores costs more than one ZSCORE.)
local ids
if ARGV[2] == 'asc' then
  ids = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf', 'LIMIT', 0, tonumber(ARGV[3]))
else
  ids = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '-inf', 'LIMIT', 0, tonumber(ARGV[3]))
end
local suffix, probes = probesFrom(6)
local prefix = ARGV[4]
local last = #ids > 0 and redis.call('ZSCORE', KEYS[1], ids[#ids]) or ''
local out = {redis.call('ZCARD', KEYS[1]), #ids, last}
local n, call = 3, redis.call
if ARGV[5] == '1' then
  for i = 1, #ids do
    local id = ids[i]
    local doc = call('HGET', prefix .. id, 'doc')
    if doc then out[n + 1], out[n + 2] = id, doc; n = n + 2 end
  end
  return out
end
for i = 1, #ids do n = record(out, n, prefix, ids[i], suffix, probes) end
return out
