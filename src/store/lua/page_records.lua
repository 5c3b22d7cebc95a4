-- page_records: one page by rank, O(log n + count).
-- KEYS: 1 an ordering set (creation order, a lexicographic or time index)
-- ARGV: 1 start (0-based), 2 count, 3 '1' for descending, 4 resource key
--   prefix, 5 'lex' when members are "<value>\0<id>"
-- Returns {total, records...}.
--@include lib/query_record.lua
local out = {redis.call('ZCARD', KEYS[1])}
local start, count = tonumber(ARGV[1]), tonumber(ARGV[2])
if count <= 0 then return out end
local members
if ARGV[3] == '1' then
  members = redis.call('ZREVRANGE', KEYS[1], start, start + count - 1)
else
  members = redis.call('ZRANGE', KEYS[1], start, start + count - 1)
end
for _, m in ipairs(members) do record(out, ARGV[4], idOf(m, ARGV[5]), '', {}) end
return out
