// Lua shared by the user and group write scripts.
#pragma once

namespace scim::store {

// unindex(key) and index(key, entries): a resource's index entries are
// [index, member] pairs kept in its `idx` field, so that a later write
// removes exactly what this one added. Index n is the sorted set
// KEYS[LEX + n]; the script defines LEX (its KEYS layout) before this.
// [hash key, value, path] entries are unique extension attributes, which
// unique_taken(entries, id) checks before a write.
const char *indexLua();

}  // namespace scim::store
