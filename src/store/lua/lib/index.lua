-- The index helpers of every write. The including script defines LEX
-- first: a numeric entry e[1] names the sorted set KEYS[LEX + e[1]].
-- An entry is [index, member] for a sorted set in KEYS, [hash key, value,
-- attribute path] for an extension attribute unique per tenant (the hash
-- maps the value to the id holding it), or [sorted set key, member] for
-- an operator-declared index (scim_index). Named keys live under the
-- tenant's hash tag, as KEYS do.
-- Scores and other numbers go to redis.call as strings: Redis formats a
-- Lua number with snprintf, which is a large part of a small write's cost.
--@include lib/index_add.lua
-- Removes entry `e` of the record at `key`. `id` is the record's id, read
-- when a unique entry first needs it and handed back for the next call.
local function drop_entry(key, e, id)
  if type(e[1]) == 'number' then
    redis.call('ZREM', KEYS[LEX + e[1]], e[2])
  elseif e[3] == nil then
    redis.call('ZREM', e[1], e[2])
  else
    id = id or redis.call('HGET', key, 'id')
    if redis.call('HGET', e[1], e[2]) == id then redis.call('HDEL', e[1], e[2]) end
  end
  return id
end
-- The record's id if one of `list` is a unique entry (which stores it).
local function id_for(key, list)
  for _, e in ipairs(list) do
    if e[3] ~= nil then return redis.call('HGET', key, 'id') end
  end
  return nil
end
local function unindex(key)
  local old = redis.call('HGET', key, 'idx')
  if not old then return end
  local id
  for _, e in ipairs(cjson.decode(old)) do id = drop_entry(key, e, id) end
end
local function index(key, entries)
  local list = cjson.decode(entries)
  add_entries(list, id_for(key, list))
  redis.call('HSET', key, 'idx', entries)
end
-- Moves a record from the entries `old` (the text of its `idx` field, or
-- nil) to `entries`, removing and adding only those that differ: a write
-- that leaves the indexed attributes alone (a PATCH of `active`) sends no
-- index command.
local function entry_name(e) return tostring(e[1]) .. '\0' .. e[2] end
local function reindex(key, old, entries)
  if old == entries then return end
  local before, after, kept = {}, cjson.decode(entries), {}
  for _, e in ipairs(after) do kept[entry_name(e)] = true end
  local id
  for _, e in ipairs(old and cjson.decode(old) or {}) do
    local name = entry_name(e)
    before[name] = true
    if not kept[name] then id = drop_entry(key, e, id) end
  end
  local added = {}
  for _, e in ipairs(after) do
    if not before[entry_name(e)] then added[#added + 1] = e end
  end
  add_entries(added, id or id_for(key, added))
  redis.call('HSET', key, 'idx', entries)
end
local function unique_taken(entries, id) return unique_taken_in(cjson.decode(entries), id) end
