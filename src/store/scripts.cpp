#include "scim/store/scripts.hpp"

#include <openssl/sha.h>

#include <string>

#include "scim/store/group_scripts.hpp"
#include "scim/store/role_scripts.hpp"
#include "scim/store/token_scripts.hpp"
#include "diff_lua.hpp"
#include "index_lua.hpp"
#include "user_lua.hpp"

namespace scim::store {

namespace {

// Shared by every write script: one change event per changed resource,
// appended in the same atomic step as the write (docs/events.md).
const char *const kPrelude = R"lua(
-- `extra`, optional: more field/value pairs (user.deleted's `mode`).
local function emit(stream, maxlen, kind, rtype, id, version, time, token, changed, extra)
  local fields = {'type', kind, 'resourceType', rtype, 'id', id, 'version', version,
                  'time', time, 'token', token, 'changed', changed}
  for _, v in ipairs(extra or {}) do fields[#fields + 1] = v end
  redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', unpack(fields))
end
-- User writes share one KEYS layout (store::userWriteKeys): 1 user, 2
-- users:by-name, 3 users, 4 seq, 5 events, 6-8 the lexicographic indexes,
-- 9 idx:created, 10 idx:lastModified (index_lua.cpp maintains 6-8).
local LEX = 6
)lua";

// After the index helpers.
const char *const kPreludeRest = R"lua(
-- 'deactivated'/'reactivated' when `active` flips, else the plain kind.
local function lifecycle(old, new, plain)
  if old ~= '0' and new == '0' then return 'user.deactivated' end
  if old == '0' and new ~= '0' then return 'user.reactivated' end
  return plain
end
)lua";

// KEYS: the user write layout
// ARGV: id, userName lowercased, userName, doc, now, password hash or '',
//       active ('1','0',''), token name, events maxlen, now in ms,
//       index entries, claimed set key or '' (claim guard off), and last
//       the role context (store::roleContext)
const char *const kCreateUser = R"lua(
local existing = redis.call('HGET', KEYS[2], ARGV[2])
if existing then return {'uniqueness', existing} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
local taken = unique_taken(ARGV[11], ARGV[1])
if taken then return taken end
local refusal = claim_refusal(ARGV[12], KEYS[1], ARGV[1], ARGV[11])
if refusal then return refusal end
local seq = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'doc', ARGV[4], 'userName', ARGV[3],
           'version', 1, 'created', ARGV[5], 'lastModified', ARGV[5], 'seq', seq,
           'active', ARGV[7], 'managedBy', ARGV[8], 'managedSince', ARGV[5])
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'password', ARGV[6]) end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], seq, ARGV[1])
index(KEYS[1], ARGV[11])
redis.call('ZADD', KEYS[9], ARGV[10], ARGV[1])
redis.call('ZADD', KEYS[10], ARGV[10], ARGV[1])
emit(KEYS[5], ARGV[9], 'user.created', 'User', ARGV[1], 1, ARGV[5], ARGV[8], '')
default_role(role_context(), ARGV[1])
return {'ok', '1', ARGV[5], ARGV[5]}
)lua";

// KEYS: the user write layout
// ARGV: id, userName lowercased, userName, doc, now, password hash or '',
//       active, expected version or '', token name, events maxlen, changed
//       attributes the service knows of (the script adds the document's
//       differences), now in ms, index entries, claimed set key or '', and
//       last the role context (store::roleContext)
const char *const kReplaceUser = R"lua(
local cur = redis.call('HMGET', KEYS[1], 'version', 'userName', 'created', 'active', 'doc',
                      'lastModified')
if not cur[1] then return {'notfound'} end
if ARGV[8] ~= '' and ARGV[8] ~= cur[1] then return {'precondition', cur[1]} end
local refusal = claim_refusal(ARGV[14], KEYS[1], ARGV[1], ARGV[13])
if refusal then return refusal end
local changed = changed_attributes(cur[5] or '{}', ARGV[4], ARGV[11])
-- Nothing changed (Okta re-sends whole users): no new version, no event.
if changed == '' then return {'ok', cur[1], cur[3], cur[6]} end
local taken = unique_taken(ARGV[13], ARGV[1])
if taken then return taken end
local oldLower = string.lower(cur[2])
if oldLower ~= ARGV[2] then
  local other = redis.call('HGET', KEYS[2], ARGV[2])
  if other and other ~= ARGV[1] then return {'uniqueness', other} end
  redis.call('HDEL', KEYS[2], oldLower)
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
end
local v = tonumber(cur[1]) + 1
redis.call('HSET', KEYS[1], 'doc', ARGV[4], 'userName', ARGV[3], 'version', v,
           'lastModified', ARGV[5], 'active', ARGV[7])
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'password', ARGV[6]) end
unindex(KEYS[1])
index(KEYS[1], ARGV[13])
redis.call('ZADD', KEYS[10], ARGV[12], ARGV[1])
emit(KEYS[5], ARGV[10], lifecycle(cur[4] or '', ARGV[7], 'user.updated'), 'User', ARGV[1],
     v, ARGV[5], ARGV[9], changed)
