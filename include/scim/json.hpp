// RapidJSON, included as a system header so that nginx's -W -Wall -Werror
// does not trip over warnings inside the library, plus small helpers that
// every part of the core uses on untrusted JSON.
#pragma once
#pragma GCC system_header

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

#include "scim/error.hpp"

namespace scim {

using Json = rapidjson::Value;
using JsonDoc = rapidjson::Document;
using JsonAlloc = rapidjson::Document::AllocatorType;

inline std::string_view str(const Json &v) {
    return {v.GetString(), v.GetStringLength()};
}

inline Json jstr(std::string_view s, JsonAlloc &a) {
    return Json(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

// Compact serialisation.
std::string toString(const Json &v);

// Writing JSON text directly, without a DOM (lists, scim/render_text.hpp).
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;
inline void writeString(JsonWriter &w, std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace scim

namespace scim {

struct ParseLimits {
    size_t maxBytes = 1 << 20;  // the edge also enforces client_max_body_size
    unsigned maxDepth = 32;     // objects and arrays nested deeper are refused
};

// Parses untrusted request JSON: valid UTF-8 required, nesting bounded
// (iterative parser, so deep input cannot overflow the stack). Errors are
// 400 invalidSyntax with a detail naming the offset or the limit. Then
// checkRequestJson (scim/input_checks.hpp): no repeated keys, no control
// characters or surrogates in strings.
Expected<JsonDoc> parseJson(std::string_view text, const ParseLimits &limits = {});

// Looks up a member by name, ASCII case-insensitively (SCIM attribute names
// are case-insensitive). Exact matches win over folded ones.
const Json *findMember(const Json &object, std::string_view name) noexcept;
Json *findMember(Json &object, std::string_view name) noexcept;

}  // namespace scim
