// PATCH paths (RFC 7644 §3.5.2, the PATH rule):
//   attrPath                    name, name.givenName, urn:…:User:manager.value
//   valuePath [ "." subAttr ]   emails[type eq "work"].value
// plus, as a convenience, a bare extension URN naming all of its attributes.
#pragma once

#include <string>
#include <string_view>

#include "scim/error.hpp"
#include "scim/filter.hpp"
#include "scim/schema.hpp"

namespace scim::patch {

struct PatchPath {
    const Schema *schema = nullptr;      // owner of `attr` (the core schema for id/meta/externalId)
    const Attribute *attr = nullptr;     // nullptr: the path is an extension URN alone
    bool extension = false;              // `attr` lives under doc[schema->id]
    filter::NodePtr filter;              // value selection, when the path has [ … ]
    const Attribute *subAttr = nullptr;  // sub-attribute after the name or the filter
    std::string text;                    // as written, for error details
};

// Unknown or malformed paths are 400 invalidPath; a malformed filter inside
// brackets is 400 invalidFilter.
Expected<PatchPath> parsePath(const ResourceType &rt, std::string_view text);

// Whether `text` is a URN path under a schema `rt` does not have (Entra
// sends attributes of extensions the operator never declared): such
// operations are ignored, as unknown extensions are in POST and PUT.
bool underUnknownSchema(const ResourceType &rt, std::string_view text) noexcept;

// The readOnly part of `p`, if any (the attribute or its sub-attribute).
const Attribute *readOnlyPart(const PatchPath &p) noexcept;

}  // namespace scim::patch
