// The Lua behind the change events' `changed`: which attributes differ
// between two stored documents (docs/events.md). Shared by the user and
// group write scripts.
#pragma once

namespace scim::store {

// Defines same(a, b) and changed_attributes(old_doc, new_doc, known).
const char *docDiffLua();

}  // namespace scim::store
