// Paging over the matches of a query, fed one match at a time in creation
// order, so that a scan keeps only one page in memory whatever the size of
// the store.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include <variant>

#include "scim/json.hpp"
#include "scim/list_request.hpp"
#include "scim/render.hpp"

namespace scim {

// What `sortBy` compares: nothing (sorts last), a boolean, a number or a
// string (folded unless the attribute is caseExact).
using SortKey = std::variant<std::monostate, bool, double, std::string>;

// A matching resource, kept as stored text: only the page is rendered for
// the response, so a scan holds no more than a page of rendered JSON.
struct Match {
    int64_t seq = 0;
    std::string doc;
    ResourceMeta meta;
    SortKey key;
    std::string memberships;  // JSON array of probed member ids held, or ""
};

class PageCollector {
public:
    explicit PageCollector(const ListRequest &request) : request_(request) {}

    // Matches arrive in ascending creation order.
    void add(Match m);

    long long total() const { return total_; }
    // The page, in ascending creation order.
    std::deque<Match> &page() { return page_; }
    // Cursor paging: whether matches exist beyond the page in each direction.
    bool moreAfter() const { return moreAfter_; }
    bool moreBefore() const { return moreBefore_; }

private:
    const ListRequest &request_;
    long long total_ = 0;
    std::deque<Match> page_;
    bool moreAfter_ = false;
    bool moreBefore_ = false;
};

}  // namespace scim
