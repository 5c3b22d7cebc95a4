-- replace_user: PUT and PATCH /Users/{id}.
-- KEYS (store::userWriteKeys): 1 user, 2 users:by-name, 3 users, 4 seq,
--   5 events, 6-8 the lexicographic indexes (userName, externalId, email),
--   9 idx:created, 10 idx:lastModified
-- ARGV: 1 id, 2 userName lowercased, 3 userName, 4 doc, 5 now, 6 password
--   hash or '', 7 active, 8 expected version or '', 9 token name, 10 events
--   maxlen, 11 changed attributes the service knows of (the script adds the
--   document's differences) or '=' and all of them (with ARGV 8 only),
--   12 now in ms, 13 index entries, 14 claimed set
--   key or '', 15 the group key prefix, or '' for no groups in the reply,
--   16 the user's memberof key, 17 the role context (store::roleContext),
--   '' unless scim_role_on_deactivate drop (nothing else of it concerns a
--   replace)
-- Returns {'ok', version, created, lastModified[, group id, displayName,
--   ...]} (the groups when ARGV 15 is set) | {'notfound'} |
--   {'precondition', version, doc, version, created, lastModified}: what a
--   read would answer, so that a PATCH that lost the race retries without
--   reading | {'uniqueness', holder[, attribute, value]} |
--   {'claimed', attribute, value}
local LEX = 6
--@include lib/user_event.lua
--@include lib/index.lua
--@include lib/user_write.lua
--@include lib/diff.lua
--@include lib/roles.lua
--@include lib/user_groups.lua
local function ok(version, created, modified)
  local out = {'ok', version, created, modified}
  if ARGV[15] == '' then return out end
  return append_groups(out, ARGV[16], ARGV[15])
end
local cur = redis.call('HMGET', KEYS[1], 'version', 'userName', 'created', 'active', 'doc',
                      'lastModified', 'idx')
local old_entries = cur[7] or nil
if not cur[1] then return {'notfound'} end
if ARGV[8] ~= '' and ARGV[8] ~= cur[1] then
  return {'precondition', cur[1], cur[5], cur[1], cur[3], cur[6]}
end
local refusal = claim_refusal(ARGV[14], old_entries, ARGV[1], ARGV[13])
if refusal then return refusal end
-- A leading '=': the service sent the whole list, having compared the
-- document it read at the expected version (checked above) with this one.
local changed
if ARGV[8] ~= '' and string.byte(ARGV[11], 1) == 61 then
  changed = string.sub(ARGV[11], 2)
else
  changed = changed_attributes(cur[5] or '{}', ARGV[4], ARGV[11])
end
-- Nothing changed (Okta re-sends whole users): no new version, no event.
if changed == '' then return ok(cur[1], cur[3], cur[6]) end
-- Entries the user already holds need no uniqueness check.
if ARGV[13] ~= old_entries then
  local taken = unique_taken(ARGV[13], ARGV[1])
  if taken then return taken end
end
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
reindex(KEYS[1], old_entries, ARGV[13])
redis.call('ZADD', KEYS[10], ARGV[12], ARGV[1])
emit(KEYS[5], ARGV[10], lifecycle(cur[4] or '', ARGV[7], 'user.updated'), 'User', ARGV[1],
     v, ARGV[5], ARGV[9], changed)
-- scim_role_on_deactivate drop: deactivation takes the role, reactivation
-- gives back what the user's groups imply.
-- The service sends the role context only when that option is on.
if ARGV[17] ~= '' and (cur[4] == '0') ~= (ARGV[7] == '0') then
  local R = role_context()
  if R.dropInactive then update_roles(R, {ARGV[1]}) end
end
return ok(tostring(v), cur[3], ARGV[5])
