-- emit(): a user's change event, appended in the same atomic step as the
-- write (docs/events.md).
-- `extra`, optional: more field/value pairs (user.deleted's `mode`).
local function emit(stream, maxlen, kind, rtype, id, version, time, token, changed, extra)
  local fields = {'type', kind, 'resourceType', rtype, 'id', id, 'version', version,
                  'time', time, 'token', token, 'changed', changed}
  for _, v in ipairs(extra or {}) do fields[#fields + 1] = v end
  redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', unpack(fields))
end
