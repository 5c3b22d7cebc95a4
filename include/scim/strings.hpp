// ASCII case folding and comparisons. SCIM attribute names, operators and
// the userName uniqueness rule are all case-insensitive.
#pragma once

#include <string>
#include <string_view>

namespace scim {

inline char foldAscii(char c) noexcept { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }
bool iequals(std::string_view a, std::string_view b) noexcept;
bool istartsWith(std::string_view s, std::string_view prefix) noexcept;
std::string lower(std::string_view s);

}  // namespace scim
