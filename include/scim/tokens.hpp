// Static bearer tokens from nginx.conf or a token file. Only SHA-256 hashes
// are configured; a presented token is hashed and compared in constant time
// against every entry, so timing tells nothing about which one matched.
// TokenDigestCache spares a worker hashing the token it was just sent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scim/error.hpp"
#include "scim/ids.hpp"

namespace scim {

struct TokenEntry {
    std::string sha256;  // 64 lowercase hex digits
    std::string digest;  // the same 32 bytes, compared with the presented token's
    std::string name;    // for logs and change events, never the secret
    std::string tenant;  // empty: bound to no tenant
};

class TokenSet {
public:
    // Validates and adds an entry; the error text is for `nginx -t`. An
    // empty tenant is allowed and binds the token to no tenant.
    std::optional<std::string> add(std::string_view sha256Hex, std::string_view name,
                                   std::string_view tenant);

    // Parses a token file: one "<sha256 hex> [name] [tenant]" per line,
    // '#' comments and blank lines allowed. Returns an error naming the line.
    std::optional<std::string> loadFile(const std::string &path, std::string_view defaultTenant);

    // The entry whose hash equals `digest` (of the presented token), if any.
    const TokenEntry *find(const Sha256Digest &digest) const;

    bool empty() const { return entries_.empty(); }
    size_t size() const { return entries_.size(); }

private:
    std::vector<TokenEntry> entries_;
};

// The SHA-256 of the bearer tokens a worker saw last. IdPs send one token
// per tenant on every request, so a repeat skips the hash (3-5k
// instructions). Only the digest is cached: whether the token is accepted
// is decided afresh each time. The raw tokens are kept (they are what is
// compared, exactly and in constant time), wiped when evicted or cleared.
// Tokens longer than kMaxTokenBytes are hashed every time. Not
// thread-safe: one per worker.
class TokenDigestCache {
public:
    static constexpr size_t kEntries = 16;
    static constexpr size_t kMaxTokenBytes = 256;

    TokenDigestCache() = default;
    TokenDigestCache(const TokenDigestCache &) = delete;
    TokenDigestCache &operator=(const TokenDigestCache &) = delete;
    ~TokenDigestCache() { clear(); }

    // SHA-256(token), remembered (evicting the least recently used entry).
    Sha256Digest digest(std::string_view token);
    // Whether `token` is held now (for tests).
    bool holds(std::string_view token) const;
    void clear() noexcept;

private:
    struct Entry {
        size_t length = 0;  // 0: free
        uint64_t lastUse = 0;
        char token[kMaxTokenBytes];
        Sha256Digest digest;
    };
    size_t lookup(std::string_view token) const;  // kEntries: not held
    static void wipe(Entry &e) noexcept;

    Entry entries_[kEntries];
    uint64_t uses_ = 0;
};

// The token of an "Authorization: Bearer <token>" header value (scheme
// case-insensitive), or nullopt.
std::optional<std::string_view> bearerToken(std::string_view authorization);

}  // namespace scim
