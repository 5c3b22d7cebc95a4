// RapidJSON's Writer escaping rule, written once for the text the module
// writes itself (JsonWriter::EscapedString, renderError): '"', '\\' and
// every byte below 0x20 are escaped (\b \t \n \f \r short, the others as
// \u00XX in uppercase hex); everything else, UTF-8 included, is copied.
// The output is byte for byte RapidJSON's (t/unit/json_escape_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace scim {

inline bool isEscaped(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// The length of the longest prefix of `s` that needs no escape. Eight bytes
// at a time: a byte below 0x20, or equal to '"' or '\\' (a zero byte after
// the xor), sets its high bit in `hits` (the classic "has a byte less than
// n" test, exact as a whole-word answer); the word that hits is then
// searched byte by byte.
inline size_t escapeFreeLength(std::string_view s) {
    constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    const char *p = s.data();
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        uint64_t x;
        std::memcpy(&x, p + i, 8);
        uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
        uint64_t hits = ((x - ones * 0x20) & ~x) | ((quote - ones) & ~quote) |
                        ((backslash - ones) & ~backslash);
        if (hits & highs) break;
    }
    while (i < s.size() && !isEscaped(static_cast<unsigned char>(p[i]))) ++i;
    return i;
}

inline bool needsEscape(std::string_view s) { return escapeFreeLength(s) < s.size(); }

// The escape of a byte that needs one (isEscaped), into `out`; its length.
inline size_t escapeOf(unsigned char c, char (&out)[6]) {
    static const char kHex[] = "0123456789ABCDEF";
    out[0] = '\\';
    switch (c) {
    case '"': out[1] = '"'; return 2;
    case '\\': out[1] = '\\'; return 2;
    case '\b': out[1] = 'b'; return 2;
    case '\t': out[1] = 't'; return 2;
    case '\n': out[1] = 'n'; return 2;
    case '\f': out[1] = 'f'; return 2;
    case '\r': out[1] = 'r'; return 2;
    default: break;
    }
    std::memcpy(out + 1, "u00", 3);
    out[4] = kHex[c >> 4];
    out[5] = kHex[c & 15];
    return 6;
}

// Appends `s` as a quoted JSON string to `out` (anything with
// append(const char *, size_t)): runs that need no escape in one append.
template <class Out>
void appendJsonString(Out &out, std::string_view s) {
    out.append("\"", 1);
    for (;;) {
        size_t run = escapeFreeLength(s);
        out.append(s.data(), run);
        if (run == s.size()) break;
        char escaped[6];
        out.append(escaped, escapeOf(static_cast<unsigned char>(s[run]), escaped));
        s.remove_prefix(run + 1);
    }
    out.append("\"", 1);
}

}  // namespace scim
