#include "bulk_plan.hpp"

#include <functional>
#include <queue>
#include <unordered_set>

#include "patch_status.hpp"  // clipForDetail
#include "scim/strings.hpp"

namespace scim {

namespace {

using patch::clipForDetail;

// A BulkRequest wraps each operation's data three levels deeper than the
// single request: the limit on the data stays the same.
constexpr unsigned kEnvelopeDepth = 3;

std::string where(size_t index) { return "Operations[" + std::to_string(index) + "]"; }

Error conflictingReference(std::string detail) {
    return Error{409, "invalidValue", std::move(detail)};
}

Expected<bool> checkSchemas(const Json &body) {
    const Json *schemas = findMember(body, "schemas");
    if (schemas && schemas->IsArray()) {
        for (const Json &urn : schemas->GetArray()) {
            if (urn.IsString() && iequals(str(urn), kBulkRequestUrn)) return true;
        }
    }
    return invalidSyntax("schemas must be [\"" + std::string(kBulkRequestUrn) + "\"]");
}

Expected<unsigned> readFailOnErrors(const Json &body) {
    const Json *v = findMember(body, "failOnErrors");
    if (!v || v->IsNull()) return 0u;
    if (!v->IsUint() || v->GetUint() == 0) {
        return invalidValue("failOnErrors must be a positive integer");
    }
    return v->GetUint();
}

// The bulkId, "" for none; errors concern the whole request, since other
// operations may reference it.
Expected<std::string> readBulkId(const Json &op, size_t index) {
    const Json *v = findMember(op, "bulkId");
    if (!v || v->IsNull()) return std::string();
    if (!v->IsString()) return invalidSyntax(where(index) + ".bulkId must be a string");
    if (v->GetStringLength() == 0 || v->GetStringLength() > kMaxBulkIdLength) {
        return invalidValue(where(index) + ".bulkId must be 1 to " +
                            std::to_string(kMaxBulkIdLength) + " characters");
    }
    return std::string(str(*v));
}

bool isBulkMethod(std::string_view m) {
    return m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE";
}

// The bulkId a path names, e.g. "/Users/bulkId:u1" → "u1", or "".
std::string_view pathReference(std::string_view path) {
    size_t slash = path.find('/', 1);
    if (slash == std::string_view::npos) return {};
    std::string_view id = path.substr(slash + 1);
    if (id.find('/') != std::string_view::npos) return {};  // the router refuses the path
    if (id.substr(0, kBulkIdPrefix.size()) != kBulkIdPrefix) return {};
    return id.substr(kBulkIdPrefix.size());
}

// The operation's own fields; a mistake becomes its `invalid` error.
std::optional<Error> readOperation(const Json &op, size_t index, BulkOperation &out) {
    const Json *method = findMember(op, "method");
    if (method && method->IsString()) out.method = std::string(str(*method));
    if (!isBulkMethod(out.method)) {
        return invalidValue(where(index) + ".method must be POST, PUT, PATCH or DELETE");
    }
    const Json *version = findMember(op, "version");
    if (version && !version->IsNull()) {
        if (!version->IsString()) return invalidSyntax(where(index) + ".version must be a string");
        out.version = std::string(str(*version));
    }
    const Json *path = findMember(op, "path");
    if (!path || !path->IsString() || path->GetStringLength() == 0 || path->GetString()[0] != '/') {
        return invalidValue(where(index) + ".path must be a string such as /Users or /Groups/{id}");
    }
    out.path = std::string(str(*path));
    if (out.method == "POST" && out.bulkId.empty()) {
        return invalidValue(where(index) + " is a POST without a bulkId");
    }
    const Json *data = findMember(op, "data");
    if (data && data->IsNull()) data = nullptr;
    if (out.method == "DELETE") {
        if (data) return invalidValue(where(index) + " is a DELETE with data");
        return std::nullopt;
    }
    if (!data || !data->IsObject()) {
        return invalidValue(where(index) + ".data must be an object for " + out.method);
    }
    out.data = data;
    return std::nullopt;
}

void addReference(std::string_view id, std::vector<std::string> &out,
                  std::unordered_set<std::string> &seen) {
    if (seen.insert(std::string(id)).second) out.emplace_back(id);
}

void collectInto(const Json &value, std::vector<std::string> &out,
                 std::unordered_set<std::string> &seen) {
    if (value.IsString()) {
        std::string_view s = str(value);
        if (s.substr(0, kBulkIdPrefix.size()) == kBulkIdPrefix) {
            addReference(s.substr(kBulkIdPrefix.size()), out, seen);
        }
    } else if (value.IsArray()) {
        for (const Json &v : value.GetArray()) collectInto(v, out, seen);
    } else if (value.IsObject()) {
        for (const auto &m : value.GetObject()) collectInto(m.value, out, seen);
    }
}

void collectOperationReferences(BulkOperation &op) {
    std::unordered_set<std::string> seen;
    std::string_view fromPath = pathReference(op.path);
    if (!fromPath.empty()) addReference(fromPath, op.references, seen);
    if (op.data) collectInto(*op.data, op.references, seen);
}

}  // namespace

Expected<BulkRequest> parseBulkRequest(std::string_view body, const ServiceConfig &config) {
    if (body.size() > config.bulkMaxPayload) {
        return payloadTooLarge("the BulkRequest is " + std::to_string(body.size()) +
                               " bytes; maxPayloadSize is " +
                               std::to_string(config.bulkMaxPayload));
    }
    ParseLimits limits{config.bulkMaxPayload, config.json.maxDepth + kEnvelopeDepth};
    auto parsed = parseJson(body, limits);
    if (!parsed) return parsed.takeError();
    BulkRequest bulk;
    bulk.doc = std::move(*parsed);
    const Json &root = bulk.doc;
    if (!root.IsObject()) return invalidSyntax("a BulkRequest is a JSON object");
    if (auto ok = checkSchemas(root); !ok) return ok.takeError();
    auto failOnErrors = readFailOnErrors(root);
    if (!failOnErrors) return failOnErrors.takeError();
    bulk.failOnErrors = *failOnErrors;

    const Json *ops = findMember(root, "Operations");
    if (!ops || !ops->IsArray()) return invalidSyntax("Operations must be an array");
    if (ops->Size() > config.bulkMaxOperations) {
        return payloadTooLarge("the BulkRequest has " + std::to_string(ops->Size()) +
                               " operations; maxOperations is " +
                               std::to_string(config.bulkMaxOperations));
    }
    std::unordered_set<std::string> bulkIds;
    bulk.operations.resize(ops->Size());
    for (size_t i = 0; i < ops->Size(); i++) {
        const Json &op = (*ops)[static_cast<rapidjson::SizeType>(i)];
        if (!op.IsObject()) return invalidSyntax(where(i) + " must be an object");
        BulkOperation &out = bulk.operations[i];
        auto bulkId = readBulkId(op, i);
        if (!bulkId) return bulkId.takeError();
        out.bulkId = std::move(*bulkId);
        if (!out.bulkId.empty() && !bulkIds.insert(out.bulkId).second) {
            return invalidValue(where(i) + ".bulkId \"" + clipForDetail(out.bulkId) +
                                "\" is used by another operation");
        }
        out.invalid = readOperation(op, i, out);
        if (!out.invalid) collectOperationReferences(out);
    }
    return bulk;
}

void collectBulkReferences(const Json &value, std::vector<std::string> &out) {
    std::unordered_set<std::string> seen(out.begin(), out.end());
    collectInto(value, out, seen);
}

std::vector<size_t> bulkExecutionOrder(const std::vector<BulkOperation> &operations) {
    size_t n = operations.size();
    std::unordered_map<std::string, size_t> byBulkId;
    for (size_t i = 0; i < n; i++) {
        if (!operations[i].bulkId.empty()) byBulkId.emplace(operations[i].bulkId, i);
    }
    std::vector<std::vector<size_t>> dependents(n);
    std::vector<size_t> waitingFor(n, 0);
    for (size_t i = 0; i < n; i++) {
        for (const std::string &ref : operations[i].references) {
            auto it = byBulkId.find(ref);
            if (it == byBulkId.end()) continue;  // unknown: fails when it runs
            // A self-reference never becomes ready: it is a cycle of one.
            if (it->second != i) dependents[it->second].push_back(i);
            waitingFor[i]++;
        }
    }
    // Kahn's algorithm, always taking the earliest ready operation.
    std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
    for (size_t i = 0; i < n; i++) {
        if (waitingFor[i] == 0) ready.push(i);
    }
    std::vector<size_t> order;
    order.reserve(n);
    std::vector<bool> placed(n, false);
    while (!ready.empty()) {
        size_t i = ready.top();
        ready.pop();
        order.push_back(i);
        placed[i] = true;
        for (size_t d : dependents[i]) {
            if (--waitingFor[d] == 0) ready.push(d);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!placed[i]) order.push_back(i);
    }
    return order;
}

std::optional<Error> unresolvedReference(const BulkOperation &op, const BulkIds &resolved,
                                         const std::unordered_map<std::string, size_t> &known,
                                         const std::vector<bool> &failed) {
    for (const std::string &ref : op.references) {
        if (resolved.count(ref)) continue;
        std::string name = "bulkId \"" + clipForDetail(ref) + "\"";
        auto it = known.find(ref);
        if (it == known.end()) {
            return conflictingReference(name + " names no operation of this request");
        }
        if (failed[it->second]) {
            return conflictingReference("the operation with " + name + " failed");
        }
        return conflictingReference(name + " is on a circular reference, or depends on one");
    }
    return std::nullopt;
}

void resolveBulkReferences(Json &value, const BulkIds &resolved, JsonAlloc &alloc) {
    if (value.IsString()) {
        std::string_view s = str(value);
        if (s.substr(0, kBulkIdPrefix.size()) != kBulkIdPrefix) return;
        auto it = resolved.find(std::string(s.substr(kBulkIdPrefix.size())));
        if (it != resolved.end()) value.SetString(it->second.data(),
                                                  static_cast<rapidjson::SizeType>(it->second.size()),
                                                  alloc);
    } else if (value.IsArray()) {
        for (Json &v : value.GetArray()) resolveBulkReferences(v, resolved, alloc);
    } else if (value.IsObject()) {
        for (auto &m : value.GetObject()) resolveBulkReferences(m.value, resolved, alloc);
    }
}

std::string resolveBulkPath(const std::string &path, const BulkIds &resolved) {
    std::string_view ref = pathReference(path);
    if (ref.empty()) return path;
    auto it = resolved.find(std::string(ref));
    if (it == resolved.end()) return path;
    size_t slash = path.find('/', 1);
    return path.substr(0, slash + 1) + it->second;
}

}  // namespace scim