-- scim_role_on_deactivate drop: deactivation takes the role, reactivation
-- gives back what the user's groups imply.
if (cur[4] == '0') ~= (ARGV[7] == '0') then
  local R = role_context()
  if R.dropInactive then update_roles(R, {ARGV[1]}) end
end
return {'ok', tostring(v), cur[3], ARGV[5]}
)lua";

// KEYS: store::userDeleteKeys (the user write layout, then 11 memberof:<id>,
//       12 groups:idx:lastModified, 13 deleted-user:<id>, 14 users:deleted)
// ARGV: id, expected version or '', now, token name, events maxlen,
//       group key prefix, now in ms, 'soft' or 'hard', and last the role
//       context (store::roleContext)
// The user leaves every group it is in within the same step: a
// group.updated event for each, user.role_changed if it had a role, then
// user.deleted. Soft keeps the hash as a tombstone, hard removes it.
const char *const kDeleteUser = R"lua(
local cur = redis.call('HMGET', KEYS[1], 'version', 'userName')
if not cur[1] then return {'notfound'} end
if ARGV[2] ~= '' and ARGV[2] ~= cur[1] then return {'precondition', cur[1]} end
leave_all_groups(ARGV[6], ARGV[1], KEYS[11], KEYS[12], KEYS[5], ARGV[5], ARGV[3], ARGV[7],
                 ARGV[4])
drop_role(role_context(), ARGV[1])
unindex(KEYS[1])
local v = tonumber(cur[1]) + 1
if ARGV[8] == 'soft' then
  bury(KEYS[1], KEYS[13], KEYS[14], ARGV[1], v, ARGV[3], ARGV[7], ARGV[4])
else
  redis.call('DEL', KEYS[1])
end
redis.call('HDEL', KEYS[2], string.lower(cur[2]))
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[9], ARGV[1])
redis.call('ZREM', KEYS[10], ARGV[1])
emit(KEYS[5], ARGV[5], 'user.deleted', 'User', ARGV[1], v, ARGV[3], ARGV[4], '',
     {'mode', ARGV[8]})
return {'ok'}
)lua";

std::string sha1Hex(const std::string &s) {
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char *>(s.data()), s.size(), md);
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : md) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

Script make(const char *name, const char *body, bool writes) {
    std::string source =
        writes ? std::string(kPrelude) + indexLua() + kPreludeRest + body : std::string(body);
    std::string sha = sha1Hex(source);
    return Script{name, std::move(source), std::move(sha)};
}

// A user write script: the prelude, the lifecycle and role helpers, then
// `body`.
Script userScript(const char *name, std::string body) {
    return make(name, (std::string(docDiffLua()) + userLifecycleLua() + roleLua() + body).c_str(),
                true);
}

}  // namespace

Script makeScript(const char *name, const char *body, bool withPrelude) {
    return make(name, body, withPrelude);
}

const Script &createUserScript() {
    static const Script s = userScript("create_user", kCreateUser);
    return s;
}

const Script &replaceUserScript() {
    static const Script s = userScript("replace_user", kReplaceUser);
    return s;
}

const Script &deleteUserScript() {
    static const Script s =
        userScript("delete_user", std::string(groupMembershipLua()) + kDeleteUser);
    return s;
}

const std::vector<const Script *> &allScripts() {
    static const std::vector<const Script *> all = [] {
        std::vector<const Script *> v{&createUserScript(), &replaceUserScript(),
                                      &deleteUserScript()};
        for (const Script *s : queryScripts()) v.push_back(s);
        for (const Script *s : groupScripts()) v.push_back(s);
        for (const Script *s : tokenScripts()) v.push_back(s);
        return v;
    }();
    return all;
}

}  // namespace scim::store
