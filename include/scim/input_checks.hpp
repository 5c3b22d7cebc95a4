// Strict checks on untrusted request text that every write shares, apart
// from the schema: JSON objects with repeated keys, characters no SCIM
// string may hold, and names that are blank.
#pragma once

#include <optional>
#include <string_view>

#include "scim/error.hpp"
#include "scim/json.hpp"

namespace scim {

// Whether a string may hold TAB, LF and CR (a formatted address may span
// lines; an identifier or a name may not).
enum class LineBreaks { Allowed, Refused };

// The first forbidden character of valid UTF-8 `text`, described for an
// error detail ("U+0000 at byte 3"), or nullopt. Forbidden: C0 controls
// (NUL is the separator of the sorted indexes), DEL, C1 controls, and
// UTF-16 surrogate code points (an escaped lone "\udc00" that the JSON
// parser let through, which is not valid UTF-8).
std::optional<std::string> forbiddenCharacter(std::string_view text, LineBreaks breaks);

// 400 invalidSyntax for an object that repeats a key, compared ASCII
// case-insensitively as SCIM attribute names are ("userName" and
// "UserName"); 400 invalidValue for a forbidden character in any key or
// string. One linear walk, without recursion.
std::optional<Error> checkRequestJson(const Json &root);

// userName, a group's displayName, externalId: not blank, no line breaks.
std::optional<Error> checkName(std::string_view attribute, std::string_view value);

// checkName on a canonical document's `name` attribute (required) and its
// externalId (when set).
std::optional<Error> checkIdentifiers(const Json &doc, std::string_view name);

// RFC 7644 §3.10 attribute path syntax: [URN ":"] ATTRNAME ["." ATTRNAME],
// ATTRNAME = ALPHA *(ALPHA / DIGIT / "-" / "_"), or "$ref". Refuses
// "userName.", "name..givenName", "user$Name". Says nothing about whether
// the schema knows the name.
bool isAttributePath(std::string_view path) noexcept;

// Replaces bytes that are not valid UTF-8 with U+FFFD, so that text from
// the request (a path id) can go into a JSON error detail.
std::string validUtf8(std::string_view text);
// Whether validUtf8 would return the text unchanged.
bool isValidUtf8(std::string_view text) noexcept;

}  // namespace scim
