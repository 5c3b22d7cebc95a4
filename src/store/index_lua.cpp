#include "index_lua.hpp"

namespace scim::store {

namespace {

const char *const kIndexLua = R"lua(
local function unindex(key)
  local old = redis.call('HGET', key, 'idx')
  if not old then return end
  for _, e in ipairs(cjson.decode(old)) do redis.call('ZREM', KEYS[LEX + e[1]], e[2]) end
end
local function index(key, entries)
  for _, e in ipairs(cjson.decode(entries)) do redis.call('ZADD', KEYS[LEX + e[1]], 0, e[2]) end
  redis.call('HSET', key, 'idx', entries)
end
)lua";

}  // namespace

const char *indexLua() { return kIndexLua; }

}  // namespace scim::store
