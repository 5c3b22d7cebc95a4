// Counting the members a group write names on the raw request body, before
// any JSON parse, so that scim_max_members_per_request refuses a 950 KB
// list of ids with one linear pass over the bytes and no DOM.
#pragma once

#include <cstddef>
#include <string_view>

namespace scim {

// The members a group body names, counted on its text as they would be on
// the parsed JSON: the elements of the top-level "members" (a single value
// counts one), and for each element of "Operations" the elements of its
// "value" when its "path" is a string starting with "members", or of
// "value"."members" when it has no string "path". Keys are compared ASCII
// case-insensitively, after JSON escapes. One pass over the bytes, with
// no allocation beyond a five-frame stack. Text that is not JSON gives
// some count; the parser refuses it later.
size_t countNamedMembers(std::string_view body);

}  // namespace scim
