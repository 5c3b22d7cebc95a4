// The Redis key layout (docs/redis-layout.md is the public contract).
// Every key of a tenant carries the hash tag {tenant}, so that all keys one
// script touches live in one Redis Cluster slot.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace scim::store {

// Bumped on any incompatible change of the layout below.
inline constexpr int kLayoutVersion = 1;

class KeySpace {
public:
    KeySpace(std::string_view prefix, std::string_view tenant);

    std::string user(std::string_view id) const { return base_ + "user:" + std::string(id); }
    std::string userKeyPrefix() const { return base_ + "user:"; }
    std::string usersByName() const { return base_ + "users:by-name"; }
    std::string users() const { return base_ + "users"; }
    std::string seq() const { return base_ + "seq"; }
    std::string events() const { return base_ + "events"; }

    // Secondary indexes of users, all sorted sets. The lexicographic ones
    // hold "<value>\0<id>" members with score 0 (equality and prefix
    // look-ups with ZRANGEBYLEX); the time ones hold ids scored by
    // milliseconds since the epoch.
    std::string userNameIndex() const { return base_ + "users:idx:userName"; }
    std::string externalIdIndex() const { return base_ + "users:idx:externalId"; }
    std::string emailIndex() const { return base_ + "users:idx:email"; }
    std::string createdIndex() const { return base_ + "users:idx:created"; }
    std::string modifiedIndex() const { return base_ + "users:idx:lastModified"; }
    // Extension attributes with `uniqueness: server`: a hash per attribute,
    // value (lowercased unless caseExact) → id. `path` is "<urn>:<name>".
    std::string userUnique(std::string_view path) const {
        return base_ + "users:unique:" + std::string(path);
    }
    std::string groupUnique(std::string_view path) const {
        return base_ + "groups:unique:" + std::string(path);
    }
    // Operator-declared indexes (scim_index): a lexicographic sorted set per
    // attribute, like userName's. `path` is "title" or "<urn>:<name>".
    std::string userIndex(std::string_view path) const {
        return base_ + "users:index:" + std::string(path);
    }
    std::string groupIndex(std::string_view path) const {
        return base_ + "groups:index:" + std::string(path);
    }

    // Soft-deleted users: the record the app keeps, out of SCIM's sight,
    // and their ids scored by the time of deletion in milliseconds.
    std::string deletedUser(std::string_view id) const {
        return base_ + "deleted-user:" + std::string(id);
    }
    std::string deletedUsers() const { return base_ + "users:deleted"; }
    // Written by the app: lowercased userNames and emails of accounts the
    // tenant does not manage (scim_claim_guard).
    std::string claimed() const { return base_ + "claimed"; }

    // Groups. Members live apart from the group document, in a hash per
    // group; memberOf(id) is the reverse index (the groups that list a user
    // or a nested group). Write scripts name other members' keys from the
    // prefixes: they share the {tenant} hash tag, hence the slot.
    std::string group(std::string_view id) const { return base_ + "group:" + std::string(id); }
    std::string groupKeyPrefix() const { return base_ + "group:"; }
    std::string groupMembers(std::string_view id) const { return group(id) + ":members"; }
    std::string groupsByName() const { return base_ + "groups:by-name"; }
    std::string groups() const { return base_ + "groups"; }
    std::string memberOf(std::string_view id) const { return base_ + "memberof:" + std::string(id); }
    std::string memberOfPrefix() const { return base_ + "memberof:"; }
    std::string groupDisplayNameIndex() const { return base_ + "groups:idx:displayName"; }
    std::string groupExternalIdIndex() const { return base_ + "groups:idx:externalId"; }
    std::string groupCreatedIndex() const { return base_ + "groups:idx:created"; }
    std::string groupModifiedIndex() const { return base_ + "groups:idx:lastModified"; }

    // Roles (docs/roles.md): user id → effective role, kept by the module;
    // lowercased group displayName → "<role> <priority>", kept by the app.
    std::string roles() const { return base_ + "roles"; }
    std::string roleMap() const { return base_ + "roles:map"; }

    // "<prefix>{<tenant>}:", which every key of the tenant starts with.
    const std::string &base() const { return base_; }

    // Global (not per tenant): the layout version marker.
    std::string layout() const { return prefix_ + "layout"; }

private:
    std::string prefix_;
    std::string base_;  // "<prefix>{<tenant>}:"
};

// The KEYS of every user write script, in the order the scripts expect.
std::vector<std::string> userWriteKeys(const KeySpace &keys, std::string_view id);
// delete_user's: the user write layout, then 11 memberof:<id>,
// 12 groups:idx:lastModified, 13 deleted-user:<id>, 14 users:deleted.
std::vector<std::string> userDeleteKeys(const KeySpace &keys, std::string_view id);

// The KEYS of every group write script (store/group_scripts.hpp).
std::vector<std::string> groupWriteKeys(const KeySpace &keys, std::string_view id);

}  // namespace scim::store
