// RapidJSON's Writer escaping rule, written once for the text the module
// writes itself (writeString's test, renderError's bodies): '"', '\\' and
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

// Whether any of eight bytes needs an escape: a byte below 0x20, or equal
// to '"' or '\\' (a zero byte after the xor), sets its high bit in `hits`
// (the classic "has a byte less than n" test, exact as a whole-word answer).
inline bool wordNeedsEscape(const char *p) {
    constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t x;
    std::memcpy(&x, p, 8);
    uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
    uint64_t hits = ((x - ones * 0x20) & ~x) | ((quote - ones) & ~quote) |
                    ((backslash - ones) & ~backslash);
    return (hits & highs) != 0;
}

// The length of the longest prefix of `s` that needs no escape: eight
// bytes at a time, then the word that has one byte by byte.
inline size_t escapeFreeLength(std::string_view s) {
    size_t i = 0;
    while (i + 8 <= s.size() && !wordNeedsEscape(s.data() + i)) i += 8;
    while (i < s.size() && !isEscaped(static_cast<unsigned char>(s[i]))) ++i;
    return i;
}

// The common case's test (most text needs no escape), without the length.
inline bool needsEscape(std::string_view s) {
    const char *p = s.data();
    size_t n = s.size();
    for (; n >= 8; p += 8, n -= 8) {
        if (wordNeedsEscape(p)) return true;
    }
    for (; n > 0; ++p, --n) {
        if (isEscaped(static_cast<unsigned char>(*p))) return true;
    }
    return false;
}

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
// append(const char *, size_t) and push_back(char)): runs that need no
// escape in one append.
template <class Out>
void appendJsonString(Out &out, std::string_view s) {
    out.push_back('"');
    for (;;) {
        size_t run = escapeFreeLength(s);
        out.append(s.data(), run);
        if (run == s.size()) break;
        char escaped[6];
        out.append(escaped, escapeOf(static_cast<unsigned char>(s[run]), escaped));
        s.remove_prefix(run + 1);
    }
    out.push_back('"');
}

}  // namespace scim
