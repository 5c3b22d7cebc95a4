// Which index entries a user document has. The write scripts store this
// list with the user (field `idx`) so that a later write or delete can
// remove exactly the entries it added, without parsing the document in Lua.
#pragma once

#include <string>
#include <vector>
#include <string_view>

#include "scim/json.hpp"

namespace scim::store {

// Positions of the lexicographic index keys in the write scripts' KEYS.
enum class LexIndex { UserName = 0, ExternalId = 1, Email = 2 };

// An extension attribute unique per tenant (`uniqueness: server`): the
// hash that maps its values to ids, and where the value sits in a
// canonical document. Its entries ride along with the index entries
// (src/store/lua/lib/index.lua), so every write script maintains them.
//
// An operator-declared index (scim_index, `sorted`) travels the same way:
// its key is a lexicographic sorted set of "<value>\0<id>" members
// (KeySpace::userIndex / groupIndex), values need not be unique, and the
// attribute may be a core one (`urn` empty: at the top of the document).
struct UniqueIndex {
    std::string key;        // KeySpace::userUnique / groupUnique / userIndex / groupIndex
    std::string urn;        // the extension object's key in the document, or ""
    std::string attribute;  // schema spelling
    bool caseExact = false; // otherwise values are compared lowercased
    bool sorted = false;    // a declared index, not a uniqueness hash
};

// Appends an entry to the JSON array `entries` for each attribute of
// `unique` that `doc` (of resource `id`) has a string value for:
// [key, value, "<urn>:<attribute>"] for a uniqueness hash, [key, member]
// for a declared index.
void addUniqueEntries(JsonWriter &entries, const Json &doc, std::string_view id,
                      const std::vector<UniqueIndex> &unique);

// [index, "<value>\0<id>"] into an entries array, nothing for an empty value.
void writeLexEntry(JsonWriter &entries, int index, std::string_view value, std::string_view id);

// A lexicographic index member: "<value>\0<id>".
std::string lexMember(std::string_view value, std::string_view id);

// JSON array of [index, member] pairs for `doc`: the lowercased userName,
// the externalId as is (it is case-exact), each lowercased email value,
// then the unique extension attributes' entries.
std::string userIndexEntries(const Json &doc, std::string_view id,
                             const std::vector<UniqueIndex> &unique = {});

}  // namespace scim::store
