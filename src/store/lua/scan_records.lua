-- scan_records: a batch of records in creation order, for filters no index
-- answers. Records whose text cannot match (lib/text_prefilter.lua) are
-- examined here and not returned.
-- KEYS: 1 the creation-order set (ids scored by seq)
-- ARGV: 1 bound (e.g. '(41', '-inf', '+inf'), 2 'asc' or 'desc', 3 batch
--   size, 4 resource key prefix, 5 the number n of required texts, then
--   n times (quoted folded name, text, '1' when caseExact), then the
--   members' key suffix, then the probed member ids
-- Returns {total, examined, last seq examined ('' for none), records...}:
-- up to `batch` records examined past the bound.
--@include lib/query_record.lua
--@include lib/text_prefilter.lua
-- (No WITHSCORES: formatting 500 scores costs more than one ZSCORE.)
local ids
if ARGV[2] == 'asc' then
  ids = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf', 'LIMIT', 0, tonumber(ARGV[3]))
else
  ids = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '-inf', 'LIMIT', 0, tonumber(ARGV[3]))
end
local texts, probesAt = requiredTexts(5)
local suffix, probes = probesFrom(probesAt)
local prefix = ARGV[4]
local last = #ids > 0 and redis.call('ZSCORE', KEYS[1], ids[#ids]) or ''
local out = {redis.call('ZCARD', KEYS[1]), #ids, last}
local n, call = 3, redis.call
for i = 1, #ids do
  if #texts == 0 then
    n = record(out, n, prefix, ids[i], suffix, probes)
  else
    local doc = call('HGET', prefix .. ids[i], 'doc')
    if doc and mayMatch(doc, texts) then n = record(out, n, prefix, ids[i], suffix, probes, doc) end
  end
end
return out
