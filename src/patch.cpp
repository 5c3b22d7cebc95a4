// PATCH entry point: reads the request, runs its operations on a copy of
// the document, and reports what changed.
#include "scim/patch.hpp"

#include "patch_engine.hpp"
#include "patch_request.hpp"
#include "patch_status.hpp"

namespace scim::patch {

namespace {

Error inOperation(Error e, size_t index, const Operation &op) {
    std::string where = "Operations[" + std::to_string(index) + "] (" + std::string(opName(op.kind));
    if (!op.path.empty()) where += " " + clipForDetail(op.path);
    e.detail = where + "): " + e.detail;
    return e;
}

bool sameMember(const Json &before, const Json &after, std::string_view name) {
    const Json *b = findMember(before, name);
    const Json *a = findMember(after, name);
    if (!b || !a) return !b && !a;
    return *b == *a;
}

bool attributeChanged(const Attribute &a, const Json &before, const Json &after,
                      const Outcome &out) {
    if (a.mutability == Mutability::WriteOnly) return out.password.has_value();
    if (&a == groupSchema().find("members")) return !out.members.empty();
    return !sameMember(before, after, a.name);
}

void listChanges(const Schema &s, const Json &before, const Json &after, const Outcome &out,
                 std::string_view urnPrefix, std::vector<std::string> &names) {
    for (const Attribute &a : s.attributes) {
        if (!attributeChanged(a, before, after, out)) continue;
        names.push_back(urnPrefix.empty() ? a.name : std::string(urnPrefix) + ":" + a.name);
    }
}

std::vector<std::string> changedAttributes(const ResourceType &rt, const Json &before,
                                           const Json &after, const Outcome &out) {
    std::vector<std::string> names;
    listChanges(*rt.schema, before, after, out, "", names);
    listChanges(commonSchema(), before, after, out, "", names);
    static const Json kNothing(rapidjson::kObjectType);
    for (const SchemaExtension &e : rt.extensions) {
        const Json *b = findMember(before, e.schema->id);
        const Json *a = findMember(after, e.schema->id);
        listChanges(*e.schema, b ? *b : kNothing, a ? *a : kNothing, out, e.schema->id, names);
    }
    return names;
}

}  // namespace

Expected<Outcome> apply(JsonDoc &doc, const Json &body, const ResourceType &rt,
                        const Options &opts) {
    auto ops = readOperations(body, opts.maxOperations);
    if (!ops) return ops.takeError();
    JsonDoc work;
    if (doc.IsObject())
        work.CopyFrom(doc, work.GetAllocator());
    else
        work.SetObject();
    Outcome out;
    Engine engine(work, rt, opts, out);
    for (size_t i = 0; i < ops->size(); ++i) {
        if (auto s = engine.apply((*ops)[i]); !s) return inOperation(s.takeError(), i, (*ops)[i]);
    }
    engine.finish();
    out.docChanged = doc.IsObject() ? !(work == doc) : !work.ObjectEmpty();
    out.changedAttributes = changedAttributes(rt, doc, work, out);
    if (out.docChanged) doc.Swap(work);
    return out;
}

}  // namespace scim::patch
