// Bounds how many lines a kind of log message may write per second, so that
// a client hammering the server with bad tokens cannot flood the error log.
// Lines over the budget are counted, and the next line that gets through
// says how many were left out.
#pragma once

#include <cstdint>

namespace scim {

class LogThrottle {
public:
    explicit LogThrottle(unsigned perSecond = 10) : perSecond_(perSecond) {}

    // Whether a line may be written at `nowMillis` (any monotonic clock).
    // When it may, `suppressed` is set to the number of lines dropped since
    // the last one written.
    bool allow(int64_t nowMillis, unsigned long &suppressed) {
        if (nowMillis - windowStart_ >= 1000 || nowMillis < windowStart_) {
            windowStart_ = nowMillis;
            used_ = 0;
        }
        if (used_ >= perSecond_) {
            dropped_++;
            return false;
        }
        used_++;
        suppressed = dropped_;
        dropped_ = 0;
        return true;
    }

private:
    unsigned perSecond_;
    int64_t windowStart_ = INT64_MIN / 2;
    unsigned used_ = 0;
    unsigned long dropped_ = 0;
};

}  // namespace scim
