// The edge's two clocks.
#pragma once

extern "C" {
#include <ngx_config.h>
#include <ngx_core.h>
}

#include <cstdint>
#include <ctime>

// Wall-clock milliseconds since the epoch, from nginx's cached time: what
// records and tokens are stamped with and checked against.
inline int64_t ngx_http_scim_now_millis() noexcept {
    ngx_time_t *tp = ngx_timeofday();
    return static_cast<int64_t>(tp->sec) * 1000 + static_cast<int64_t>(tp->msec);
}

// A monotonic clock in microseconds, for durations (nginx's cached msec is
// too coarse).
inline uint64_t ngx_http_scim_now_usec() noexcept {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}
