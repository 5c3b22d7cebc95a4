#include "scim/json.hpp"

#include <cstdint>
#include <cstring>
#include <vector>

#include "scim/error.hpp"
#include "scim/input_checks.hpp"
#include "scim/strings.hpp"

namespace scim {

std::string toString(const Json &v) {
    JsonOut out;
    JsonWriter w(out);
    v.Accept(w);
    return out.take();
}

namespace {

// Depth of the deepest container, walked without recursion.
unsigned depthOf(const Json &root, unsigned limit) {
    struct Frame {
        const Json *v;
        unsigned depth;
    };
    std::vector<Frame> stack;
    stack.reserve(32);  // one allocation for a usual body, not one per doubling
    stack.push_back({&root, 1});
    unsigned deepest = 0;
    while (!stack.empty()) {
        Frame f = stack.back();
        stack.pop_back();
        if (!f.v->IsObject() && !f.v->IsArray()) continue;
        if (f.depth > deepest) deepest = f.depth;
        if (deepest > limit) return deepest;
        if (f.v->IsObject()) {
            for (auto &m : f.v->GetObject()) stack.push_back({&m.value, f.depth + 1});
        } else {
            for (auto &e : f.v->GetArray()) stack.push_back({&e, f.depth + 1});
        }
    }
    return deepest;
}

// True when every byte is below 0x80, eight at a time.
bool isAscii(std::string_view text) {
    constexpr uint64_t highs = 0x8080808080808080ull;
    const char *p = text.data();
    size_t n = text.size();
    uint64_t any = 0;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t word;
        std::memcpy(&word, p, 8);
        any |= word;
    }
    for (; n > 0; ++p, --n) any |= static_cast<unsigned char>(*p);
    return (any & highs) == 0;
}

}  // namespace

Expected<JsonDoc> parseJson(std::string_view text, const ParseLimits &limits) {
    if (text.size() > limits.maxBytes) {
        return payloadTooLarge("request body exceeds " + std::to_string(limits.maxBytes) +
                               " bytes");
    }
    // RapidJSON reads a NUL byte as the end of the input; in JSON text it is
    // never valid (inside strings it must be escaped).
    if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
        return invalidSyntax("malformed JSON at offset " + std::to_string(nul) +
                             ": a NUL byte");
    }
    JsonDoc doc;
    // ASCII text is valid UTF-8: RapidJSON's check of every string byte
    // (a tenth of a POST's parse) is needed only when a byte is not ASCII.
    constexpr unsigned kFlags = rapidjson::kParseIterativeFlag;
    if (isAscii(text)) {
        doc.Parse<kFlags>(text.data(), text.size());
    } else {
        doc.Parse<kFlags | rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
    }
    if (doc.HasParseError()) {
        return invalidSyntax(std::string("malformed JSON at offset ") +
                             std::to_string(doc.GetErrorOffset()) + ": " +
                             rapidjson::GetParseError_En(doc.GetParseError()));
    }
    if (depthOf(doc, limits.maxDepth) > limits.maxDepth) {
        return invalidSyntax("JSON nesting deeper than " + std::to_string(limits.maxDepth) +
                             " levels");
    }
    if (auto refused = checkRequestJson(doc)) return *refused;
    return doc;
}

const Json *findMember(const Json &object, std::string_view name) noexcept {
    if (!object.IsObject()) return nullptr;
    const Json *folded = nullptr;
    for (auto &m : object.GetObject()) {
        std::string_view key = str(m.name);
        if (key == name) return &m.value;
        if (!folded && iequals(key, name)) folded = &m.value;
    }
    return folded;
}

Json *findMember(Json &object, std::string_view name) noexcept {
    return const_cast<Json *>(findMember(static_cast<const Json &>(object), name));
}

}  // namespace scim
