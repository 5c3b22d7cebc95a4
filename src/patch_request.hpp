// The PatchOp envelope (RFC 7644 §3.5.2): checks the request's shape and
// lists its operations, before anything touches the document.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "scim/error.hpp"
#include "scim/json.hpp"

namespace scim::patch {

enum class OpKind { Add, Remove, Replace };

struct Operation {
    OpKind kind = OpKind::Add;
    std::string_view path;        // empty when the op has none
    const Json *value = nullptr;  // nullptr when the op has no "value" member
};

// Reads `body`. Errors are 400 invalidSyntax, except a non-string path
// (invalidPath).
Expected<std::vector<Operation>> readOperations(const Json &body, size_t maxOperations);

std::string_view opName(OpKind kind);

}  // namespace scim::patch
