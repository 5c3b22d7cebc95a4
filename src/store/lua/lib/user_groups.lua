-- The groups a user is directly in, as a replace's reply lists them (a GET
-- reads them with plain commands: store::readUser).
-- Appends (group id, displayName) pairs from the user's memberof set;
-- a group that went away in between is skipped.
local function append_groups(out, memberof_key, group_prefix)
  for _, gid in ipairs(redis.call('SMEMBERS', memberof_key)) do
    local name = redis.call('HGET', group_prefix .. gid, 'displayName')
    if name then
      out[#out + 1] = gid
      out[#out + 1] = name
    end
  end
  return out
end
