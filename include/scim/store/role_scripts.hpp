// Effective roles in the store (docs/roles.md): the Lua every membership
// write shares, and the role context those scripts take as their last
// argument.
#pragma once

#include <string>

#include "scim/roles.hpp"
#include "scim/store/keys.hpp"

namespace scim::store {

// The Lua helpers of src/store/lua/lib/roles.lua, included by the scripts
// that change memberships:
//   role_context()          decodes the last ARGV (roleContext below)
//   update_roles(R, ids)    recomputes the role of each user among `ids`
//   renamed_roles(R, a, b)  whether renaming a group from lowercased `a`
//                           to `b` can change its members' roles
//   default_role(R, id)     gives a new user the default role, if any
//   drop_role(R, id)        takes a leaving user's role away
// Each change of a user's role is stored in `roles` and appended to the
// stream as user.role_changed.

// What the role events carry besides the change.
struct RoleEventFields {
    long long eventsMaxLen = 100000;
    std::string time;   // RFC 3339
    std::string token;  // name of the token making the write
};

// The role context: a JSON object with the tenant's role keys and
// prefixes, the event fields, and the nginx.conf mapping and default.
std::string roleContext(const KeySpace &keys, const RoleConfig &roles,
                        const RoleEventFields &event);

}  // namespace scim::store
