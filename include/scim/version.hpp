// The module's release, as in debian/changelog; scim_build_info reports it.
#pragma once

namespace scim {

inline constexpr const char *kModuleVersion = "0.1.0";

}  // namespace scim
