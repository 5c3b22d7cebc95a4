// Which index entries a group document has, kept with the group (field
// `idx`) like a user's (see user_index.hpp), so that a later write or
// delete removes exactly the entries this one added.
#pragma once

#include <string>
#include <string_view>

#include "scim/json.hpp"
#include "scim/store/user_index.hpp"

namespace scim::store {

// Positions of the lexicographic index keys among the group write KEYS.
enum class GroupLexIndex { DisplayName = 0, ExternalId = 1 };

// JSON array of [index, member] pairs for `doc`: the lowercased
// displayName and the externalId as is (it is case-exact), each as
// "<value>\0<id>".
std::string groupIndexEntries(const Json &doc, std::string_view id,
                              const std::vector<UniqueIndex> &unique = {});

}  // namespace scim::store
