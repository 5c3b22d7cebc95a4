-- page_records: one page by rank, O(log n + count).
-- KEYS: 1 an ordering set (creation order, a lexicographic or time index)
-- ARGV: 1 start (0-based), 2 count, 3 '1' for descending, 4 resource key
--   prefix, 5 'lex' when members are "<value>\0<id>"
-- Returns {total, (id, doc, version, created, lastModified)...}
-- (store::kPageFields): no seq and no memberships, which an index page
-- does not use; every field costs Lua work for each record.
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
local prefix, lex, n = ARGV[4], ARGV[5], 1
for i = 1, #members do
  local id = idOf(members[i], lex)
  local h = redis.call('HMGET', prefix .. id, 'doc', 'version', 'created', 'lastModified')
  if h[1] then
    out[n + 1], out[n + 2], out[n + 3], out[n + 4], out[n + 5] = id, h[1], h[2], h[3], h[4]
    n = n + 5
  end
end
return out
