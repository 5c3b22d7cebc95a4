#include "scim/document_cache.hpp"

#include <cstring>

namespace scim {

// The scope's address, the tenant's length and name, the kind, the id: no
// two keys of different parts can spell the same bytes.
std::string DocumentCache::flatKey(const Key &key) {
    std::string out(sizeof key.scope, '\0');
    std::memcpy(out.data(), &key.scope, sizeof key.scope);
    out += std::to_string(key.tenant.size());
    out += ':';
    out += key.tenant;
    out += static_cast<char>(key.kind);
    out += key.id;
    return out;
}

std::optional<CachedDocument> DocumentCache::find(const Key &key) {
    auto it = index_.find(flatKey(key));
    if (it == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->doc;
}

void DocumentCache::remember(const Key &key, CachedDocument doc) {
    std::string flat = flatKey(key);
    forget(key);
    size_t bytes = flat.size() + doc.doc.size() + doc.created.size() + doc.lastModified.size() +
                   kEntryOverhead;
    if (bytes > limits_.maxBytes || limits_.maxEntries == 0) return;
    while (!order_.empty() &&
           (order_.size() >= limits_.maxEntries || bytes_ + bytes > limits_.maxBytes)) {
        erase(std::prev(order_.end()));
    }
    order_.push_front({std::move(flat), std::move(doc), bytes});
    index_.emplace(order_.front().key, order_.begin());
    bytes_ += bytes;
}

void DocumentCache::forget(const Key &key) {
    auto it = index_.find(flatKey(key));
    if (it != index_.end()) erase(it->second);
}

void DocumentCache::clear() {
    index_.clear();
    order_.clear();
    bytes_ = 0;
}

void DocumentCache::erase(std::list<Entry>::iterator it) {
    bytes_ -= it->bytes;
    index_.erase(it->key);
    order_.erase(it);
}

}  // namespace scim
