// Scalar coercion for input normalisation: one untrusted JSON value checked
// against a simple attribute type, and converted where a provider's habit
// is harmless ("True" for true). Shared by normalizeValue and
// normalizeResource.
#pragma once

#include <string_view>

#include "scim/error.hpp"
#include "scim/json.hpp"
#include "scim/schema.hpp"

namespace scim {

// 400 invalidValue with the detail "attribute '<path>' <problem>".
Error invalidAttribute(std::string_view path, std::string_view problem);

// The values that mean "no value" on input: null, "", [] and {}.
bool isUnset(const Json &v) noexcept;

// RFC 3339 §5.6 date-time: 2026-11-22T13:44:18Z, with optional fraction of
// a second and a numeric offset instead of Z. Calendar ranges are checked.
bool isRfc3339DateTime(std::string_view text) noexcept;

// The value of a simple (non-complex) attribute, or Null when `in` is
// unset. Numeric strings are not numbers: only booleans get the string form.
Expected<Json> coerceScalar(const Attribute &a, const Json &in, JsonAlloc &alloc,
                            std::string_view path);

}  // namespace scim
