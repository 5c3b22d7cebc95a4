// PATCH entry point: reads the request, runs its operations on a copy of
// the document, and reports what changed.
#include "scim/patch.hpp"

#include <set>
#include <string>

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

bool isTable(const Json &v) { return v.IsObject() || v.IsArray(); }
bool emptyTable(const Json &v) { return v.IsObject() ? v.ObjectEmpty() : v.Empty(); }

// Equality as lib/diff.lua's same() sees two values after cjson.decode:
// numbers as doubles, and an empty array equal to an empty object (both
// are an empty table in Lua).
bool sameAsDecoded(const Json &a, const Json &b) {
    if (isTable(a) && isTable(b)) {
        if (emptyTable(a) || emptyTable(b)) return emptyTable(a) && emptyTable(b);
        if (a.IsArray() != b.IsArray()) return false;
        if (a.IsArray()) {
            if (a.Size() != b.Size()) return false;
            for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
                if (!sameAsDecoded(a[i], b[i])) return false;
            }
            return true;
        }
        if (a.MemberCount() != b.MemberCount()) return false;
        for (const auto &m : a.GetObject()) {
            const Json *other = findMember(b, str(m.name));
            if (!other || !sameAsDecoded(m.value, *other)) return false;
        }
        return true;
    }
    if (a.IsNumber() && b.IsNumber()) return a.GetDouble() == b.GetDouble();
    return a == b;
}

bool sameOrBothMissing(const Json *a, const Json *b) {
    if (!a || !b) return !a && !b;
    return sameAsDecoded(*a, *b);
}

// lib/diff.lua's diff(): the members of either object whose values differ;
// at the top level, a URN-named member holding objects is compared member
// by member under the prefix "<URN>:". (Lua would also walk an array held
// by a URN member; canonical documents hold only objects there.)
void addDifferences(const Json &before, const Json &after, const std::string &prefix,
                    std::set<std::string> &names) {
    static const Json kNothing(rapidjson::kObjectType);
    // `after`'s members that `before` also has were compared on the first
    // pass: the second only looks for members `after` added.
    auto visit = [&](const Json &side, bool addedOnly) {
        for (const auto &m : side.GetObject()) {
            std::string_view name = str(m.name);
            const Json *b = findMember(before, name);
            if (addedOnly && b) continue;
            const Json *a = findMember(after, name);
            if (sameOrBothMissing(b, a)) continue;
            bool objects = (!b || b->IsObject()) && (!a || a->IsObject());
            if (prefix.empty() && name.substr(0, 4) == "urn:" && objects) {
                addDifferences(b ? *b : kNothing, a ? *a : kNothing, std::string(name) + ":", names);
            } else {
                names.insert(prefix + std::string(name));
            }
        }
    };
    visit(before, false);
    visit(after, true);
}

std::vector<std::string> storedChanges(const Json &before, const Json &after, const Outcome &out) {
    static const Json kNothing(rapidjson::kObjectType);
    std::set<std::string> names;
    addDifferences(before.IsObject() ? before : kNothing, after, "", names);
    if (out.password) names.insert("password");
    return {names.begin(), names.end()};
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
    if (opts.listChanged) out.changedAttributes = changedAttributes(rt, doc, work, out);
    if (opts.listStoredChanges) out.storedChanges = storedChanges(doc, work, out);
    if (out.docChanged) doc.Swap(work);
    return out;
}

}  // namespace scim::patch
