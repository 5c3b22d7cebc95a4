// The Lua scripts behind /Groups and the user→groups reverse index. Write
// scripts take the KEYS of store::groupWriteKeys; their KEYS and ARGV are listed in
// src/store/lua/<name>.lua. Members live in a hash per group, so adding
// or removing one member is O(1) whatever the group's size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scim/store/command.hpp"
#include "scim/store/keys.hpp"
#include "scim/store/scripts.hpp"
#include "scim/store/write_outcome.hpp"

struct redisReply;

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

// Every group script, for SCRIPT LOAD at connect (allScripts() lists them).
const std::vector<const Script *> &groupScripts();

// Create, update and delete take the role context (store::roleContext) as
// their last ARGV and recompute the roles of the users whose memberships
// they changed.

// Typed calls of the group scripts (src/store/lua/create_group.lua,
// update_group.lua, delete_group.lua, ensure_synthetic_groups.lua,
// read_group.lua, read_group_members.lua): each argument is a named field
// here, placed in KEYS and ARGV only by the builders, and each reply is
// read into named fields only by the readers.

// What create and update store of a group.
struct GroupFields {
    std::string id;
    std::string doc;                  // canonical JSON without members; update: "" keeps it
    std::string displayName;          // as sent; the builder adds the lowercased form
    std::string indexEntries = "[]";  // store::groupIndexEntries
};

// A member a write adds; the script looks up its type.
struct MemberAdd {
    std::string id;
    std::string display;

    bool operator==(const MemberAdd &o) const { return id == o.id && display == o.display; }
};

struct CreateGroupArgs {
    GroupFields group;
    std::vector<MemberAdd> members;
    bool uniqueDisplayName = false;  // scim_group_displayname_unique
    long long memberCap = -1;        // members in the reply; below 0 none
    WriteStamp stamp;
    std::string roleContext;  // store::roleContext
};

struct UpdateGroupArgs {
    GroupFields group;
    std::string expectedVersion;  // "" writes unconditionally
    std::string expectedDoc;      // the document a PATCH read, or "" (docs in update_group.lua)
    bool replaceMembers = false;  // drop every member before adding
    std::vector<MemberAdd> add;
    std::vector<std::string> remove;
    bool uniqueDisplayName = false;
    long long memberCap = -1;
    WriteStamp stamp;
    std::string roleContext;
};

struct DeleteGroupArgs {
    std::string id;
    std::string expectedVersion;
    WriteStamp stamp;
    std::string roleContext;
};

// A synthetic group as ensure_synthetic_groups creates it when missing.
struct SyntheticGroupFields {
    std::string id;
    std::string displayName;
    std::string indexEntries;
    std::string doc;
};

struct EnsureSyntheticGroupsArgs {
    std::vector<SyntheticGroupFields> groups;  // never empty: the first names the KEYS
    WriteStamp stamp;                          // the token is not recorded
};

Command createGroup(const KeySpace &keys, const CreateGroupArgs &args);
Command updateGroup(const KeySpace &keys, const UpdateGroupArgs &args);
Command deleteGroup(const KeySpace &keys, const DeleteGroupArgs &args);
Command ensureSyntheticGroups(const KeySpace &keys, const EnsureSyntheticGroupsArgs &args);
// A group without its members (HMGET of the group hash): any group size
// costs the same.
Command readGroupHead(const KeySpace &keys, std::string_view id);
// A group and at most `memberCap` of its members.
Command readGroup(const KeySpace &keys, std::string_view id, long long memberCap);
// The members (at most `memberCap` each) of each group, in order.
Command readGroupMembers(const KeySpace &keys, long long memberCap,
                         const std::vector<std::string> &ids);

// The arguments a command above carries (tests, logs).
CreateGroupArgs createGroupArgsOf(const Command &command);
UpdateGroupArgs updateGroupArgsOf(const Command &command);
DeleteGroupArgs deleteGroupArgsOf(const Command &command);
EnsureSyntheticGroupsArgs ensureSyntheticGroupsArgsOf(const Command &command);
struct ReadGroupMembersArgs {
    long long memberCap = -1;
    std::vector<std::string> ids;
};
ReadGroupMembersArgs readGroupMembersArgsOf(const Command &command);

// A stored member: its JSON {"type","display"} read into fields.
struct GroupMember {
    std::string id;
    std::string type = "User";  // "User" or "Group"
    std::string display;
};

// A group's member list as a script read it.
struct GroupMembers {
    long long total = -1;  // every member; below 0: the members were not read
    std::vector<GroupMember> members;  // at most the cap, unordered
};

struct GroupRecord {
    std::string doc;
    uint64_t version = 0;
    std::string created, lastModified;
    GroupMembers members;  // total -1 after readGroupHead
};

// readGroupHead and readGroup: the record, none, or Redis's error.
ReadOutcome<GroupRecord> readGroupHeadReply(const redisReply &reply);
ReadOutcome<GroupRecord> readGroupReply(const redisReply &reply);
// readGroupMembers: one list per id asked; error "malformed member list"
// when the reply has another shape.
ReadOutcome<std::vector<GroupMembers>> readGroupMembersReply(const redisReply &reply);

// create_group and update_group: on Ok, the group as now stored. An "ok"
// without a well-formed record is Failed. On Precondition, the group's head
// as now stored (members total -1) when the reply carries it, so that a
// PATCH can apply itself again without a read.
struct GroupWriteResult {
    WriteOutcome outcome;
    GroupRecord group;
    std::optional<GroupRecord> current;
};
GroupWriteResult readGroupWriteReply(const redisReply &reply);
// delete_group and ensure_synthetic_groups: Ok or Failed (Redis's error).
WriteOutcome readGroupDeleteReply(const redisReply &reply);
WriteOutcome readEnsureSyntheticGroupsReply(const redisReply &reply);

}  // namespace scim::store
