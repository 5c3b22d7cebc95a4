-- The index helpers a create needs (lib/index.lua has the others and the
-- entry format). The including script defines LEX first.
-- Adds the decoded entries `list` of resource `id`. The caller keeps their
-- text in the resource's `idx` field (lib/index.lua's index(), or its own
-- HSET).
local function add_entries(list, id)
  for _, e in ipairs(list) do
    if type(e[1]) == 'number' then
      redis.call('ZADD', KEYS[LEX + e[1]], '0', e[2])
    elseif e[3] == nil then
      redis.call('ZADD', e[1], '0', e[2])
    else
      redis.call('HSET', e[1], e[2], id)
    end
  end
end
-- The first unique value in the decoded entries `list` that another
-- resource holds: {'uniqueness', holder, attribute path, value}, or nil.
local function unique_taken_in(list, id)
  for _, e in ipairs(list) do
    if e[3] ~= nil then
      local holder = redis.call('HGET', e[1], e[2])
      if holder and holder ~= id then return {'uniqueness', holder, e[3], e[2]} end
    end
  end
  return nil
end
