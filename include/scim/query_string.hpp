// Query-string parsing for SCIM list, search and projection parameters.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "scim/error.hpp"

namespace scim {

// Decoded parameters keyed by lowercased name (clients vary the case of
// "startIndex", "count", "excludedAttributes"). A repeated name keeps the
// first occurrence. '+' decodes to a space, as form encoding does.
std::map<std::string, std::string> parseQuery(std::string_view query);

// The value of a parameter parseQuery gave (`name` lowercased), or "".
// Unlike map::operator[], inserts nothing.
std::string_view queryValue(const std::map<std::string, std::string> &params,
                            const std::string &name);

// `attributes` and `excludedAttributes` of a query string, as given.
struct ProjectionParams {
    std::string attributes;
    std::string excluded;
};
ProjectionParams projectionParams(std::string_view query);

// Percent-decoding; invalid escapes are kept literally.
std::string urlDecode(std::string_view s);

// Non-negative integer parameter ("startIndex", "count"); a malformed value
// is 400 invalidValue naming the parameter.
Expected<std::optional<long long>> integerParam(const std::map<std::string, std::string> &q,
                                                std::string_view name);

}  // namespace scim
