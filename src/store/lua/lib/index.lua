-- The index helpers of every write. The including script defines LEX
-- first: a numeric entry e[1] names the sorted set KEYS[LEX + e[1]].
-- An entry is [index, member] for a sorted set in KEYS, [hash key, value,
-- attribute path] for an extension attribute unique per tenant (the hash
-- maps the value to the id holding it), or [sorted set key, member] for
-- an operator-declared index (scim_index). Named keys live under the
-- tenant's hash tag, as KEYS do.
local function unindex(key)
  local old = redis.call('HGET', key, 'idx')
  if not old then return end
  local id = redis.call('HGET', key, 'id')
  for _, e in ipairs(cjson.decode(old)) do
    if type(e[1]) == 'string' and e[3] == nil then
      redis.call('ZREM', e[1], e[2])
    elseif type(e[1]) == 'string' then
      if redis.call('HGET', e[1], e[2]) == id then redis.call('HDEL', e[1], e[2]) end
    else
      redis.call('ZREM', KEYS[LEX + e[1]], e[2])
    end
  end
end
local function index(key, entries)
  local id = redis.call('HGET', key, 'id')
  for _, e in ipairs(cjson.decode(entries)) do
    if type(e[1]) == 'string' and e[3] == nil then
      redis.call('ZADD', e[1], 0, e[2])
    elseif type(e[1]) == 'string' then
      redis.call('HSET', e[1], e[2], id)
    else
      redis.call('ZADD', KEYS[LEX + e[1]], 0, e[2])
    end
  end
  redis.call('HSET', key, 'idx', entries)
end
-- The first unique value in `entries` that another resource holds:
-- {'uniqueness', holder, attribute path, value}, or nil.
local function unique_taken(entries, id)
  for _, e in ipairs(cjson.decode(entries)) do
    if type(e[1]) == 'string' and e[3] ~= nil then
      local holder = redis.call('HGET', e[1], e[2])
      if holder and holder ~= id then return {'uniqueness', holder, e[3], e[2]} end
    end
  end
  return nil
end
