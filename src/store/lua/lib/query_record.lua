-- Whole records for the query engine's read scripts: id, seq, doc,
-- version, created, lastModified, memberships (store::kRecordFields).
-- ARGV from `first` on: the members' key suffix, then the probed member ids.
local function probesFrom(first)
  local probes = {}
  for i = first + 1, #ARGV do probes[#probes + 1] = ARGV[i] end
  return ARGV[first] or '', probes
end
local function record(out, prefix, id, suffix, probes)
  local h = redis.call('HMGET', prefix .. id, 'seq', 'doc', 'version', 'created', 'lastModified')
  if not h[2] then return end
  out[#out + 1] = id
  out[#out + 1] = h[1]
  out[#out + 1] = h[2]
  out[#out + 1] = h[3]
  out[#out + 1] = h[4]
  out[#out + 1] = h[5]
  local held = {}
  for _, m in ipairs(probes) do
    if redis.call('HEXISTS', prefix .. id .. suffix, m) == 1 then held[#held + 1] = m end
  end
  out[#out + 1] = #held > 0 and cjson.encode(held) or ''
end
-- Lexicographic index members are "<value>\0<id>".
local function idOf(member, lex)
  if lex == 'lex' then return string.match(member, '([^%z]*)$') end
  return member
end
