#include "scim/roles.hpp"

#include <set>

#include "scim/ids.hpp"
#include "scim/strings.hpp"

namespace scim {

namespace {

bool roleChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == ':' || c == '-';
}

}  // namespace

const SyntheticGroup *RoleConfig::syntheticById(std::string_view tenant,
                                                std::string_view id) const {
    for (const SyntheticGroup &g : synthetic) {
        if (syntheticGroupId(tenant, g.displayName) == id) return &g;
    }
    return nullptr;
}

const SyntheticGroup *RoleConfig::syntheticByName(std::string_view displayName) const {
    for (const SyntheticGroup &g : synthetic) {
        if (iequals(g.displayName, displayName)) return &g;
    }
    return nullptr;
}

std::optional<std::string> roleNameError(std::string_view role) {
    if (role.empty()) return std::string("role is empty");
    if (role.size() > kMaxRoleLength) {
        return "role is longer than " + std::to_string(kMaxRoleLength) + " bytes";
    }
    for (char c : role) {
        if (!roleChar(c)) {
            return std::string("role may only contain letters, digits, '.', '_', ':' and '-'");
        }
    }
    return std::nullopt;
}

std::optional<long long> parseRolePriority(std::string_view text) {
    if (text.empty() || text.size() > 7) return std::nullopt;
    long long n = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    if (n > kMaxRolePriority) return std::nullopt;
    return n;
}

std::optional<std::string> roleGroupNameError(std::string_view displayName) {
    if (displayName.empty()) return std::string("group name is empty");
    if (displayName.size() > kMaxRoleGroupNameLength) {
        return "group name is longer than " + std::to_string(kMaxRoleGroupNameLength) + " bytes";
    }
    for (unsigned char c : displayName) {
        if (c < 0x20 || c == 0x7f) return std::string("group name holds a control character");
    }
    return std::nullopt;
}

std::optional<std::string> roleConfigError(const RoleConfig &config) {
    std::set<std::string> seen;
    auto once = [&](const std::string &name) -> std::optional<std::string> {
        if (seen.insert(lower(name)).second) return std::nullopt;
        return "group \"" + name + "\" is mapped more than once";
    };
    for (const SyntheticGroup &g : config.synthetic) {
        if (auto err = once(g.displayName)) return err;
    }
    for (const RoleGroup &g : config.groups) {
        if (auto err = once(g.displayName)) return err;
    }
    return std::nullopt;
}

std::string syntheticGroupId(std::string_view tenant, std::string_view displayName) {
    return nameBasedId(std::string(tenant) + "/" + lower(displayName));
}

}  // namespace scim
