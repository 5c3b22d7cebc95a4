// Typed calls of the user scripts (src/store/lua/create_user.lua,
// replace_user.lua, delete_user.lua) and of a user's read: each argument
// is a named field here, placed in KEYS and ARGV only by the builders, and
// each reply is read into named fields only by the readers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scim/store/command.hpp"
#include "scim/store/keys.hpp"
#include "scim/store/write_outcome.hpp"

struct redisReply;

namespace scim::store {

// What create and replace store of a user.
struct UserFields {
    std::string id;
    std::string userName;      // as sent; the builder adds the lowercased form
    std::string doc;           // canonical JSON
    std::string passwordHash;  // "" when none is stored
    std::string active;        // '1', '0' or '' (unset)
    std::string indexEntries;  // store::userIndexEntries
    std::string claimedKey;    // the claimed set, "" when the claim guard is off
};

struct CreateUserArgs {
    UserFields user;
    WriteStamp stamp;
    std::string roleContext;  // store::roleContext, "" when there is no default role
};

struct ReplaceUserArgs {
    UserFields user;
    std::string expectedVersion;  // "" writes unconditionally
    std::string changed;  // attributes the service knows changed (e.g. password)
    // `changed` is the whole list: the service compared the document it read
    // at `expectedVersion` with the new one, so the script need not.
    bool changedIsComplete = false;
    WriteStamp stamp;
    std::string roleContext;
    bool withGroups = false;  // the "ok" reply lists the user's groups (a 200 shows them)
};

struct DeleteUserArgs {
    std::string id;
    std::string expectedVersion;
    bool soft = false;  // keep a tombstone (scim_user_delete soft)
    WriteStamp stamp;
    std::string roleContext;
};

Command createUser(const KeySpace &keys, CreateUserArgs args);
Command replaceUser(const KeySpace &keys, const ReplaceUserArgs &args);
Command deleteUser(const KeySpace &keys, const DeleteUserArgs &args);
// A user and the ids of the groups it is directly in: a batch of two plain
// reads (SMEMBERS, HMGET), which costs Redis a third of a script that does
// the same (bench/README.md, session 9). For a user in groups, their names
// follow with readGroupNames.
Command readUser(const KeySpace &keys, std::string_view id);

// The arguments a command above carries (tests, logs).
CreateUserArgs createUserArgsOf(const Command &command);
ReplaceUserArgs replaceUserArgsOf(const Command &command);
DeleteUserArgs deleteUserArgsOf(const Command &command);

struct UserRecord {
    std::string doc;
    uint64_t version = 0;
    std::string created, lastModified;
    std::vector<std::pair<std::string, std::string>> groups;  // (id, displayName), unordered
};
// readUser's replies: the record, its groups with their ids only.
ReadOutcome<UserRecord> readUserReplies(const std::vector<const redisReply *> &replies);

// The names of `groups` (id, name): a batch of one HGET per group.
Command readGroupNames(const KeySpace &keys,
                       const std::vector<std::pair<std::string, std::string>> &groups);
// Its replies, in the order of `groups`: fills in the names and drops a
// group that went away in between. Returns Redis's error text, if any.
std::optional<std::string> readGroupNamesReplies(
    const std::vector<const redisReply *> &replies,
    std::vector<std::pair<std::string, std::string>> &groups);

// create_user and replace_user: on Ok, the version and times now stored
// (and the user's groups when the replace asked for them); on
// Precondition, the user as now stored (without groups) when the reply
// carries it, so that a PATCH can apply itself again without a read.
struct UserWriteResult {
    WriteOutcome outcome;
    uint64_t version = 0;
    std::string created, lastModified;
    std::vector<std::pair<std::string, std::string>> groups;  // (id, displayName), unordered
    std::optional<UserRecord> current;
};
UserWriteResult readUserWriteReply(const redisReply &reply);

}  // namespace scim::store
