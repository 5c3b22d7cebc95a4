#include "scim/token_cache.hpp"

#include <algorithm>
#include <chrono>

namespace scim {

TokenCache::TokenCache(Clock clock) : clock_(std::move(clock)) { configure(Limits{}); }

void TokenCache::configure(const Limits &limits) {
    limits_ = limits;
    // A miss is never remembered longer than a hit: a token created in
    // Redis must start working no later than a revoked one stops.
    limits_.negativeTtlMillis = std::min(limits_.negativeTtlMillis, limits_.ttlMillis);
    size_t capacity = limits_.ttlMillis > 0 ? limits_.capacity : 0;
    known_.setCapacity(capacity);
    unknown_.setCapacity(capacity);
    touched_.setCapacity(limits_.capacity);
}

std::optional<CachedToken> TokenCache::find(const std::string &sha256) {
    int64_t now = clock_();
    if (const CachedToken *t = known_.find(sha256, now)) return *t;
    if (const CachedToken *t = unknown_.find(sha256, now)) return *t;
    return std::nullopt;
}

void TokenCache::remember(const std::string &sha256, CachedToken token) {
    int64_t now = clock_();
    known_.erase(sha256);
    unknown_.erase(sha256);
    if (token.status == CachedToken::Status::Unknown) {
        if (limits_.negativeTtlMillis > 0) {
            unknown_.put(sha256, std::move(token), now + limits_.negativeTtlMillis);
        }
        return;
    }
    known_.put(sha256, std::move(token), now + limits_.ttlMillis);
}

bool TokenCache::shouldTouch(const std::string &sha256) {
    int64_t now = clock_();
    if (touched_.find(sha256, now)) return false;
    touched_.put(sha256, true, now + limits_.touchIntervalMillis);
    return true;
}

void TokenCache::clear() {
    known_.clear();
    unknown_.clear();
    touched_.clear();
}

int64_t TokenCache::steadyMillis() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace scim
