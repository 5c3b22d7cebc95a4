// A worker's memory of the users and groups it recently read or wrote: the
// stored document and its version, so that a PATCH that follows a GET (what
// Okta and Entra do) can skip its read and send the write at once.
//
// Safe by construction, not by freshness: an entry is only ever the basis
// of a conditional write (the write script checks the version or document
// it was derived from and, when they moved on, answers the current ones).
// Nothing is ever answered from it: a GET always reads the store. Bounded in
// entries and in bytes, least recently used out first. Plain C++: the edge
// owns one per worker and hands it to the service with each request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace scim {

struct CachedDocument {
    std::string doc;  // canonical JSON, as stored
    uint64_t version = 0;
    std::string created, lastModified;
};

struct DocumentCacheLimits {
    size_t maxEntries = 1000;
    size_t maxBytes = 1 << 20;  // documents, keys and bookkeeping together
};

class DocumentCache {
public:
    using Limits = DocumentCacheLimits;
    enum class Kind : char { User = 'U', Group = 'G' };
    // `scope` tells stores apart (the location's configuration: another
    // location may use another Redis or key prefix); tenants never share.
    struct Key {
        const void *scope;
        std::string_view tenant;
        Kind kind;
        std::string_view id;
    };

    explicit DocumentCache(Limits limits = {}) : limits_(limits) {}
    DocumentCache(const DocumentCache &) = delete;
    DocumentCache &operator=(const DocumentCache &) = delete;

    // A copy of the entry, refreshed as most recently used.
    std::optional<CachedDocument> find(const Key &key);
    // Replaces any entry of `key`; an entry larger than the byte bound is
    // not kept (and the old one goes).
    void remember(const Key &key, CachedDocument doc);
    void forget(const Key &key);
    void clear();

    size_t entries() const { return order_.size(); }
    size_t bytes() const { return bytes_; }
    const Limits &limits() const { return limits_; }

    // What one entry is charged besides its strings (list node, map slot).
    static constexpr size_t kEntryOverhead = 128;

private:
    struct Entry {
        std::string key;
        CachedDocument doc;
        size_t bytes;
    };
    static std::string flatKey(const Key &key);
    void erase(std::list<Entry>::iterator it);

    Limits limits_;
    size_t bytes_ = 0;
    std::list<Entry> order_;  // most recently used first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // into Entry::key
};

}  // namespace scim
