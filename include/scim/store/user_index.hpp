// Which index entries a user document has. The write scripts store this
// list with the user (field `idx`) so that a later write or delete can
// remove exactly the entries it added, without parsing the document in Lua.
#pragma once

#include <string>
#include <string_view>

#include "scim/json.hpp"

namespace scim::store {

// Positions of the lexicographic index keys in the write scripts' KEYS.
enum class LexIndex { UserName = 0, ExternalId = 1, Email = 2 };

// A lexicographic index member: "<value>\0<id>".
std::string lexMember(std::string_view value, std::string_view id);

// JSON array of [index, member] pairs for `doc`: the lowercased userName,
// the externalId as is (it is case-exact), each lowercased email value.
std::string userIndexEntries(const Json &doc, std::string_view id);

}  // namespace scim::store
