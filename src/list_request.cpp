#include "scim/list_request.hpp"

#include <algorithm>
#include <charconv>

#include "scim/query_string.hpp"
#include "scim/strings.hpp"

namespace scim {

namespace {

constexpr long long kMaxStartIndex = 1LL << 40;

// The fields both forms share, as text, before validation.
struct RawList {
    std::optional<std::string> filter;
    std::optional<long long> startIndex;
    std::optional<long long> count;
    std::string sortBy;
    std::string sortOrder;
    std::optional<std::string> cursor;
    std::string attributes;
    std::string excluded;
};

Expected<ListRequest> validate(RawList raw, const ListLimits &limits) {
    ListRequest out;
    if (raw.filter) {
        auto parsed = filter::parse(*raw.filter, limits.filter);
        if (!parsed) return parsed.takeError();
        out.filter = std::shared_ptr<const filter::Node>(std::move(*parsed));
    }
    // RFC 7644 §3.4.2.4: startIndex below 1 counts as 1, a negative count
    // as 0, and the server may return fewer than asked.
    // Beyond kMaxStartIndex no store has records, so the page is empty
    // either way; the clamp keeps startIndex + count from overflowing.
    out.startIndex = std::clamp<long long>(raw.startIndex.value_or(1), 1, kMaxStartIndex);
    long long wanted = raw.count.value_or(static_cast<long long>(limits.defaultPageSize));
    out.count = std::clamp<long long>(wanted, 0, static_cast<long long>(limits.maxPageSize));
    out.sortBy = raw.sortBy;
    if (!raw.sortOrder.empty()) {
        if (iequals(raw.sortOrder, "descending")) {
            out.descending = true;
        } else if (!iequals(raw.sortOrder, "ascending")) {
            return invalidValue("sortOrder must be 'ascending' or 'descending'");
        }
    }
    if (raw.cursor) {
        if (raw.startIndex) {
            return invalidValue("startIndex and cursor cannot be combined in one request");
        }
        if (!out.sortBy.empty()) {
            return invalidValue("cursor paging follows creation order; sortBy cannot be combined "
                                "with cursor");
        }
        out.cursorPaging = true;
        if (!raw.cursor->empty()) {
            auto c = decodeCursor(*raw.cursor);
            if (!c) return c.takeError();
            out.cursor = *c;
        }
    }
    auto projection = parseProjection(raw.attributes, raw.excluded);
    if (!projection) return projection.takeError();
    out.projection = std::move(*projection);
    return out;
}

// A SearchRequest's attribute lists are arrays of names (or, leniently, one
// comma-separated string).
Expected<std::string> nameList(const Json *v, std::string_view field) {
    if (!v || v->IsNull()) return std::string();
    if (v->IsString()) return std::string(str(*v));
    if (!v->IsArray()) return invalidValue(std::string(field) + " must be an array of strings");
    std::string joined;
    for (const Json &e : v->GetArray()) {
        if (!e.IsString()) return invalidValue(std::string(field) + " must be an array of strings");
        if (!joined.empty()) joined.push_back(',');
        joined.append(str(e));
    }
    return joined;
}

Expected<std::optional<long long>> integerField(const Json &body, std::string_view field) {
    const Json *v = findMember(body, field);
    if (!v || v->IsNull()) return std::optional<long long>{};
    if (v->IsInt64()) return std::optional<long long>{v->GetInt64()};
    if (v->IsString()) {  // lenient: "startIndex":"1"
        return integerParam(str(*v), field);
    }
    return invalidValue(std::string(field) + " must be an integer");
}

Expected<std::string> stringField(const Json &body, std::string_view field) {
    const Json *v = findMember(body, field);
    if (!v || v->IsNull()) return std::string();
    if (!v->IsString()) return invalidValue(std::string(field) + " must be a string");
    return std::string(str(*v));
}

}  // namespace

Expected<ListRequest> listRequestFromQuery(std::string_view query, const ListLimits &limits) {
    enum { Filter, StartIndex, Count, SortBy, SortOrder, Cursor, Attributes, Excluded, N };
    static constexpr std::string_view kNames[N] = {
        "filter", "startindex", "count", "sortby", "sortorder", "cursor", "attributes",
        "excludedattributes"};
    std::optional<std::string> q[N];
    queryParams(query, kNames, q, N);
    RawList raw;
    raw.filter = std::move(q[Filter]);
    auto start = integerParam(q[StartIndex].value_or(""), "startIndex");
    if (!start) return start.takeError();
    raw.startIndex = *start;
    auto count = integerParam(q[Count].value_or(""), "count");
    if (!count) return count.takeError();
    raw.count = *count;
    raw.sortBy = q[SortBy].value_or("");
    raw.sortOrder = q[SortOrder].value_or("");
    raw.cursor = std::move(q[Cursor]);
    raw.attributes = q[Attributes].value_or("");
    raw.excluded = q[Excluded].value_or("");
    return validate(std::move(raw), limits);
}

Expected<ListRequest> listRequestFromSearch(const Json &body, const ListLimits &limits) {
    if (!body.IsObject()) return invalidSyntax("a SearchRequest must be a JSON object");
    RawList raw;
    if (const Json *f = findMember(body, "filter"); f && !f->IsNull()) {
        if (!f->IsString()) return invalidFilter("filter must be a string");
        raw.filter = std::string(str(*f));
    }
    auto start = integerField(body, "startIndex");
    if (!start) return start.takeError();
    raw.startIndex = *start;
    auto count = integerField(body, "count");
    if (!count) return count.takeError();
    raw.count = *count;
    auto sortBy = stringField(body, "sortBy");
    if (!sortBy) return sortBy.takeError();
    raw.sortBy = *sortBy;
    auto sortOrder = stringField(body, "sortOrder");
    if (!sortOrder) return sortOrder.takeError();
    raw.sortOrder = *sortOrder;
    if (const Json *c = findMember(body, "cursor"); c && !c->IsNull()) {
        if (!c->IsString()) return invalidCursor("cursor must be a string");
        raw.cursor = std::string(str(*c));
    }
    auto attributes = nameList(findMember(body, "attributes"), "attributes");
    if (!attributes) return attributes.takeError();
    raw.attributes = *attributes;
    auto excluded = nameList(findMember(body, "excludedAttributes"), "excludedAttributes");
    if (!excluded) return excluded.takeError();
    raw.excluded = *excluded;
    return validate(std::move(raw), limits);
}

// "c1" + direction + decimal sequence: versioned, so the format can change
// without old cursors being misread.
std::string encodeCursor(const Cursor &c) {
    return std::string("c1") + (c.after ? 'a' : 'b') + std::to_string(c.seq);
}

Expected<Cursor> decodeCursor(std::string_view text) {
    auto bad = [&] { return invalidCursor("the cursor is not one this server issued"); };
    if (text.size() < 4 || text.substr(0, 2) != "c1") return bad();
    char dir = text[2];
    if (dir != 'a' && dir != 'b') return bad();
    std::string_view digits = text.substr(3);
    Cursor c;
    c.after = dir == 'a';
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), c.seq);
    if (ec != std::errc() || end != digits.data() + digits.size() || c.seq < 0) return bad();
    return c;
}

}  // namespace scim
