// Reading hiredis replies without trusting their shape.
#pragma once

#include <hiredis/hiredis.h>

#include <optional>
#include <string>
#include <string_view>

namespace scim::store {

inline bool isError(const redisReply &r) { return r.type == REDIS_REPLY_ERROR; }
inline bool isNil(const redisReply &r) { return r.type == REDIS_REPLY_NIL; }
inline bool isArray(const redisReply &r) { return r.type == REDIS_REPLY_ARRAY; }

// String, status and error replies as text; anything else is empty.
std::string_view text(const redisReply &r);

// Element i of an array reply, or nullptr.
const redisReply *element(const redisReply &r, size_t i);

// Text of element i (empty when missing or not a string).
std::string_view textAt(const redisReply &r, size_t i);

// Integer replies, and strings that hold integers.
std::optional<long long> integer(const redisReply &r);

// "NOSCRIPT No matching script…": the script cache was flushed.
bool isNoScript(const redisReply &r);

}  // namespace scim::store
