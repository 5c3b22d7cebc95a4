// Reads simple shapes out of a value-path filter's AST:
//  - the `eq` terms of a conjunction, which describe the element to create
//    when an add/replace filter matches nothing (Entra ID's
//    `emails[type eq "work"].value` on a user without a work email);
//  - the ids of `value eq "a" or value eq "b"`, the only member filter a
//    group PATCH can apply without loading the member list.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scim/filter.hpp"
#include "scim/json.hpp"
#include "scim/schema.hpp"

namespace scim::patch {

// Sets `out` to {"type":"work","primary":true} for `type eq "work" and
// primary eq true`; false when the filter is anything else (or, not, ne,
// unknown names). Keys use the schema's spelling; values are not yet
// normalised.
bool eqTerms(const filter::Node &node, const Attribute &parent, Json &out, JsonAlloc &alloc);

// The ids of `value eq "a" [or value eq "b" …]`; nullopt for any other filter.
std::optional<std::vector<std::string>> valueEqIds(const filter::Node &node,
                                                   const Attribute &parent);

}  // namespace scim::patch
