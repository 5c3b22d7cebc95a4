#include "scim/input_checks.hpp"

#include <string>
#include <unordered_set>
#include <vector>

#include "scim/strings.hpp"

namespace scim {

namespace {

// Length of the UTF-8 sequence at `i` and its code point; 0 when invalid.
size_t decodeAt(std::string_view s, size_t i, uint32_t &cp) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char b = byte(i);
    size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    cp = n == 1 ? b : b & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF) return 0;  // overlong or beyond Unicode
    return n;
}

std::string codePoint(uint32_t cp) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
    return buf;
}

bool isLineBreak(uint32_t cp) { return cp == '\t' || cp == '\n' || cp == '\r'; }

bool isForbidden(uint32_t cp, LineBreaks breaks) {
    if (cp < 0x20) return breaks == LineBreaks::Refused || !isLineBreak(cp);
    if (cp >= 0x7F && cp <= 0x9F) return true;    // DEL and C1
    return cp >= 0xD800 && cp <= 0xDFFF;          // surrogates
}

std::optional<Error> checkString(const Json &v, bool key) {
    auto bad = forbiddenCharacter(str(v), LineBreaks::Allowed);
    if (!bad) return std::nullopt;
    return invalidValue(std::string(key ? "a key" : "a string") +
                        " in the request holds a control character or surrogate, " + *bad);
}

Error repeatedKey(std::string_view key) {
    return invalidSyntax("the key '" + std::string(key) +
                         "' appears more than once in one object (keys are "
                         "case-insensitive)");
}

// Up to this many members, comparing each key with the ones before it is
// cheaper than hashing them (no allocation); beyond, a hash set keeps the
// check linear.
constexpr size_t kPairwiseKeys = 32;

std::optional<Error> checkObject(const Json &object, std::unordered_set<std::string> &seen) {
    if (object.MemberCount() <= kPairwiseKeys) {
        for (auto m = object.MemberBegin(); m != object.MemberEnd(); ++m) {
            if (auto e = checkString(m->name, true)) return e;
            for (auto before = object.MemberBegin(); before != m; ++before) {
                if (iequals(str(before->name), str(m->name))) return repeatedKey(str(m->name));
            }
        }
        return std::nullopt;
    }
    seen.clear();
    for (auto &m : object.GetObject()) {
        if (auto e = checkString(m.name, true)) return e;
        if (!seen.insert(lower(str(m.name))).second) return repeatedKey(str(m.name));
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> forbiddenCharacter(std::string_view text, LineBreaks breaks) {
    for (size_t i = 0; i < text.size();) {
        // Printable ASCII, the usual case, needs no decoding.
        auto b = static_cast<unsigned char>(text[i]);
        if (b >= 0x20 && b < 0x7F) {
            ++i;
            continue;
        }
        uint32_t cp = 0;
        size_t n = decodeAt(text, i, cp);
        if (n == 0) return "invalid UTF-8 at byte " + std::to_string(i);
        if (isForbidden(cp, breaks)) return codePoint(cp) + " at byte " + std::to_string(i);
        i += n;
    }
    return std::nullopt;
}

std::optional<Error> checkRequestJson(const Json &root) {
    std::vector<const Json *> stack;
    stack.reserve(32);  // one allocation for a usual body, not one per doubling
    stack.push_back(&root);
    std::unordered_set<std::string> seen;
    while (!stack.empty()) {
        const Json *v = stack.back();
        stack.pop_back();
        if (v->IsString()) {
            if (auto e = checkString(*v, false)) return e;
        } else if (v->IsObject()) {
            if (auto e = checkObject(*v, seen)) return e;
            for (auto &m : v->GetObject()) stack.push_back(&m.value);
        } else if (v->IsArray()) {
            for (auto &e : v->GetArray()) stack.push_back(&e);
        }
    }
    return std::nullopt;
}

std::optional<Error> checkName(std::string_view attribute, std::string_view value) {
    if (value.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return invalidValue("attribute '" + std::string(attribute) + "' must not be blank");
    }
    if (auto bad = forbiddenCharacter(value, LineBreaks::Refused)) {
        return invalidValue("attribute '" + std::string(attribute) +
                            "' holds a control character, " + *bad);
    }
    return std::nullopt;
}

std::optional<Error> checkIdentifiers(const Json &doc, std::string_view name) {
    for (std::string_view attribute : {name, std::string_view("externalId")}) {
        auto m = doc.FindMember(Json(rapidjson::StringRef(attribute.data(), attribute.size())));
        if (m == doc.MemberEnd() || !m->value.IsString()) continue;
        if (auto e = checkName(attribute, str(m->value))) return e;
    }
    return std::nullopt;
}

namespace {

bool isAlpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) noexcept { return c >= '0' && c <= '9'; }

bool isAttrName(std::string_view s) noexcept {
    if (s == "$ref") return true;
    if (s.empty() || !isAlpha(s.front())) return false;
    for (char c : s) {
        if (!isAlpha(c) && !isDigit(c) && c != '-' && c != '_') return false;
    }
    return true;
}

// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": non-empty
// segments of name characters and dots.
bool isUrn(std::string_view s) noexcept {
    if (!istartsWith(s, "urn:")) return false;
    size_t segment = 0;
    for (char c : s) {
        if (c == ':') {
            if (segment == 0) return false;
            segment = 0;
        } else if (isAlpha(c) || isDigit(c) || c == '-' || c == '_' || c == '.') {
            ++segment;
        } else {
            return false;
        }
    }
    return segment > 0;
}

}  // namespace

bool isAttributePath(std::string_view path) noexcept {
    size_t colon = path.rfind(':');
    if (colon != std::string_view::npos) {
        if (!isUrn(path.substr(0, colon))) return false;
        path.remove_prefix(colon + 1);
    }
    size_t dot = path.find('.');
    if (dot == std::string_view::npos) return isAttrName(path);
    return isAttrName(path.substr(0, dot)) && isAttrName(path.substr(dot + 1));
}

bool isValidUtf8(std::string_view text) noexcept {
    for (size_t i = 0; i < text.size();) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        uint32_t cp = 0;
        size_t n = decodeAt(text, i, cp);
        if (n == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n;
    }
    return true;
}

std::string validUtf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        uint32_t cp = 0;
        size_t n = decodeAt(text, i, cp);
        if (n == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
            out += "\xEF\xBF\xBD";  // U+FFFD
            i += 1;
            continue;
        }
        out.append(text.substr(i, n));
        i += n;
    }
    return out;
}

}  // namespace scim
