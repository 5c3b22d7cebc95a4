// The Lua scripts behind /Groups and the user→groups reverse index. Write
// scripts take the KEYS of store::groupWriteKeys; their KEYS and ARGV are listed in
// src/store/lua/<name>.lua. Members live in a hash per group, so adding
// or removing one member is O(1) whatever the group's size.
#pragma once

#include <cstddef>
#include <vector>

#include "scim/store/scripts.hpp"

namespace scim::store {

// Replies of the write scripts: {'ok', <group record>} or one of
//   {'notfound'}, {'precondition', version}, {'uniqueness', other id},
//   {'nomember', id}, {'cycle', id}, {'toodeep', id}.
// A group record is: doc, version, created, lastModified, member total,
// n, then n pairs (member id, member JSON {"type":…,"display":…}). A
// member cap below 0 leaves the member hash untouched: total -1, n 0.
inline constexpr size_t kGroupRecordHead = 6;

const Script &createGroupScript();
const Script &updateGroupScript();  // PUT and PATCH
const Script &deleteGroupScript();
// Creates a tenant's missing synthetic groups (docs/roles.md).
const Script &ensureSyntheticGroupsScript();
const Script &readGroupScript();         // one group record, or {} when missing
const Script &readGroupMembersScript();  // member total, n, pairs for each id given
const Script &readUserWithGroupsScript();

// Every group script, for SCRIPT LOAD at connect (allScripts() lists them).
const std::vector<const Script *> &groupScripts();

// Create, update and delete take the role context (store::roleContext) as
// their last ARGV and recompute the roles of the users whose memberships
// they changed.

}  // namespace scim::store
