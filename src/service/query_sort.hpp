// In-memory ordering of query matches by `sortBy` (RFC 7644 §3.4.2.3).
#pragma once

#include <string_view>
#include <vector>

#include "query_page.hpp"
#include "scim/error.hpp"
#include "scim/schema.hpp"

namespace scim {

// 400 invalidValue for a sortBy that names no attribute of `rt`.
std::optional<Error> checkSortBy(const ResourceType &rt, std::string_view sortBy);

// The key of a rendered resource. A multi-valued attribute sorts by its
// primary value, else its first (§3.4.2.3).
SortKey sortKeyOf(const Json &resource, const AttrPath &sortBy);

// Stable: equal keys keep creation order. Resources without a value sort
// last in either direction.
void sortMatches(std::vector<Match> &matches, bool descending);

}  // namespace scim
