// Between nginx's ngx_str_t and C++ strings: the one place that casts
// between u_char and char.
#pragma once

extern "C" {
#include <ngx_config.h>
#include <ngx_core.h>
}

#include <string>
#include <string_view>

// Borrows the bytes; valid as long as `s` is.
inline std::string_view ngx_http_scim_view(const ngx_str_t &s) noexcept {
    return {reinterpret_cast<const char *>(s.data), s.len};
}

// The bytes from `start` up to `end`.
inline std::string_view ngx_http_scim_view(const u_char *start, const u_char *end) noexcept {
    return {reinterpret_cast<const char *>(start), static_cast<size_t>(end - start)};
}

inline std::string ngx_http_scim_string(const ngx_str_t &s) {
    return std::string(ngx_http_scim_view(s));
}

// A copy of `s` in `pool`, NUL-terminated for nginx code that expects it;
// false when the pool is out of memory.
inline bool ngx_http_scim_pool_str(ngx_pool_t *pool, std::string_view s, ngx_str_t &out) noexcept {
    auto *data = static_cast<u_char *>(ngx_pnalloc(pool, s.size() + 1));
    if (data == nullptr) return false;
    ngx_memcpy(data, s.data(), s.size());
    data[s.size()] = '\0';
    out.data = data;
    out.len = s.size();
    return true;
}
