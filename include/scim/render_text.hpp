// The fast path of rendering (issue 12): a stored document's attribute
// values are copied as text between the fixed prefix (schemas, id) and the
// meta object, instead of a DOM parse and write. One validating SAX pass
// over the stored text finds where each attribute's value lies; nothing is
// allocated per attribute.
//
// It gives what renderResource followed by applyProjection with an empty
// projection gives, in the same order and spelling (byte-equal when the
// stored text is compact RapidJSON output, as every document the module
// writes is). Where that would take more than copying (see
// renderResourceText), it declines and the caller takes the DOM path.
#pragma once

#include <string_view>

#include "scim/json.hpp"
#include "scim/render.hpp"
#include "scim/schema.hpp"

namespace scim {

// A read-only attribute the caller derives (User.groups from the memberof
// index) as JSON text; it replaces whatever the document holds under that
// name.
struct DerivedAttribute {
    std::string_view name;  // as the core schema spells it
    std::string_view json;
};

// Writes the rendered resource with `w`, or writes nothing and returns false
// when the DOM path must do it: the text is not a JSON object, names one
// attribute or extension twice (in any case), holds an empty complex value
// or an empty element of one (a projection drops those), or a value for an
// attribute that is returned only on request or has such (or `never`)
// sub-attributes.
bool renderResourceText(JsonWriter &w, const ResourceType &rt, std::string_view doc,
                        const ResourceMeta &meta, const DerivedAttribute *derived = nullptr);

}  // namespace scim
