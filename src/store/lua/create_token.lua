-- create_token: a new bearer token in the registry ({#tokens}).
-- KEYS: 1 token:<sha>, 2 tenant:<tenant>
-- ARGV: 1 sha, 2 id, 3 name, 4 tenant, 5 now (ms)
-- Returns {'ok'} | {'collision'}
--@include lib/token.lua
if taken(KEYS[1], KEYS[2], ARGV[2]) then return {'collision'} end
new_token(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
return {'ok'}
