// The query engine's read scripts (src/store/lua/<name>.lua lists their KEYS
// and ARGV). They return records of kRecordFields replies each.
#pragma once

#include "scim/store/scripts.hpp"

namespace scim::store {

// id, seq, doc, version, created, lastModified, memberships
inline constexpr size_t kRecordFields = 7;

const Script &fetchCandidatesScript();
const Script &scanRecordsScript();
const Script &pageRecordsScript();

}  // namespace scim::store
