// Tenant names. A tenant's name becomes the Redis Cluster hash tag of all
// its keys ("<prefix>{<tenant>}:…"), so it must not hold braces, and it is
// kept to a charset that needs no quoting in logs, URLs or redis-cli.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace scim {

inline constexpr size_t kMaxTenantLength = 64;

// Why `name` is not a valid tenant, or nullopt when it is: 1 to 64 bytes of
// [A-Za-z0-9._-].
std::optional<std::string> tenantNameError(std::string_view name);

inline bool validTenant(std::string_view name) { return !tenantNameError(name); }

}  // namespace scim
