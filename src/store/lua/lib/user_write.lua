-- Helpers of the user write scripts: the claim guard and the soft-delete
-- tombstone.
--@include lib/claim.lua
-- The guard for a write of `entries` (their text) to a user whose stored
-- entries are `old` (its `idx` field, or nil), some of which it may keep.
local function claim_refusal(claimed_key, old, id, entries)
  if claimed_key == '' or entries == old then return nil end
  local held = {}
  if old then
    for _, e in ipairs(cjson.decode(old)) do held[e[2]] = true end
  end
  return claimed_among(claimed_key, cjson.decode(entries), held, id)
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
