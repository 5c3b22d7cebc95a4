// Helpers on canonical JSON values for the PATCH engine: member edits that
// keep the schema's spelling, schema-aware comparison, and the "one primary"
// rule of multi-valued attributes (RFC 7643 §2.4).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "scim/json.hpp"
#include "scim/schema.hpp"

namespace scim::patch {

// Replaces every member named `name` (case-insensitively) by one member
// spelled `name`, so a stray "Title" cannot survive next to "title".
void setMember(Json &object, std::string_view name, Json value, JsonAlloc &alloc);

// Erases every member named `name`, case-insensitively, keeping the order
// of the others. True when something was erased.
bool eraseMember(Json &object, std::string_view name);

// Equality under `a`'s rules: strings of a caseExact=false attribute compare
// case-insensitively, complex values sub-attribute by sub-attribute, an
// absent boolean equals false.
bool sameValue(const Attribute &a, const Json &x, const Json &y);

// True when `existing` already holds everything `candidate` says, so adding
// `candidate` to a multi-valued attribute would add nothing.
bool containedIn(const Attribute &a, const Json &candidate, const Json &existing);

// After an op wrote the elements at `touched`: the last of them that is
// primary stays so, every other element stops being primary ("primary"
// erased, which means false).
void keepOnePrimary(Json &array, const std::vector<size_t> &touched);

// Erases the elements at the ascending indices `doomed`.
void eraseElements(Json &array, const std::vector<size_t> &doomed);

}  // namespace scim::patch
