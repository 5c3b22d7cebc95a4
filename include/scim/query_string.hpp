// Query-string parsing for SCIM list, search and projection parameters.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "scim/error.hpp"

namespace scim {

// The decoded value of the first parameter whose name, decoded and
// lowercased, is `name` (given in lowercase: clients vary the case of
// "startIndex", "count", "excludedAttributes"); "" for a name without '=',
// nullopt if there is none. '+' decodes to a space, as form encoding does.
// Decodes nothing but that value: no map of every parameter.
std::optional<std::string> queryParam(std::string_view query, std::string_view name);

// queryParam for `count` names in one pass: values[i] for names[i].
void queryParams(std::string_view query, const std::string_view *names,
                 std::optional<std::string> *values, size_t count);

// `attributes` and `excludedAttributes` of a query string, as given.
struct ProjectionParams {
    std::string attributes;
    std::string excluded;
};
ProjectionParams projectionParams(std::string_view query);

// Percent-decoding; invalid escapes are kept literally.
std::string urlDecode(std::string_view s);

// An integer parameter's value ("startIndex", "count"; "" when absent); a
// malformed value is 400 invalidValue naming the parameter.
Expected<std::optional<long long>> integerParam(std::string_view value, std::string_view name);

}  // namespace scim
