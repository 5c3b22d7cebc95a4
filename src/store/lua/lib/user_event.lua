-- emit(): a user's change event, appended in the same atomic step as the
-- write (docs/events.md).
-- `xk`, `xv`, optional: one more field and its value (user.deleted's
-- `mode`). One direct XADD either way: no argument table to build.
local function emit(stream, maxlen, kind, rtype, id, version, time, token, changed, xk, xv)
  if xk then
    redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', 'type', kind, 'resourceType', rtype,
               'id', id, 'version', version, 'time', time, 'token', token, 'changed', changed,
               xk, xv)
  else
    redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', 'type', kind, 'resourceType', rtype,
               'id', id, 'version', version, 'time', time, 'token', token, 'changed', changed)
  end
end
