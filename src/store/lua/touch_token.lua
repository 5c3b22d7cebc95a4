-- touch_token: records a token's last use; never recreates a token that is
-- gone.
-- KEYS: 1 token:<sha>
-- ARGV: 1 now (ms)
-- Returns 0.
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'lastUsed', ARGV[1]) end
return 0
