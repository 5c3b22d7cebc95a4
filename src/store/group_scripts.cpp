// Groups in Redis (docs/redis-layout.md): the group hash holds the document
// without members; members live in `group:<id>:members` (member id →
// {"type","display"}), and `memberof:<id>` lists the groups a user or a
// nested group is in. Every write below is one script: it validates
// everything first (version, uniqueness, members, cycles), then writes, so
// a refused write leaves nothing behind.
#include "scim/store/group_scripts.hpp"

#include <string>

#include "diff_lua.hpp"
#include "index_lua.hpp"
#include "scim/store/role_scripts.hpp"

namespace scim::store {

namespace {

// Shared with delete_user: group change events, and a deleted resource
// leaving every group it was in.
const char *const kMembershipLua = R"lua(
-- JSON array of strings (cjson would encode an empty table as {}).
local function json_ids(ids)
  local parts = {}
  for i, id in ipairs(ids) do parts[i] = cjson.encode(id) end
  return '[' .. table.concat(parts, ',') .. ']'
end
-- A group's change event: the common fields, plus the ids this write made
-- members and the ids it took out (docs/events.md).
local function emit_group(stream, maxlen, kind, id, version, time, token, changed, added, removed)
  redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*',
             'type', kind, 'resourceType', 'Group', 'id', id, 'version', version,
             'time', time, 'token', token, 'changed', changed,
             'membersAdded', json_ids(added), 'membersRemoved', json_ids(removed))
end
-- Takes `member` out of every group its memberof set names; each of those
-- groups gets a new version and a group.updated event. O(groups it is in).
local function leave_all_groups(group_prefix, member, memberof_key, modified_idx, stream, maxlen,
                                now, now_ms, token)
  for _, gid in ipairs(redis.call('SMEMBERS', memberof_key)) do
    local gkey = group_prefix .. gid
    if redis.call('HDEL', gkey .. ':members', member) == 1 and
       redis.call('HEXISTS', gkey, 'version') == 1 then
      local v = redis.call('HINCRBY', gkey, 'version', 1)
      redis.call('HSET', gkey, 'lastModified', now)
      redis.call('ZADD', modified_idx, now_ms, gid)
      emit_group(stream, maxlen, 'group.updated', gid, v, now, token, 'members', {}, {member})
    end
  end
  redis.call('DEL', memberof_key)
end
)lua";

