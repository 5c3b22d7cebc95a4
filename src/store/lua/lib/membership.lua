-- Group change events, and a deleted resource leaving every group it was
-- in (shared by the group writes and delete_user).
-- JSON array of strings (cjson would encode an empty table as {}).
local function json_ids(ids)
  local parts = {}
  for i, id in ipairs(ids) do parts[i] = cjson.encode(id) end
  return '[' .. table.concat(parts, ',') .. ']'
end
-- A group's change event: the common fields, plus the ids this write made
-- members and the ids it took out (docs/events.md).
local function emit_group(stream, maxlen, kind, id, version, time, token, changed, added, removed)
  redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*',
             'type', kind, 'resourceType', 'Group', 'id', id, 'version', version,
             'time', time, 'token', token, 'changed', changed,
             'membersAdded', json_ids(added), 'membersRemoved', json_ids(removed))
end
-- Takes `member` out of every group its memberof set names; each of those
-- groups gets a new version and a group.updated event. O(groups it is in).
local function leave_all_groups(group_prefix, member, memberof_key, modified_idx, stream, maxlen,
                                now, now_ms, token)
  for _, gid in ipairs(redis.call('SMEMBERS', memberof_key)) do
    local gkey = group_prefix .. gid
    if redis.call('HDEL', gkey .. ':members', member) == 1 and
       redis.call('HEXISTS', gkey, 'version') == 1 then
      local v = redis.call('HINCRBY', gkey, 'version', 1)
      redis.call('HSET', gkey, 'lastModified', now)
      redis.call('ZADD', modified_idx, now_ms, gid)
      emit_group(stream, maxlen, 'group.updated', gid, v, now, token, 'members', {}, {member})
    end
  end
  redis.call('DEL', memberof_key)
end
