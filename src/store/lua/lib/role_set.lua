-- The part of lib/roles.lua a create needs: the role context and storing
-- a role (the default one).
-- R: the role context, always the last ARGV (store::roleContext).
local function role_context() return cjson.decode(ARGV[#ARGV]) end
-- Stores the role ('' = none) and announces a change.
local function set_role(R, uid, role)
  local previous = redis.call('HGET', R.rolesKey, uid) or ''
  if previous == role then return end
  if role == '' then
    redis.call('HDEL', R.rolesKey, uid)
  else
    redis.call('HSET', R.rolesKey, uid, role)
  end
  local version = redis.call('HGET', R.users .. uid, 'version') or ''
  redis.call('XADD', R.events, 'MAXLEN', '~', R.maxlen, '*',
             'type', 'user.role_changed', 'resourceType', 'User', 'id', uid,
             'version', version, 'time', R.time, 'token', R.token, 'changed', 'role',
             'role', role, 'previousRole', previous)
end
local function default_role(R, uid)
  if R.default == '' then return end
  if R.dropInactive and redis.call('HGET', R.users .. uid, 'active') == '0' then return end
  set_role(R, uid, R.default)
end
