// Read scripts of the query engine. Each returns whole records, so a page is
// one consistent snapshot and one round trip. A record is six replies:
// id, seq, doc, version, created, lastModified (kRecordFields).
#include "scim/store/query_scripts.hpp"

namespace scim::store {

namespace {

const char *const kRecordHelpers = R"lua(
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
)lua";

// KEYS[1]: the index (for 'id': the resource key itself; for 'set': the
//         reverse membership set)
// ARGV: mode ('id','lex','score','set'), min, max, limit, resource key
//       prefix, members' key suffix, probed member ids…
// Returns {'ok', records…} or {'toomany'} when more than `limit` members
// match: the caller then scans instead.
const char *const kFetchCandidates = R"lua(
local mode, limit, prefix = ARGV[1], tonumber(ARGV[4]), ARGV[5]
local suffix, probes = probesFrom(6)
local out = {'ok'}
if mode == 'id' then
  record(out, prefix, ARGV[2], suffix, probes)
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
local seen = {}
for _, m in ipairs(members) do
  local id = idOf(m, mode)
  if not seen[id] then
    seen[id] = true
    record(out, prefix, id, suffix, probes)
  end
end
return out
)lua";

// KEYS[1]: the creation-order set (ids scored by seq)
// ARGV: bound (e.g. '(41', '-inf', '+inf'), 'asc' or 'desc', batch size,
//       resource key prefix, members' key suffix, probed member ids…
// Returns {total, records…}: up to `batch` records past the bound.
const char *const kScanRecords = R"lua(
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
)lua";

// KEYS[1]: an ordering set (creation order, a lexicographic or time index)
// ARGV: start (0-based), count, '1' for descending, resource key prefix,
//       'lex' when members are "<value>\0<id>"
// Returns {total, records…}: one page by rank, O(log n + count).
const char *const kPageRecords = R"lua(
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
)lua";

Script readScript(const char *name, const char *body) {
    return makeScript(name, (std::string(kRecordHelpers) + body).c_str(), false);
}

}  // namespace

const Script &fetchCandidatesScript() {
    static const Script s = readScript("fetch_candidates", kFetchCandidates);
    return s;
}

const Script &scanRecordsScript() {
    static const Script s = readScript("scan_records", kScanRecords);
    return s;
}

const Script &pageRecordsScript() {
    static const Script s = readScript("page_records", kPageRecords);
    return s;
}

const std::vector<const Script *> &queryScripts() {
    static const std::vector<const Script *> all{&fetchCandidatesScript(), &scanRecordsScript(),
                                                 &pageRecordsScript()};
    return all;
}

}  // namespace scim::store
