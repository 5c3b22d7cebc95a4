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

// The byte at s[i] decoded ('+' is a space, %XX a byte), with i moved to
// the escape's last byte; an invalid escape is kept literally.
char decodeAt(std::string_view s, size_t &i) {
    char c = s[i];
    if (c == '+') return ' ';
    if (c == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
        i += 2;
        return static_cast<char>(hexValue(s[i - 1]) * 16 + hexValue(s[i]));
    }
    return c;
}

// Whether a raw parameter name, decoded and lowercased, is `name`; no copy.
bool nameIs(std::string_view raw, std::string_view name) {
    // Each decoded byte comes from 1 raw byte or 3 (%XX).
    if (raw.size() < name.size() || raw.size() > 3 * name.size()) return false;
    size_t n = 0;
    for (size_t i = 0; i < raw.size(); ++i) {
        char c = foldAscii(decodeAt(raw, i));
        if (n == name.size() || c != name[n]) return false;
        ++n;
    }
    return n == name.size();
}

}  // namespace

std::string urlDecode(std::string_view s) {
    std::string out(s);
    if (s.find('%') == std::string_view::npos && s.find('+') == std::string_view::npos) return out;
    size_t n = 0;  // decoding only shortens: written in place
    for (size_t i = 0; i < s.size(); ++i) out[n++] = decodeAt(s, i);
    out.resize(n);
    return out;
}

void queryParams(std::string_view query, const std::string_view *names,
                 std::optional<std::string> *values, size_t count) {
    while (!query.empty()) {
        size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        size_t eq = pair.find('=');
        std::string_view name = pair.substr(0, eq);
        for (size_t i = 0; i < count; ++i) {
            if (values[i] || !nameIs(name, names[i])) continue;
            values[i] = eq == std::string_view::npos ? std::string() : urlDecode(pair.substr(eq + 1));
            break;
        }
    }
}

std::optional<std::string> queryParam(std::string_view query, std::string_view name) {
    std::optional<std::string> value;
    queryParams(query, &name, &value, 1);
    return value;
}

ProjectionParams projectionParams(std::string_view query) {
    if (query.empty()) return {};  // the usual GET: no allocation
    static constexpr std::string_view kNames[] = {"attributes", "excludedattributes"};
    std::optional<std::string> values[2];
    queryParams(query, kNames, values, 2);
    return {values[0].value_or(""), values[1].value_or("")};
}

Expected<std::optional<long long>> integerParam(std::string_view v, std::string_view name) {
    if (v.empty()) return std::optional<long long>{};
    // Every byte must be part of the number: "1%00" or " 1" are refused.
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
