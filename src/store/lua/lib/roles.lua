-- Effective roles (docs/roles.md): recomputed for the users whose
-- memberships a script changes, in the same step. The role context is the
-- last ARGV of every script that includes this (store::roleContext).
--@include lib/role_set.lua
-- The tenant's mapping, lowercased displayName → {role, priority}, read once
-- per script. A tenant's Redis map (written by the app) replaces the
-- scim_role_group lines; synthetic groups keep their own rule unless the
-- map names them. Malformed map entries are skipped.
local function role_map(R)
  if R.map then return R.map end
  local stored = redis.call('HGETALL', R.mapKey)
  local map = {}
  if #stored == 0 then
    for name, rule in pairs(R.conf) do map[name] = rule end
  end
  for name, rule in pairs(R.synthetic) do map[name] = rule end
  for i = 1, #stored, 2 do
    local role, priority = string.match(stored[i + 1], '^%s*(%S+)%s+(-?%d+)%s*$')
    if role then map[string.lower(stored[i])] = {role, tonumber(priority)} end
  end
  R.map = map
  return map
end
-- Higher priority wins; a tie goes to the role that sorts first, so the
-- result never depends on set order.
local function outranks(rule, best)
  return not best or rule[2] > best[2] or (rule[2] == best[2] and rule[1] < best[1])
end
-- O(groups the user is directly in).
local function role_of(R, map, uid)
  if R.dropInactive and redis.call('HGET', R.users .. uid, 'active') == '0' then return '' end
  local best = nil
  for _, gid in ipairs(redis.call('SMEMBERS', R.memberof .. uid)) do
    local name = redis.call('HGET', R.groups .. gid, 'displayName')
    local rule = name and map[string.lower(name)]
    if rule and outranks(rule, best) then best = rule end
  end
  return best and best[1] or R.default
end
-- A tenant with no mapping and no default keeps no roles at all.
local function roles_off(R, map) return next(map) == nil and R.default == '' end
-- `ids` may hold groups (nested members) and repeats: users only, once.
local function update_roles(R, ids)
  if #ids == 0 then return end
  local map = role_map(R)
  if roles_off(R, map) then return end
  local done = {}
  for _, id in ipairs(ids) do
    if not done[id] then
      done[id] = true
      if redis.call('HEXISTS', R.users .. id, 'userName') == 1 then
        set_role(R, id, role_of(R, map, id))
      end
    end
  end
end
local function renamed_roles(R, old_lower, new_lower)
  if old_lower == new_lower then return false end
  local map = role_map(R)
  return map[old_lower] ~= nil or map[new_lower] ~= nil
end
local function drop_role(R, uid) set_role(R, uid, '') end
