-- read_group: GET /Groups/{id}.
-- KEYS: 1 group
-- ARGV: 1 member cap (below 0: leave the members alone)
-- Returns a group record (store::kGroupRecordHead), or {} when there is no
-- such group.
--@include lib/group_record.lua
local out = {}
group_record(out, KEYS[1], tonumber(ARGV[1]))
return out
