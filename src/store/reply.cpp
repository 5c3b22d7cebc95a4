#include "scim/store/reply.hpp"

#include <cstdlib>

namespace scim::store {

std::string_view text(const redisReply &r) {
    switch (r.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
        return {r.str, r.len};
    default:
        return {};
    }
}

const redisReply *element(const redisReply &r, size_t i) {
    if (r.type != REDIS_REPLY_ARRAY || i >= r.elements) return nullptr;
    return r.element[i];
}

std::string_view textAt(const redisReply &r, size_t i) {
    const redisReply *e = element(r, i);
    return e ? text(*e) : std::string_view{};
}

std::optional<long long> integer(const redisReply &r) {
    if (r.type == REDIS_REPLY_INTEGER) return r.integer;
    if (r.type != REDIS_REPLY_STRING || r.len == 0) return std::nullopt;
    std::string s(r.str, r.len);
    char *end = nullptr;
    long long n = std::strtoll(s.c_str(), &end, 10);
    if (*end != '\0') return std::nullopt;
    return n;
}

bool isNoScript(const redisReply &r) {
    return isError(r) && text(r).substr(0, 8) == "NOSCRIPT";
}

}  // namespace scim::store
