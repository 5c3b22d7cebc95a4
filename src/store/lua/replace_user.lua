-- replace_user: PUT and PATCH /Users/{id}.
-- KEYS (user_scripts.cpp's replaceKeys): 1 user, 2 users:by-name, 3 events,
--   4-6 the lexicographic indexes (userName, externalId, email),
--   7 idx:lastModified
-- ARGV: 1 id, 2 userName lowercased, 3 userName, 4 doc, 5 now, 6 active,
--   7 expected version or '', 8 token name, 9 events maxlen, 10 changed
--   attributes the service knows of (the script adds the document's
--   differences) or '=' and all of them (with ARGV 7 only), 11 now in ms,
--   12 index entries, 13 the group key prefix, or '' for no groups in the
--   reply, 14 the user's memberof key; then, usually empty and not sent
--   when they and those after them are: 15 password hash, 16 claimed set
--   key (the claim guard), 17 the role context (store::roleContext), only
--   with scim_role_on_deactivate drop (nothing else of it concerns a
--   replace)
-- Returns {'ok', version, created, lastModified[, group id, displayName,
--   ...]} (the groups when ARGV 13 is set) | {'notfound'} |
--   {'precondition', version, doc, version, created, lastModified}: what a
--   read would answer, so that a PATCH that lost the race retries without
--   reading | {'uniqueness', holder[, attribute, value]} |
--   {'claimed', attribute, value}
-- The hot write is a PATCH of `active` (Okta's deactivation), bench/README.md
-- "Session 8": four commands (HMGET, HSET, ZADD, XADD) and the groups'
-- reads, the stored document read only when it is answered or compared,
-- and each library included inside the branch that calls it (every Lua
-- function a script defines costs a closure per call).
local LEX = 4
--@include lib/user_groups.lua
local user_id, new_entries = ARGV[1], ARGV[12]
local password, claimed_set = ARGV[15] or '', ARGV[16] or ''
local function ok(version, created, modified)
  local out = {'ok', version, created, modified}
  if ARGV[13] == '' then return out end
  return append_groups(out, ARGV[14], ARGV[13])
end
local cur = redis.call('HMGET', KEYS[1], 'version', 'userName', 'created', 'active',
                      'lastModified', 'idx')
local old_entries = cur[6] or nil
if not cur[1] then return {'notfound'} end
if ARGV[7] ~= '' and ARGV[7] ~= cur[1] then
  return {'precondition', cur[1], redis.call('HGET', KEYS[1], 'doc'), cur[1], cur[3], cur[5]}
end
-- Index entries the user already holds need no claim or uniqueness check,
-- and none is moved (a PATCH of `active` changes none).
local moved = new_entries ~= old_entries
if moved and claimed_set ~= '' then
--@include lib/user_write.lua
  local refusal = claim_refusal(claimed_set, old_entries, user_id, new_entries)
  if refusal then return refusal end
end
-- A leading '=': the service sent the whole list, having compared the
-- document it read at the expected version (checked above) with this one.
local changed
if ARGV[7] ~= '' and string.byte(ARGV[10], 1) == 61 then
  changed = string.sub(ARGV[10], 2)
else
--@include lib/diff.lua
  changed = changed_attributes(redis.call('HGET', KEYS[1], 'doc') or '{}', ARGV[4], ARGV[10])
end
-- Nothing changed (Okta re-sends whole users): no new version, no event.
if changed == '' then return ok(cur[1], cur[3], cur[5]) end
local move_entries
if moved then
--@include lib/index.lua
  local taken = unique_taken(new_entries, user_id)
  if taken then return taken end
  move_entries = reindex
end
local oldLower = string.lower(cur[2])
if oldLower ~= ARGV[2] then
  local other = redis.call('HGET', KEYS[2], ARGV[2])
  if other and other ~= user_id then return {'uniqueness', other} end
  redis.call('HDEL', KEYS[2], oldLower)
  redis.call('HSET', KEYS[2], ARGV[2], user_id)
end
-- Numbers go to Redis as strings, formatted once.
local v = tostring(tonumber(cur[1]) + 1)
redis.call('HSET', KEYS[1], 'doc', ARGV[4], 'userName', ARGV[3], 'version', v,
           'lastModified', ARGV[5], 'active', ARGV[6])
if password ~= '' then redis.call('HSET', KEYS[1], 'password', password) end
if move_entries then move_entries(KEYS[1], old_entries, new_entries) end
redis.call('ZADD', KEYS[7], ARGV[11], user_id)
-- The event (docs/events.md): 'deactivated'/'reactivated' when `active`
-- flips. As a create does, the stream is trimmed at about one write in 64
-- (those whose time in ms is a multiple of 64, whichever users they
-- touch) rather than by each XADD (docs/directives.md, scim_events_maxlen).
local was, now_active = cur[4] or '', ARGV[6]
local kind = 'user.updated'
if was ~= '0' and now_active == '0' then
  kind = 'user.deactivated'
elseif was == '0' and now_active ~= '0' then
  kind = 'user.reactivated'
end
redis.call('XADD', KEYS[3], '*', 'type', kind, 'resourceType', 'User', 'id', user_id,
           'version', v, 'time', ARGV[5], 'token', ARGV[8], 'changed', changed)
if tonumber(ARGV[11]) % 64 == 0 then redis.call('XTRIM', KEYS[3], 'MAXLEN', '~', ARGV[9]) end
-- scim_role_on_deactivate drop: deactivation takes the role, reactivation
-- gives back what the user's groups imply.
-- The service sends the role context only when that option is on.
if (ARGV[17] or '') ~= '' and (was == '0') ~= (now_active == '0') then
--@include lib/roles.lua
  local R = role_context()
  if R.dropInactive then update_roles(R, {user_id}) end
end
return ok(v, cur[3], ARGV[5])
