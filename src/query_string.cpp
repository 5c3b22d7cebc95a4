#include "scim/query_string.hpp"

#include <cerrno>
#include <charconv>
#include <cstdlib>

#include "scim/strings.hpp"

namespace scim {

namespace {
int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

std::string urlDecode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '+') {
            out.push_back(' ');
        } else if (c == '%' && i + 2 < s.size() &&
                   hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2])));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::map<std::string, std::string> parseQuery(std::string_view query) {
    std::map<std::string, std::string> out;
    while (!query.empty()) {
        size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        size_t eq = pair.find('=');
        std::string name = lower(urlDecode(pair.substr(0, eq)));
        std::string value = eq == std::string_view::npos ? "" : urlDecode(pair.substr(eq + 1));
        out.emplace(std::move(name), std::move(value));
    }
    return out;
}

std::string_view queryValue(const std::map<std::string, std::string> &params,
                            const std::string &name) {
    auto it = params.find(name);
    return it == params.end() ? std::string_view{} : std::string_view(it->second);
}

ProjectionParams projectionParams(std::string_view query) {
    if (query.empty()) return {};  // the usual GET: no map, no allocation
    auto params = parseQuery(query);
    return {std::string(queryValue(params, "attributes")),
            std::string(queryValue(params, "excludedattributes"))};
}

Expected<std::optional<long long>> integerParam(const std::map<std::string, std::string> &q,
                                                std::string_view name) {
    auto it = q.find(lower(name));
    if (it == q.end() || it->second.empty()) return std::optional<long long>{};
    // Every byte must be part of the number: "1%00" or " 1" are refused.
    const std::string &v = it->second;
    const char *first = v.data() + (v[0] == '+' && v.size() > 1 && v[1] != '-' ? 1 : 0);
    long long n = 0;
    auto [end, ec] = std::from_chars(first, v.data() + v.size(), n);
    if (ec == std::errc::result_out_of_range) {
        return invalidValue("query parameter '" + std::string(name) +
                            "' is out of range (a 64-bit integer)");
    }
    if (ec != std::errc() || end != v.data() + v.size()) {
        return invalidValue("query parameter '" + std::string(name) + "' must be an integer");
    }
    return std::optional<long long>{n};
}

}  // namespace scim
