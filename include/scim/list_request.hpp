// What a list or search asks for (RFC 7644 §3.4.2 and §3.4.3, RFC 9865):
// the filter, the page, the order and the projection, from a query string
// or a SearchRequest body. Validation happens here, before any Redis work.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "scim/error.hpp"
#include "scim/filter.hpp"
#include "scim/json.hpp"
#include "scim/render.hpp"

namespace scim {

struct ListLimits {
    size_t defaultPageSize = 100;
    size_t maxPageSize = 1000;
    filter::Limits filter;
};

// An RFC 9865 cursor: the position between two resources in creation order.
// `after` pages forwards from `seq`, otherwise backwards.
struct Cursor {
    bool after = true;
    int64_t seq = 0;
};

struct ListRequest {
    std::shared_ptr<const filter::Node> filter;  // null: everything
    long long startIndex = 1;                    // 1-based
    long long count = 0;                         // already clamped to the maximum
    std::string sortBy;                          // empty: creation order
    bool descending = false;
    bool cursorPaging = false;                   // `cursor` was given (maybe empty)
    std::optional<Cursor> cursor;                // null on the first cursor page
    Projection projection;
};

// GET …?filter=…&startIndex=…&count=…&sortBy=…&sortOrder=…&cursor=…
Expected<ListRequest> listRequestFromQuery(std::string_view query, const ListLimits &limits);

// POST …/.search with a SearchRequest body (RFC 7644 §3.4.3).
Expected<ListRequest> listRequestFromSearch(const Json &body, const ListLimits &limits);

// Opaque cursor text: "a<seq>" or "b<seq>" wrapped so clients do not build
// their own. A malformed one is 400 invalidCursor (RFC 9865 §4).
std::string encodeCursor(const Cursor &c);
Expected<Cursor> decodeCursor(std::string_view text);

}  // namespace scim
