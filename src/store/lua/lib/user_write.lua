-- Helpers of the user write scripts: the lifecycle event kind, the claim
-- guard and the soft-delete tombstone.
-- 'deactivated'/'reactivated' when `active` flips, else the plain kind.
local function lifecycle(old, new, plain)
  if old ~= '0' and new == '0' then return 'user.deactivated' end
  if old == '0' and new ~= '0' then return 'user.reactivated' end
  return plain
end
-- The claim guard (scim_claim_guard). `claimed_key` is the tenant's set of
-- lowercased userNames and emails of accounts the tenant does not manage,
-- '' when the guard is off. A write may not give the user one of them
-- unless the user already holds it: a deprovisioning PUT must never fail
-- because the app claimed an identifier after the user was created.
-- `entries` are the index entries the write stores (userName and emails are
-- lowercased there). Returns {'claimed', attribute, value} or nil.
local CLAIMABLE = {[0] = 'userName', [2] = 'email'}
local function claim_refusal(claimed_key, user_key, id, entries)
  if claimed_key == '' then return nil end
  local held = {}
  local old = redis.call('HGET', user_key, 'idx')
  if old then
    for _, e in ipairs(cjson.decode(old)) do held[e[2]] = true end
  end
  for _, e in ipairs(cjson.decode(entries)) do
    local attribute = CLAIMABLE[e[1]]
    if attribute and not held[e[2]] then
      local value = string.sub(e[2], 1, #e[2] - #id - 1)  -- strip '\0<id>'
      if redis.call('SISMEMBER', claimed_key, value) == 1 then
        return {'claimed', attribute, value}
      end
    end
  end
  return nil
end
-- Soft delete: the user hash becomes the tombstone `deleted-user:<id>`,
-- which no SCIM request reads, so SCIM answers 404 while the app keeps the
-- record. Call after unindex(): `idx` is dropped with the password hash,
-- which nothing may use once the user is gone.
local function bury(user_key, tomb_key, deleted_key, id, version, now, now_ms, token)
  redis.call('RENAME', user_key, tomb_key)
  redis.call('HDEL', tomb_key, 'idx', 'password')
  redis.call('HSET', tomb_key, 'version', version, 'deletedAt', now, 'deletedBy', token)
  redis.call('ZADD', deleted_key, now_ms, id)
end
