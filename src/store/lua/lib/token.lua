-- A token hash as the registry keeps it (docs/redis-layout.md, "Tokens").
local function new_token(key, index, sha, id, name, tenant, now)
  redis.call('HSET', key, 'id', id, 'name', name, 'tenant', tenant, 'created', now,
             'lastUsed', '0', 'expires', '0', 'revoked', '0')
  redis.call('HSET', index, id, sha)
end
local function taken(key, index, id)
  return redis.call('EXISTS', key) == 1 or redis.call('HEXISTS', index, id) == 1
end
