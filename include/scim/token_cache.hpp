// The per-worker cache of Redis token look-ups. It bounds how stale an
// answer may be (the TTL is the longest a revoked token keeps working on a
// worker), how much memory it takes (a fixed number of entries per pool,
// least recently used out first), and it also remembers misses for a
// shorter while, so that a flood of wrong tokens does not become a flood of
// Redis round trips. Keys are SHA-256 hex digests, never the secret.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

namespace scim {

// What the store said about a token, as authentication needs it.
struct CachedToken {
    enum class Status { Valid, Revoked, Unknown };
    Status status = Status::Unknown;
    std::string tenant;
    std::string name;
    int64_t expiresMillis = 0;  // wall clock, 0 = never (rotation grace)
};

// A small LRU map whose entries also expire.
template <class V>
class ExpiringLru {
public:
    explicit ExpiringLru(size_t capacity = 0) : capacity_(capacity) {}

    void setCapacity(size_t capacity) {
        capacity_ = capacity;
        while (order_.size() > capacity_) evictOldest();
    }

    // The live value for `key`, refreshed as most recently used.
    const V *find(const std::string &key, int64_t now) {
        auto it = index_.find(key);
        if (it == index_.end()) return nullptr;
        if (it->second->expiresAt <= now) {
            order_.erase(it->second);
            index_.erase(it);
            return nullptr;
        }
        order_.splice(order_.begin(), order_, it->second);
        return &it->second->value;
    }

    void put(const std::string &key, V value, int64_t expiresAt) {
        if (capacity_ == 0) return;
        erase(key);
        while (order_.size() >= capacity_) evictOldest();
        order_.push_front(Entry{key, std::move(value), expiresAt});
        index_.emplace(key, order_.begin());
    }

    void erase(const std::string &key) {
        if (auto it = index_.find(key); it != index_.end()) {
            order_.erase(it->second);
            index_.erase(it);
        }
    }

    void clear() {
        order_.clear();
        index_.clear();
    }
    size_t size() const { return order_.size(); }

private:
    struct Entry {
        std::string key;
        V value;
        int64_t expiresAt;
    };
    void evictOldest() {
        index_.erase(order_.back().key);
        order_.pop_back();
    }

    size_t capacity_;
    std::list<Entry> order_;  // most recently used first
    std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
};

class TokenCache {
public:
    using Clock = std::function<int64_t()>;  // monotonic milliseconds

    struct Limits {
        int64_t ttlMillis = 5000;          // answers for known tokens; 0 disables the cache
        int64_t negativeTtlMillis = 1000;  // answers for unknown tokens
        size_t capacity = 10000;           // entries per pool (known, unknown, touched)
        int64_t touchIntervalMillis = 60000;
    };

    explicit TokenCache(Clock clock = steadyMillis);

    void configure(const Limits &limits);
    const Limits &limits() const { return limits_; }

    // A cached answer for the token with this SHA-256, or nullopt on a miss.
    std::optional<CachedToken> find(const std::string &sha256);
    void remember(const std::string &sha256, CachedToken token);

    // True at most once per touchIntervalMillis for a token: the caller then
    // records its last use in the store.
    bool shouldTouch(const std::string &sha256);

    size_t size() const { return known_.size() + unknown_.size(); }
    void clear();

    static int64_t steadyMillis();

private:
    Clock clock_;
    Limits limits_;
    ExpiringLru<CachedToken> known_;    // valid and revoked tokens
    ExpiringLru<CachedToken> unknown_;  // kept apart: misses cannot evict known tokens
    ExpiringLru<bool> touched_;
};

}  // namespace scim
