-- Whole records for the query engine's read scripts: id, seq, doc,
-- version, created, lastModified, memberships (store::kRecordFields).
-- ARGV from `first` on: the members' key suffix, then the probed member ids.
local function probesFrom(first)
  local probes = {}
  for i = first + 1, #ARGV do probes[#probes + 1] = ARGV[i] end
  return ARGV[first] or '', probes
end
-- The probed member ids the resource holds, as a JSON array ('' for none).
local function heldProbes(key, suffix, probes)
  if #probes == 0 then return '' end
  local held = {}
  for _, m in ipairs(probes) do
    if redis.call('HEXISTS', key .. suffix, m) == 1 then held[#held + 1] = m end
  end
  return #held > 0 and cjson.encode(held) or ''
end
-- Appends the record after out[n]; returns the new length. `doc`: the
-- document when the caller already read it (then not read again).
local function record(out, n, prefix, id, suffix, probes, doc)
  local key = prefix .. id
  local h
  if doc then
    h = redis.call('HMGET', key, 'seq', 'version', 'created', 'lastModified')
    table.insert(h, 2, doc)
  else
    h = redis.call('HMGET', key, 'seq', 'doc', 'version', 'created', 'lastModified')
    if not h[2] then return n end
  end
  out[n + 1], out[n + 2], out[n + 3], out[n + 4], out[n + 5], out[n + 6], out[n + 7] =
    id, h[1], h[2], h[3], h[4], h[5], heldProbes(key, suffix, probes)
  return n + 7
end
-- Lexicographic index members are "<value>\0<id>": the id follows the
-- last NUL (a value may hold one). Linear: only a NUL starts a match.
local function idOf(member, lex)
  if lex == 'lex' then return string.sub(member, string.find(member, '%z[^%z]*$') + 1) end
  return member
end