// Reading groups with a bounded number of members.
const char *const kRecordLua = R"lua(
-- Appends the member total, n, and n (id, member JSON) pairs: all members
-- when there are at most `cap`, else the first `cap` that HSCAN yields, so
-- the work is bounded whatever the group's size.
local function members_into(out, members_key, cap)
  local total = redis.call('HLEN', members_key)
  out[#out + 1] = total
  local n_at = #out + 1
  out[n_at] = 0
  if total <= cap then
    local all = redis.call('HGETALL', members_key)
    for i = 1, #all do out[#out + 1] = all[i] end
    out[n_at] = #all / 2
    return
  end
  local seen, n, cursor = {}, 0, '0'
  while n < cap do
    local page = redis.call('HSCAN', members_key, cursor, 'COUNT', 1000)
    cursor = page[1]
    local kv = page[2]
    for i = 1, #kv, 2 do
      if n < cap and not seen[kv[i]] then
        seen[kv[i]] = true
        out[#out + 1] = kv[i]
        out[#out + 1] = kv[i + 1]
        n = n + 1
      end
    end
    if cursor == '0' then break end
  end
  out[n_at] = n
end
-- Appends a group record (store::kGroupRecordHead); false when the group
-- does not exist. A cap below 0 never touches the member hash.
local function group_record(out, group_key, cap)
  local g = redis.call('HMGET', group_key, 'doc', 'version', 'created', 'lastModified')
  if not g[1] then return false end
  for i = 1, 4 do out[#out + 1] = g[i] end
  if cap < 0 then
    out[#out + 1] = -1
    out[#out + 1] = 0
  else
    members_into(out, group_key .. ':members', cap)
  end
  return true
end
)lua";

// Group write helpers.
const char *const kWriteLua = R"lua(
-- Group writes share one KEYS layout (store::groupWriteKeys): 1 group,
-- 2 its members, 3 groups:by-name, 4 groups, 5 seq, 6 events, 7-8 the
-- lexicographic indexes (displayName, externalId), 9 idx:created,
-- 10 idx:lastModified, 11 the group's own memberof set. Keys of other
-- resources are named from the prefixes in P: they carry the same {tenant}
-- hash tag, so they live in the same Cluster slot.
local LEX = 7
)lua";

// After the index helpers.
const char *const kWriteLuaRest = R"lua(
local MAX_ANCESTORS = 10000
-- groups:by-name maps each lowercased displayName that some group holds to
-- one such group (several hold it when uniqueness is off).
local function claim_name(lowered, id) redis.call('HSETNX', KEYS[3], lowered, id) end
-- After the group's own index entry is gone: hands the name on to another
-- group that still holds it, if any.
local function release_name(lowered, id)
  if redis.call('HGET', KEYS[3], lowered) ~= id then return end
  local other = redis.call('ZRANGEBYLEX', KEYS[LEX], '[' .. lowered .. '\0',
                           '(' .. lowered .. '\1', 'LIMIT', 0, 1)
  if other[1] then
    redis.call('HSET', KEYS[3], lowered, string.sub(other[1], #lowered + 2))
  else
    redis.call('HDEL', KEYS[3], lowered)
  end
end
-- A member's type and default display, or nil when this tenant has no
-- such resource. Ids never hold ':', so no other kind of key can match.
local function member_kind(P, id)
  if id == '' or string.find(id, ':', 1, true) then return nil end
  local name = redis.call('HGET', P.users .. id, 'userName')
  if name then return 'User', name end
  name = redis.call('HGET', P.groups .. id, 'displayName')
  if name then return 'Group', name end
  return nil
end
-- `target` and every group above it (memberof walked upwards, breadth
-- first); false past MAX_ANCESTORS.
local function ancestors(P, target)
  local seen, queue, head = {[target] = true}, {target}, 1
  while queue[head] do
    for _, parent in ipairs(redis.call('SMEMBERS', P.memberof .. queue[head])) do
      if not seen[parent] then
        if #queue >= MAX_ANCESTORS then return false end
        seen[parent] = true
        queue[#queue + 1] = parent
      end
    end
    head = head + 1
  end
  return seen
end
-- Every member to add must exist, and a group must not be `target` or
-- above it (that would close a cycle). Returns {id → {type, name}}, or nil
-- and the refusal.
local function check_members(P, target, adds)
  local found, above = {}, nil
  for _, m in ipairs(adds) do
    local id = m[1]
    local kind, name = member_kind(P, id)
    if not kind then return nil, {'nomember', id} end
    if kind == 'Group' then
      above = above or ancestors(P, target)
      if not above then return nil, {'toodeep', id} end
      if above[id] then return nil, {'cycle', id} end
    end
    found[id] = {kind, name}
  end
  return found
end
local function member_json(kind, display)
  return '{"type":"' .. kind .. '","display":' .. cjson.encode(display) .. '}'
end
-- Adds members or updates their display; a member re-sent without a
-- display keeps its own. Returns whether anything changed; `added` gets
-- the ids that were not members. O(#adds).
local function add_members(P, gid, members_key, adds, found, added)
  local changed = false
  for _, m in ipairs(adds) do
    local id, display = m[1], m[2]
    local old = redis.call('HGET', members_key, id)
    if not (old and display == '') then
      local value = member_json(found[id][1], display ~= '' and display or found[id][2])
      if value ~= old then
        redis.call('HSET', members_key, id, value)
        changed = true
        if not old then
          redis.call('SADD', P.memberof .. id, gid)
          added[#added + 1] = id
        end
      end
    end
  end
  return changed
end
-- O(#ids); ids that are not members are skipped.
local function remove_members(P, gid, members_key, ids, removed)
  for _, id in ipairs(ids) do
    if redis.call('HDEL', members_key, id) == 1 then
      redis.call('SREM', P.memberof .. id, gid)
      removed[#removed + 1] = id
    end
  end
end
-- Replacing all members: the ones not re-sent go. O(current members).
local function remove_others(P, gid, members_key, adds, removed)
  local keep, gone = {}, {}
  for _, m in ipairs(adds) do keep[m[1]] = true end
  for _, id in ipairs(redis.call('HKEYS', members_key)) do
    if not keep[id] then gone[#gone + 1] = id end
  end
  remove_members(P, gid, members_key, gone, removed)
end
local function ok_reply(group_key, cap)
  local out = {'ok'}
  group_record(out, group_key, cap)
  return out
end
)lua";

// KEYS: the group write layout
// ARGV: 1 id, 2 doc, 3 displayName, 4 displayName lowercased, 5 index
//       entries, 6 members to add [[id, display], …], 7 now, 8 now in ms,
//       9 token name, 10 events maxlen, 11 '1' when displayNames are unique,
//       12 user key prefix, 13 group key prefix, 14 memberof key prefix,
//       15 member cap of the reply, 16 the role context
const char *const kCreateGroup = R"lua(
local P = {users = ARGV[12], groups = ARGV[13], memberof = ARGV[14]}
if ARGV[11] == '1' then
  local holder = redis.call('HGET', KEYS[3], ARGV[4])
  if holder then return {'uniqueness', holder} end
end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
local taken = unique_taken(ARGV[5], ARGV[1])
if taken then return taken end
local adds = cjson.decode(ARGV[6])
local found, refusal = check_members(P, ARGV[1], adds)
if not found then return refusal end
local seq = redis.call('INCR', KEYS[5])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'doc', ARGV[2], 'displayName', ARGV[3],
           'version', 1, 'created', ARGV[7], 'lastModified', ARGV[7], 'seq', seq,
           'managedBy', ARGV[9])
redis.call('ZADD', KEYS[4], seq, ARGV[1])
index(KEYS[1], ARGV[5])
claim_name(ARGV[4], ARGV[1])
redis.call('ZADD', KEYS[9], ARGV[8], ARGV[1])
redis.call('ZADD', KEYS[10], ARGV[8], ARGV[1])
local added = {}
add_members(P, ARGV[1], KEYS[2], adds, found, added)
emit_group(KEYS[6], ARGV[10], 'group.created', ARGV[1], 1, ARGV[7], ARGV[9], '', added, {})
update_roles(role_context(), added)
return ok_reply(KEYS[1], tonumber(ARGV[15]))
)lua";

// KEYS: the group write layout
// ARGV: 1 id, 2 expected version or '', 3 doc, or '' to keep it,
//       4 displayName, 5 displayName lowercased, 6 index entries, 7 '1' to
//       replace all members, 8 members to add [[id, display], …], 9 member
//       ids to remove, 10 now, 11 now in ms, 12 token name, 13 events
//       maxlen, 14 '1' when displayNames are unique, 15 user key prefix,
//       16 group key prefix, 17 memberof key prefix, 18 member cap of the
//       reply, 19 the document the new one was derived from, or '': a PATCH
//       is refused when the document changed since it was read, but not
//       for a mere membership change (those commute with it), 20 the role
//       context
// A write that changes nothing (same doc, members already as asked) keeps
// the version and emits no event.
const char *const kUpdateGroup = R"lua(
local cur = redis.call('HMGET', KEYS[1], 'version', 'displayName', 'doc')
if not cur[1] then return {'notfound'} end
if ARGV[2] ~= '' and ARGV[2] ~= cur[1] then return {'precondition', cur[1]} end
if ARGV[19] ~= '' and ARGV[19] ~= cur[3] then return {'precondition', cur[1]} end
local P = {users = ARGV[15], groups = ARGV[16], memberof = ARGV[17]}
local cap = tonumber(ARGV[18])
local doc_changed = ARGV[3] ~= '' and ARGV[3] ~= cur[3]
local old_lower = string.lower(cur[2])
if doc_changed and ARGV[14] == '1' and ARGV[5] ~= old_lower then
  local holder = redis.call('HGET', KEYS[3], ARGV[5])
  if holder and holder ~= ARGV[1] then return {'uniqueness', holder} end
end
if doc_changed then
  local taken = unique_taken(ARGV[6], ARGV[1])
  if taken then return taken end
end
local adds = cjson.decode(ARGV[8])
local found, refusal = check_members(P, ARGV[1], adds)
if not found then return refusal end
local added, removed = {}, {}
if ARGV[7] == '1' then remove_others(P, ARGV[1], KEYS[2], adds, removed) end
remove_members(P, ARGV[1], KEYS[2], cjson.decode(ARGV[9]), removed)
local members_changed = add_members(P, ARGV[1], KEYS[2], adds, found, added) or #removed > 0
if not doc_changed and not members_changed then return ok_reply(KEYS[1], cap) end
local changed = ''
if doc_changed then
  changed = changed_attributes(cur[3], ARGV[3], '')
  redis.call('HSET', KEYS[1], 'doc', ARGV[3], 'displayName', ARGV[4])
  unindex(KEYS[1])
  release_name(old_lower, ARGV[1])
  index(KEYS[1], ARGV[6])
  claim_name(ARGV[5], ARGV[1])
end
if members_changed then changed = changed == '' and 'members' or changed .. ',members' end
local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'lastModified', ARGV[10])
redis.call('ZADD', KEYS[10], ARGV[11], ARGV[1])
emit_group(KEYS[6], ARGV[13], 'group.updated', ARGV[1], v, ARGV[10], ARGV[12],
           changed, added, removed)
-- Whose role may have changed: who joined or left, and everyone when the
-- new name maps differently (O(members)).
local R, affected = role_context(), {}
for _, ids in ipairs({added, removed}) do
  for _, id in ipairs(ids) do affected[#affected + 1] = id end
end
if doc_changed and renamed_roles(R, old_lower, ARGV[5]) then
  for _, id in ipairs(redis.call('HKEYS', KEYS[2])) do affected[#affected + 1] = id end
end
update_roles(R, affected)
return ok_reply(KEYS[1], cap)
)lua";

// KEYS: the group write layout
// ARGV: 1 id, 2 expected version or '', 3 now, 4 now in ms, 5 token name,
//       6 events maxlen, 7 group key prefix, 8 memberof key prefix, 9 the
//       role context
// The members leave the group (and get their roles recomputed), and the
// group leaves the groups it was in.
const char *const kDeleteGroup = R"lua(
local cur = redis.call('HMGET', KEYS[1], 'version', 'displayName')
if not cur[1] then return {'notfound'} end
if ARGV[2] ~= '' and ARGV[2] ~= cur[1] then return {'precondition', cur[1]} end
local removed = redis.call('HKEYS', KEYS[2])
for _, id in ipairs(removed) do redis.call('SREM', ARGV[8] .. id, ARGV[1]) end
leave_all_groups(ARGV[7], ARGV[1], KEYS[11], KEYS[10], KEYS[6], ARGV[6], ARGV[3], ARGV[4],
                 ARGV[5])
unindex(KEYS[1])
redis.call('DEL', KEYS[1])
redis.call('UNLINK', KEYS[2])
release_name(string.lower(cur[2]), ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[9], ARGV[1])
redis.call('ZREM', KEYS[10], ARGV[1])
emit_group(KEYS[6], ARGV[6], 'group.deleted', ARGV[1], tonumber(cur[1]) + 1, ARGV[3], ARGV[5],
           '', {}, removed)
update_roles(role_context(), removed)
return {'ok'}
)lua";

// KEYS: the group write layout of the first synthetic group (the others'
//       own keys are named from the prefix; they share the tenant's)
// ARGV: 1 the synthetic groups, JSON [[id, displayName, lowercased
//       displayName, index entries, doc], …], 2 now, 3 now in ms, 4 events
//       maxlen, 5 group key prefix
// Creates those that do not exist yet (idempotent); returns how many. A
// synthetic group takes over its name in groups:by-name, even from a group
// that held it before it was configured.
const char *const kEnsureSyntheticGroups = R"lua(
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
)lua";

// KEYS: 1 group
// ARGV: 1 member cap (below 0: leave the members alone)
// Returns a group record, or {} when there is no such group.
const char *const kReadGroup = R"lua(
local out = {}
group_record(out, KEYS[1], tonumber(ARGV[1]))
return out
)lua";

// KEYS: 1 the tenant's groups set, only to name the tenant's Cluster slot
//       (the member hashes are named from the prefix)
// ARGV: 1 group key prefix, 2 member cap, 3… group ids
// Returns, for each id in order: member total, n, n (id, member JSON) pairs.
const char *const kReadGroupMembers = R"lua(
local out = {}
for i = 3, #ARGV do members_into(out, ARGV[1] .. ARGV[i] .. ':members', tonumber(ARGV[2])) end
return out
)lua";

// KEYS: 1 user, 2 memberof:<id>
// ARGV: 1 group key prefix
// Returns {doc, version, created, lastModified, group id, displayName, …},
// or {} when there is no such user: GET /Users/{id} with `groups` in one
// round trip.
const char *const kReadUserWithGroups = R"lua(
local out = redis.call('HMGET', KEYS[1], 'doc', 'version', 'created', 'lastModified')
if not out[1] then return {} end
for _, gid in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local name = redis.call('HGET', ARGV[1] .. gid, 'displayName')
  if name then
    out[#out + 1] = gid
    out[#out + 1] = name
  end
end
return out
)lua";

Script writeScript(const char *name, const char *body) {
    std::string source = std::string(kMembershipLua) + kRecordLua + kWriteLua + indexLua() +
                         kWriteLuaRest + docDiffLua() + roleLua() + body;
    return makeScript(name, source.c_str(), false);
}

Script readScript(const char *name, const char *body) {
    return makeScript(name, (std::string(kRecordLua) + body).c_str(), false);
}

}  // namespace

const char *groupMembershipLua() { return kMembershipLua; }
const char *groupRecordLua() { return kRecordLua; }

const Script &createGroupScript() {
    static const Script s = writeScript("create_group", kCreateGroup);
    return s;
}

const Script &updateGroupScript() {
    static const Script s = writeScript("update_group", kUpdateGroup);
    return s;
}

const Script &deleteGroupScript() {
    static const Script s = writeScript("delete_group", kDeleteGroup);
    return s;
}

const Script &ensureSyntheticGroupsScript() {
    static const Script s = writeScript("ensure_synthetic_groups", kEnsureSyntheticGroups);
    return s;
}

const Script &readGroupScript() {
    static const Script s = readScript("read_group", kReadGroup);
    return s;
}

const Script &readGroupMembersScript() {
    static const Script s = readScript("read_group_members", kReadGroupMembers);
    return s;
}

const Script &readUserWithGroupsScript() {
    static const Script s = makeScript("read_user", kReadUserWithGroups, false);
    return s;
}

const std::vector<const Script *> &groupScripts() {
    static const std::vector<const Script *> all{
        &createGroupScript(), &updateGroupScript(),      &deleteGroupScript(),
        &readGroupScript(),   &readGroupMembersScript(), &readUserWithGroupsScript(),
        &ensureSyntheticGroupsScript()};
    return all;
}

}  // namespace scim::store
