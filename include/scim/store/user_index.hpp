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
// (index_lua.cpp), so every write script maintains them.
struct UniqueIndex {
    std::string key;        // KeySpace::userUnique / groupUnique
    std::string urn;        // the extension object's key in the document
    std::string attribute;  // schema spelling
    bool caseExact = false; // otherwise values are compared lowercased
};

// Appends a [key, value, "<urn>:<attribute>"] entry to the JSON array
// `entries` for each unique attribute `doc` has a string value for.
void addUniqueEntries(Json &entries, const Json &doc, const std::vector<UniqueIndex> &unique,
                      JsonAlloc &a);

// A lexicographic index member: "<value>\0<id>".
std::string lexMember(std::string_view value, std::string_view id);

// JSON array of [index, member] pairs for `doc`: the lowercased userName,
// the externalId as is (it is case-exact), each lowercased email value,
// then the unique extension attributes' entries.
std::string userIndexEntries(const Json &doc, std::string_view id,
                             const std::vector<UniqueIndex> &unique = {});

}  // namespace scim::store
