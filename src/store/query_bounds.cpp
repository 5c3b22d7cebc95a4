#include "scim/store/query_bounds.hpp"

namespace scim::store {

std::string lexEqualMin(std::string_view value) {
    std::string s = "[" + std::string(value);
    s.push_back('\0');
    return s;
}

std::string lexEqualMax(std::string_view value) {
    return "(" + std::string(value) + "\x01";
}

std::string lexPrefixMin(std::string_view prefix) { return "[" + std::string(prefix); }

// UTF-8 never holds 0xFF, so every member with the prefix sorts below it.
std::string lexPrefixMax(std::string_view prefix) { return "(" + std::string(prefix) + "\xff"; }

RangeBounds rangeBounds(const IndexProbe &probe) {
    switch (probe.kind) {
    case ProbeKind::Lex:
        return probe.prefix ? RangeBounds{lexPrefixMin(probe.value), lexPrefixMax(probe.value)}
                            : RangeBounds{lexEqualMin(probe.value), lexEqualMax(probe.value)};
    case ProbeKind::Score:
        return {probe.minMillis ? std::to_string(*probe.minMillis) : "-inf",
                probe.maxMillis ? std::to_string(*probe.maxMillis) : "+inf"};
    case ProbeKind::Id:
    case ProbeKind::Set:
    case ProbeKind::Name:
        break;
    }
    return {probe.value, ""};
}

std::string seqAfter(long long seq) { return "(" + std::to_string(seq); }

}  // namespace scim::store
