// The fast path of rendering (issue 12): a stored document's attribute
// values are copied as text between the fixed prefix (schemas, id) and the
// meta object, instead of a DOM parse and write. One pass of a byte scanner
// over the stored text checks that it is JSON (structure, escapes, UTF-8)
// and finds where each attribute's value lies; nothing is decoded, and
// nothing is allocated per resource.
//
// It gives what renderResource followed by applyProjection with an empty
// projection gives, in the same order and spelling (byte-equal when the
// stored text is compact RapidJSON output, as every document the module
// writes is). Where that would take more than copying (see
// ResourceTextWriter::write), it declines and the caller takes the DOM path.
#pragma once

#include <cstdint>
#include <memory>
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

// ResourceMeta as views of text the caller holds (a Redis reply): no copies.
struct ResourceMetaView {
    std::string_view id, created, lastModified;
    uint64_t version = 1;
    std::string_view location;

    ResourceMetaView() = default;
    ResourceMetaView(std::string_view i, std::string_view c, std::string_view m, uint64_t v,
                     std::string_view l)
        : id(i), created(c), lastModified(m), version(v), location(l) {}
    ResourceMetaView(const ResourceMeta &m)  // NOLINT: a view of it
        : ResourceMetaView(m.id, m.created, m.lastModified, m.version, m.location) {}
};

// Writes resources of one type from their stored text. Its bookkeeping is
// made once and reused for every resource (a page of 100 allocates nothing
// per resource).
class ResourceTextWriter {
public:
    explicit ResourceTextWriter(const ResourceType &rt);
    ~ResourceTextWriter();
    ResourceTextWriter(const ResourceTextWriter &) = delete;
    ResourceTextWriter &operator=(const ResourceTextWriter &) = delete;

    // Writes the rendered resource with `w`, or writes nothing and returns
    // false when the DOM path must do it: the text is not a JSON object (or
    // is JSON the scanner does not take: a lone surrogate escape, an escape
    // in a member name, a number of more than 60 digits or an exponent of
    // more than two, nesting deeper than 64, invalid UTF-8), names one
    // attribute or extension twice (in any case), holds an empty complex
    // value or an empty element of one (a projection drops those), or a
    // value for an attribute that is returned only on request or has such
    // (or `never`) sub-attributes.
    bool write(JsonWriter &w, std::string_view doc, const ResourceMetaView &meta,
               const DerivedAttribute *derived = nullptr);

    struct Layout;

private:
    std::unique_ptr<Layout> layout_;
};

// One resource (ResourceTextWriter::write).
bool renderResourceText(JsonWriter &w, const ResourceType &rt, std::string_view doc,
                        const ResourceMetaView &meta, const DerivedAttribute *derived = nullptr);

}  // namespace scim
