// Expected<void> for the PATCH engine's steps, and a helper for error details.
#pragma once

#include <string>
#include <string_view>

#include "scim/error.hpp"

namespace scim::patch {

struct Done {};
using Status = Expected<Done>;

// Client text quoted in an error detail, cut short: a client may send a
// megabyte of path.
inline std::string clipForDetail(std::string_view s) {
    constexpr size_t kMax = 200;
    if (s.size() <= kMax) return std::string(s);
    return std::string(s.substr(0, kMax)) + "…";
}

}  // namespace scim::patch
