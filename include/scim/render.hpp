// Output: canonical document + server metadata -> the RFC 7643 resource
// representation, and projection by `attributes` / `excludedAttributes`
// honouring each attribute's `returned` characteristic (RFC 7644 §3.4.2.5).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scim/error.hpp"
#include "scim/json.hpp"
#include "scim/schema.hpp"

namespace scim {

struct ResourceMeta {
    std::string id;
    std::string created;       // RFC 3339, e.g. 2026-11-22T13:44:18.123Z
    std::string lastModified;  // RFC 3339
    uint64_t version = 1;
    std::string location;  // absolute URL of the resource
};

// Weak ETag for a version: W/"3".
std::string etagFor(uint64_t version);

// {"schemas":[core, extensions present in doc…],"id":…, <doc attributes…>,
//  "meta":{"resourceType","created","lastModified","location","version"}}.
// Attributes with returned=never (password) are never copied.
JsonDoc renderResource(const ResourceType &rt, const Json &doc, const ResourceMeta &meta);
// The same into `alloc`: lists render many resources into one pool instead
// of a 64 KiB-chunked document each.
Json renderResource(const ResourceType &rt, const Json &doc, const ResourceMeta &meta,
                    JsonAlloc &alloc);

namespace filter {
struct Node;
}

// `attr[filter]` (or `attr[filter].sub`) in `attributes`: only the values
// of the multi-valued `attr` that match are returned (docs/idp-quirks.md).
struct ValueFilter {
    std::string attr;  // as given, e.g. "emails"
    std::shared_ptr<const filter::Node> filter;
};

struct Projection {
    std::vector<std::string> attributes;  // as given by the client, filters taken off
    std::vector<std::string> excluded;
    std::vector<ValueFilter> valueFilters;  // from `attributes`
    bool empty() const { return attributes.empty() && excluded.empty(); }
};

// Parses the comma-separated query parameters. Unknown attribute names are
// kept (they simply match nothing), malformed lists give 400 invalidValue,
// a malformed value filter 400 invalidFilter.
Expected<Projection> parseProjection(std::string_view attributes, std::string_view excluded);

// Applies a projection in place to a rendered resource. `id` and `schemas`
// (returned=always) always stay; returned=request attributes stay only when
// named in `attributes`; returned=never are always removed.
void applyProjection(Json &resource, const ResourceType &rt, const Projection &p,
                     JsonAlloc &alloc);

}  // namespace scim
