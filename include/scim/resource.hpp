// Input normalisation: what a client sends becomes the canonical stored
// form. Lenient in (case-insensitive names, "True"/"False", a single object
// where an array is expected, nulls as unset, read-only and unknown
// attributes ignored), strict out.
//
// The canonical document:
//  - holds core attributes under their schema spelling ("userName", "name"
//    {"givenName"}), extension attributes under an object keyed by the
//    extension URN exactly as the schema spells it;
//  - never holds "schemas", "id", "meta", read-only attributes (User
//    "groups") or "password": those are kept or derived elsewhere;
//  - holds each multi-valued attribute as a non-empty array (empty arrays and
//    null mean "unset" and are dropped).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "scim/error.hpp"
#include "scim/json.hpp"
#include "scim/schema.hpp"

namespace scim {

struct NormalizedResource {
    JsonDoc doc;                          // canonical document (see above)
    std::optional<std::string> password;  // cleartext, if the client sent one
};

// POST and PUT bodies. Checks types (400 invalidValue with a detail naming
// the attribute), required attributes (userName / displayName: 400
// invalidValue), and that `input` is an object (400 invalidSyntax).
Expected<NormalizedResource> normalizeResource(const ResourceType &rt, const Json &input);

// What a resource type's extensions require of a canonical document (the
// result of POST, PUT or PATCH): a required extension must be present, a
// present extension must carry its required attributes, and each of its
// complex values the required sub-attributes. 400 invalidValue naming the
// extension or the attribute's full path.
std::optional<Error> checkExtensionRequirements(const ResourceType &rt, const Json &doc);
// Whether a stored document (JSON text) meets them. A PATCH of a resource
// stored before an extension became required is not refused for it: a
// deprovisioning PATCH must not fail over what it did not touch.
bool storedMeetsExtensionRequirements(const ResourceType &rt, std::string_view docText);

// One attribute's value, as PATCH supplies it. `path` names the attribute in
// error details. For a multi-valued attribute, a single value is wrapped into
// an array; for a single-valued one, a one-element array is unwrapped.
// Returns a Null value for "unset" (null, "", empty array/object).
Expected<Json> normalizeValue(const Attribute &a, const Json &in, JsonAlloc &alloc,
                              std::string_view path);

// One element of a multi-valued attribute or the value of a sub-attribute.
Expected<Json> normalizeSingle(const Attribute &a, const Json &in, JsonAlloc &alloc,
                               std::string_view path);

}  // namespace scim
