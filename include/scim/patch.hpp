// PATCH (RFC 7644 §3.5.2): applies a PatchOp request to a stored resource.
//
// Lenient in: op names in any case, "Operations" in any case, a missing
// "schemas", string booleans, single objects where arrays are expected,
// dotted and URN-qualified keys in path-less values, and the Entra ID,
// Okta, OneLogin and JumpCloud membership dialects. Errors carry the RFC's
// scimType values (invalidSyntax, invalidPath, invalidFilter, invalidValue,
// noTarget, mutability).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "scim/error.hpp"
#include "scim/json.hpp"
#include "scim/schema.hpp"

namespace scim::patch {

struct Member {
    std::string value;          // the member's resource id
    std::string type = "User";  // "User" or "Group"
    std::string display;        // empty when the client sent none
};

// Group membership is stored apart from the group document (a Redis set),
// so PATCH never loads or writes the member list: it only describes the
// change. The result is
//     (clearFirst ? {} : current members) - remove + add
// and the lists are kept disjoint (a later op cancels an earlier opposite
// one; `remove` is empty whenever clearFirst is set), so the order in which
// the store applies them does not matter.
struct MembersChange {
    bool clearFirst = false;
    std::vector<Member> add;          // unique by value; the last one sent wins
    std::vector<std::string> remove;  // unique
    bool empty() const { return !clearFirst && add.empty() && remove.empty(); }
};

struct Outcome {
    bool docChanged = false;              // false: the document is unchanged, skip the write
    std::optional<std::string> password;  // cleartext, when an op set it (never in the doc)
    MembersChange members;                // Group only
    // Top-level attributes that changed, for the change event, in schema
    // order: core names ("active", "name"), extension attributes qualified
    // by their URN ("urn:…:enterprise:2.0:User:manager"), plus "members"
    // and "password" when those changed.
    std::vector<std::string> changedAttributes;
    // The change event's `changed` list for a user (docs/events.md): every
    // top-level member whose value differs between the stored document and
    // the result (an extension's members qualified by its URN), and
    // "password" when an op set it; sorted by byte value. It is what the
    // user write script's own comparison (lib/diff.lua) would list, so the
    // service can send it and spare Redis decoding both documents.
    std::vector<std::string> storedChanges;
};

struct Options {
    std::string resourceId;      // a path-less "id" equal to this is ignored
    size_t maxOperations = 1000;  // more is 400 invalidSyntax
    // Which of the Outcome's name lists to fill: each walks both documents,
    // a large share of a small PATCH, and each caller needs at most one.
    bool listChanged = true;        // changedAttributes
    bool listStoredChanges = true;  // storedChanges
};

// `doc` is the canonical stored document (see scim/resource.hpp). `body` is
// the untrusted PatchOp request. Operations apply in order, all or nothing:
// on error `doc` is left unchanged.
Expected<Outcome> apply(JsonDoc &doc, const Json &body, const ResourceType &rt,
                        const Options &opts);

}  // namespace scim::patch
