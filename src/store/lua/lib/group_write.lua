-- Helpers of the group write scripts: names, member checks, member edits,
-- the reply. Needs LEX and the group write KEYS layout (see create_group.lua).
--@include lib/group_record.lua
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
