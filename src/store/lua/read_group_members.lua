-- read_group_members: the members of a page of groups.
-- KEYS: 1 the tenant's groups set, only to name the tenant's Cluster slot
--   (the member hashes are named from the prefix)
-- ARGV: 1 group key prefix, 2 member cap, 3... group ids
-- Returns, for each id in order: member total, n, n (id, member JSON) pairs.
--@include lib/group_record.lua
local out = {}
for i = 3, #ARGV do members_into(out, ARGV[1] .. ARGV[i] .. ':members', tonumber(ARGV[2])) end
return out
