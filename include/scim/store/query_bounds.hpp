// Redis range bounds for the query engine: what a core IndexProbe
// (scim/query_plan.hpp) asks of an index, as ZRANGEBYLEX / ZRANGEBYSCORE
// min and max, and the creation-order bounds of a scan.
#pragma once


#include <string>
#include <string_view>

#include "scim/query_plan.hpp"

namespace scim::store {

struct RangeBounds {
    std::string min, max;
};

// Lex: "<value>\0<id>" members; Score: millisecond scores, open ends
// ±inf; Id and Set: min is the id, max empty (fetch_candidates.lua).
RangeBounds rangeBounds(const IndexProbe &probe);

// ZRANGEBYLEX bounds for exact values and prefixes of a lexicographic index.
std::string lexEqualMin(std::string_view value);
std::string lexEqualMax(std::string_view value);
std::string lexPrefixMin(std::string_view prefix);
std::string lexPrefixMax(std::string_view prefix);

// Creation-order (seq) bounds for scan_records.lua: past `seq`, or from
// the start.
std::string seqAfter(long long seq);
inline constexpr const char *kSeqStart = "-inf";

}  // namespace scim::store
