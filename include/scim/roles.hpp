// Application roles from group membership (docs/roles.md): which groups map
// to which role at which priority, the role of a user in no mapped group,
// and the synthetic groups every tenant has. The store scripts compute the
// effective roles; this is their configuration.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scim {

inline constexpr size_t kMaxRoleLength = 64;
inline constexpr size_t kMaxRoleGroupNameLength = 256;
inline constexpr long long kMaxRolePriority = 1000000;

struct RoleRule {
    std::string role;
    long long priority = 0;  // the highest-priority group of a user wins
};

// scim_role_group "<displayName>" <role> <priority>
struct RoleGroup {
    std::string displayName;
    RoleRule rule;
};

// scim_synthetic_group "<displayName>" [<role> <priority>]: a group that
// exists in every tenant and that SCIM cannot create, rename or delete.
struct SyntheticGroup {
    std::string displayName;
    std::optional<RoleRule> rule;
};

struct RoleConfig {
    std::vector<RoleGroup> groups;
    std::vector<SyntheticGroup> synthetic;
    std::string defaultRole;  // empty: a user in no mapped group has no role
    bool dropOnDeactivate = false;  // an inactive user has no role

    // The synthetic group of `tenant` whose id is `id`, or nullptr.
    const SyntheticGroup *syntheticById(std::string_view tenant, std::string_view id) const;
    // The synthetic group named `displayName` (case-insensitively), or nullptr.
    const SyntheticGroup *syntheticByName(std::string_view displayName) const;
};

// Why a value is not acceptable, or nullopt. A role is 1 to 64 bytes of
// [A-Za-z0-9._:-] (no spaces: the Redis map stores "<role> <priority>");
// a priority is an integer from 0 to kMaxRolePriority; a group name is 1 to
// 256 bytes without control characters.
std::optional<std::string> roleNameError(std::string_view role);
std::optional<long long> parseRolePriority(std::string_view text);
std::optional<std::string> roleGroupNameError(std::string_view displayName);

// A group named twice (case-insensitively), by scim_role_group or
// scim_synthetic_group, or nullopt.
std::optional<std::string> roleConfigError(const RoleConfig &config);

// The id of a synthetic group in a tenant: the UUIDv5 of
// "<tenant>/<lowercased displayName>" (docs/roles.md names the namespace),
// so every worker and the app derive the same id without asking Redis.
std::string syntheticGroupId(std::string_view tenant, std::string_view displayName);

}  // namespace scim
