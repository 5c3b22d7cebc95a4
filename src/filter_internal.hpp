// Helpers shared by the filter parser, evaluator and printer (and their
// tests). Not part of the public API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scim/filter.hpp"

namespace scim::filter::detail {

// The operator's keyword in lower case ("eq", "pr", …).
const char *opName(CompareOp op) noexcept;

// The operator named by `word`, ASCII case-insensitively.
std::optional<CompareOp> opFromName(std::string_view word) noexcept;

// An RFC 3339 date-time (`2011-05-13T04:42:34.123+02:00`, also `Z`, a
// lower-case `t`/`z`, or no offset, read as UTC) as microseconds since the
// Unix epoch; nullopt when `text` is not one. Digits of the fraction past
// the sixth are ignored.
std::optional<int64_t> parseDateTime(std::string_view text) noexcept;

// `text` as a JSON string literal, quotes included.
std::string quoteJson(std::string_view text);

// The shortest text that reads back as `value` (`1`, `2.5`, `1e+100`);
// `null` for NaN and infinities, which a parsed filter never holds.
std::string formatNumber(double value);

}  // namespace scim::filter::detail
