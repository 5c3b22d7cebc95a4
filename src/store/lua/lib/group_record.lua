-- Reading groups with a bounded number of members (the group record of
-- store::kGroupRecordHead).
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
