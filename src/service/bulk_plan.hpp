// A BulkRequest (RFC 7644 §3.7) read and planned, before any operation runs:
// the envelope checked, each operation's fields taken, the bulkId
// references found, and the order they run in. No I/O; BulkExchange runs
// the plan through the ordinary per-operation Exchanges.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "scim/json.hpp"
#include "scim/service/service.hpp"

namespace scim {

inline constexpr std::string_view kBulkRequestUrn =
    "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
inline constexpr std::string_view kBulkResponseUrn =
    "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
inline constexpr std::string_view kBulkIdPrefix = "bulkId:";
inline constexpr size_t kMaxBulkIdLength = 256;

struct BulkOperation {
    std::string method;  // as sent, when it was a string
    std::string bulkId;  // "" when none
    std::string version; // becomes If-Match
    std::string path;    // as sent, may hold a bulkId reference
    const Json *data = nullptr;  // into BulkRequest::doc
    std::vector<std::string> references;  // bulkIds named in path and data, unique
    std::optional<Error> invalid;  // the operation's own error: it runs as that error
};

struct BulkRequest {
    JsonDoc doc;
    unsigned failOnErrors = 0;  // 0: no limit
    std::vector<BulkOperation> operations;
};

// Checks the envelope and the limits. Errors here answer the whole request:
// 413 over config.bulkMaxOperations or config.bulkMaxPayload, 400 for a
// request that is no BulkRequest, or whose bulkIds are missing on a POST,
// not strings, too long or repeated. An operation's own mistakes (method,
// path, data) are kept in BulkOperation::invalid and answered per operation.
Expected<BulkRequest> parseBulkRequest(std::string_view body, const ServiceConfig &config);

// Adds the bulkIds of the "bulkId:…" strings in `value` to `out`, once each.
void collectBulkReferences(const Json &value, std::vector<std::string> &out);

// The order operations run in: each after the operations whose bulkIds it
// references, otherwise in the order given (a stable topological order).
// Operations on a cycle, or that depend on one, come last in their given
// order; they fail when they run because a reference is not yet resolved.
std::vector<size_t> bulkExecutionOrder(const std::vector<BulkOperation> &operations);

// bulkId → the id of the resource its operation created or addressed.
using BulkIds = std::unordered_map<std::string, std::string>;

// Why a reference cannot be resolved yet, as the 409 invalidValue the
// operation answers, or nullopt when every reference is resolved.
std::optional<Error> unresolvedReference(const BulkOperation &op, const BulkIds &resolved,
                                         const std::unordered_map<std::string, size_t> &known,
                                         const std::vector<bool> &failed);

// Replaces every "bulkId:x" string in `value` by the resolved id.
void resolveBulkReferences(Json &value, const BulkIds &resolved, JsonAlloc &alloc);
// The path with a "bulkId:x" segment replaced by the resolved id.
std::string resolveBulkPath(const std::string &path, const BulkIds &resolved);

}  // namespace scim
