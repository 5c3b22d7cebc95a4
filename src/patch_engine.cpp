// Operation dispatch: path-less values, whole extensions, the password.
#include "patch_engine.hpp"

#include <string>

#include "patch_members.hpp"
#include "patch_values.hpp"
#include "scim/strings.hpp"

namespace scim::patch {

namespace {

Error valueRequired(OpKind kind, std::string_view what) {
    return invalidValue(std::string(opName(kind)) + " of " + std::string(what) +
                        " requires a value");
}

}  // namespace

Status Engine::apply(const Operation &op) {
    if (op.path.empty()) {
        if (op.kind == OpKind::Remove) return noTarget("remove requires a path");
        return applyPathless(op.kind, op.value, nullptr);
    }
    if (underUnknownSchema(rt_, op.path)) return Done{};
    auto p = parsePath(rt_, op.path);
    if (!p) return p.takeError();
    if (const Attribute *ro = readOnlyPart(*p)) {
        return mutability(ro->name + " is readOnly and cannot be changed");
    }
    return applyAt(op.kind, *p, op.value);
}

void Engine::finish() {
    for (const SchemaExtension &e : rt_.extensions) {
        const Json *ext = findMember(doc_, e.schema->id);
        if (ext && (!ext->IsObject() || ext->ObjectEmpty())) eraseMember(doc_, e.schema->id);
    }
}

// Each key of the value is a path of its own ("name.givenName", an
// extension attribute's URN path, even `emails[type eq "work"].value`).
// `scope` is the schema whose URN keyed the value, if any.
Status Engine::applyPathless(OpKind kind, const Json *value, const Schema *scope) {
    std::string what = scope ? scope->id : "the resource";
    if (!value) return valueRequired(kind, what);
    if (!value->IsObject()) return invalidValue(what + ": value must be an object of attributes");
    for (auto &m : value->GetObject()) {
        if (auto s = applyPathlessKey(kind, str(m.name), m.value, scope); !s) return s;
    }
    return Done{};
}

// Lenient about what clients echo back from a GET: "schemas" and "meta"
// are ignored, so are other readOnly attributes (User "groups"), and "id"
// too when it is this resource's. A different id is an attempt to change it.
Status Engine::applyPathlessKey(OpKind kind, std::string_view key, const Json &value,
                                const Schema *scope) {
    if (iequals(key, "schemas") || iequals(key, "meta")) return Done{};
    if (iequals(key, "id")) {
        if (value.IsNull() || (value.IsString() && str(value) == opts_.resourceId)) return Done{};
        return mutability("id is readOnly and cannot be changed");
    }
    if (!scope) {
        if (const Schema *s = rt_.schemaByUrn(key)) {
            if (s == rt_.schema) return applyPathless(kind, &value, s);
            return applyExtension(kind, *s, &value);
        }
        if (underUnknownSchema(rt_, key)) return Done{};
    }
    auto p = parsePath(rt_, scope ? scope->id + ":" + std::string(key) : std::string(key));
    if (!p) return p.takeError();
    if (readOnlyPart(*p)) return Done{};
    return applyAt(kind, *p, &value);
}

Status Engine::applyAt(OpKind kind, const PatchPath &p, const Json *value) {
    if (!p.attr) return applyExtension(kind, *p.schema, value);
    if (isMembersPath(p)) return applyMembers(kind, p, value, out_.members);
    if (p.attr->mutability == Mutability::WriteOnly) return applyPassword(kind, value);
    if (p.filter || (p.subAttr && p.attr->multiValued)) return applyToElements(kind, p, value);
    if (p.subAttr) return applySub(kind, p, value);
    if (kind == OpKind::Remove) return removeWhole(p, value);
    if (!value) return valueRequired(kind, p.text);
    return applyWhole(kind, p, *value);
}

// The extension URN alone: remove drops all of its attributes; add and
// replace take an object of its attributes, as a path-less value would.
Status Engine::applyExtension(OpKind kind, const Schema &ext, const Json *value) {
    bool empty = value && (value->IsNull() || (value->IsObject() && value->ObjectEmpty()));
    if (kind == OpKind::Remove || (kind == OpKind::Replace && empty)) {
        eraseMember(doc_, ext.id);
        return Done{};
    }
    if (empty) return Done{};
    return applyPathless(kind, value, &ext);
}

// The password is write-only: it goes to the outcome, never into the doc.
Status Engine::applyPassword(OpKind kind, const Json *value) {
    if (kind == OpKind::Remove) return mutability("password cannot be removed, only replaced");
    if (!value) return valueRequired(kind, "password");
    if (!value->IsString() || value->GetStringLength() == 0)
        return invalidValue("password must be a non-empty string");
    out_.password = std::string(str(*value));
    return Done{};
}

}  // namespace scim::patch
