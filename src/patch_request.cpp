#include "patch_request.hpp"

#include <string>

#include "patch_status.hpp"
#include "scim/schema.hpp"
#include "scim/strings.hpp"

namespace scim::patch {

namespace {

constexpr std::string_view kMessagesUrnPrefix = "urn:ietf:params:scim:api:messages:2.0:";

// A missing "schemas" is accepted (clients omit it). Rejected only when it
// names other SCIM messages and not PatchOp: then the client sent the wrong
// kind of request, e.g. a SearchRequest. Unknown vendor URNs are tolerated.
Expected<bool> checkSchemas(const Json &body) {
    const Json *schemas = findMember(body, "schemas");
    if (!schemas || schemas->IsNull()) return true;
    if (schemas->IsString()) {
        if (iequals(str(*schemas), kPatchOpUrn) || !istartsWith(str(*schemas), kMessagesUrnPrefix))
            return true;
        return invalidSyntax("schemas must contain " + std::string(kPatchOpUrn));
    }
    if (!schemas->IsArray()) return invalidSyntax("schemas must be an array of URNs");
    bool patchOp = false, otherMessage = false;
    for (const Json &urn : schemas->GetArray()) {
        if (!urn.IsString()) return invalidSyntax("schemas must be an array of URNs");
        if (iequals(str(urn), kPatchOpUrn))
            patchOp = true;
        else if (istartsWith(str(urn), kMessagesUrnPrefix))
            otherMessage = true;
    }
    if (otherMessage && !patchOp)
        return invalidSyntax("schemas must contain " + std::string(kPatchOpUrn));
    return true;
}

Expected<OpKind> readKind(const Json &op, size_t index) {
    const Json *name = findMember(op, "op");
    std::string where = "Operations[" + std::to_string(index) + "]";
    if (!name) return invalidSyntax(where + " has no \"op\"");
    if (!name->IsString()) return invalidSyntax(where + ".op must be a string");
    std::string_view n = str(*name);
    if (iequals(n, "add")) return OpKind::Add;
    if (iequals(n, "remove")) return OpKind::Remove;
    if (iequals(n, "replace")) return OpKind::Replace;
    return invalidSyntax(where + ".op must be add, remove or replace, not \"" + clipForDetail(n) +
                         "\"");
}

Expected<Operation> readOperation(const Json &op, size_t index) {
    std::string where = "Operations[" + std::to_string(index) + "]";
    if (!op.IsObject()) return invalidSyntax(where + " must be an object");
    auto kind = readKind(op, index);
    if (!kind) return kind.takeError();
    Operation out;
    out.kind = *kind;
    // A null or empty path is read as "no path" (some clients send one).
    if (const Json *path = findMember(op, "path"); path && !path->IsNull()) {
        if (!path->IsString()) return invalidPath(where + ".path must be a string");
        out.path = str(*path);
    }
    out.value = findMember(op, "value");
    return out;
}

}  // namespace

std::string_view opName(OpKind kind) {
    switch (kind) {
        case OpKind::Add: return "add";
        case OpKind::Remove: return "remove";
        case OpKind::Replace: return "replace";
    }
    return "?";
}

Expected<std::vector<Operation>> readOperations(const Json &body, size_t maxOperations) {
    if (!body.IsObject()) return invalidSyntax("a PATCH body must be a JSON object");
    if (auto ok = checkSchemas(body); !ok) return ok.takeError();
    const Json *ops = findMember(body, "Operations");
    if (!ops) return invalidSyntax("a PATCH body needs an \"Operations\" array");
    if (!ops->IsArray() || ops->Empty())
        return invalidSyntax("\"Operations\" must be a non-empty array");
    if (ops->Size() > maxOperations) {
        return invalidSyntax("too many operations: " + std::to_string(ops->Size()) +
                             " sent, at most " + std::to_string(maxOperations) +
                             " allowed per request");
    }
    std::vector<Operation> out;
    out.reserve(ops->Size());
    for (const Json &op : ops->GetArray()) {
        auto read = readOperation(op, out.size());
        if (!read) return read.takeError();
        out.push_back(*read);
    }
    return out;
}

}  // namespace scim::patch
