// POST and PUT bodies in canonical form (see scim/resource.hpp). Each key
// of the input is resolved against the resource type, so a key may be a
// core name in any case ("USERNAME"), a dotted sub-attribute
// ("name.givenName"), a URN-qualified name (Entra ID's flat
// "urn:…:enterprise:2.0:User:employeeNumber") or a schema URN holding an
// object of attributes; all land in the same canonical place.
#include "scim/resource.hpp"

#include <optional>
#include <string>

#include "coerce.hpp"
#include "scim/strings.hpp"

namespace scim {

namespace {

using Failure = std::optional<Error>;

constexpr std::string_view kCoreSchemaUrnPrefix = "urn:ietf:params:scim:schemas:core:2.0:";

// Sets `name` to `value`, or removes it for Null. Names are canonical here,
// so an exact match finds the earlier value.
void put(Json &object, const std::string &name, Json value, JsonAlloc &alloc) {
    auto old = object.FindMember(name.c_str());
    if (old != object.MemberEnd()) object.EraseMember(old);
    if (!value.IsNull()) object.AddMember(jstr(name, alloc), value, alloc);
}

// Several primary:true elements: the first keeps it and the others get
// primary:false. The first is what a client that lists the preferred value
// first (the usual order) means, and the result does not depend on how
// many of them the client marked.
void keepFirstPrimary(Json &array) {
    bool seen = false;
    for (Json &element : array.GetArray()) {
        if (!element.IsObject()) continue;
        auto primary = element.FindMember("primary");
        if (primary == element.MemberEnd() || !primary->value.IsBool()) continue;
        if (!primary->value.GetBool()) continue;
        if (seen) primary->value.SetBool(false);
        seen = true;
    }
}

class ResourceNormalizer {
public:
    explicit ResourceNormalizer(const ResourceType &rt) : rt_(rt) { out_.doc.SetObject(); }

    Failure take(std::string_view key, const Json &value) {
        if (iequals(key, "schemas")) return checkSchemas(value);  // derived on output
        if (const Schema *s = rt_.schemaByUrn(key)) return takeSchemaObject(*s, value);
        return takeResolved(resolvePath(rt_, key), value);
    }

    Expected<NormalizedResource> finish() {
        if (auto failure = checkRequired()) return *failure;
        moveInOrder(staged_, out_.doc, commonSchema());
        moveInOrder(staged_, out_.doc, *rt_.schema);
        for (const SchemaExtension &e : rt_.extensions) moveExtension(*e.schema);
        return std::move(out_);
    }

private:
    JsonAlloc &alloc() { return out_.doc.GetAllocator(); }

    // An array of URN strings naming this type's core schema, and no other
    // type's. Unknown URNs beside the core one are accepted (Entra sends
    // one); a missing or null "schemas" too (docs/idp-quirks.md).
    Failure checkSchemas(const Json &value) const {
        if (value.IsNull()) return std::nullopt;
        const std::string &core = rt_.schema->id;
        auto refuse = [&](const std::string &why) {
            return invalidValue("schemas " + why + "; a " + rt_.name + " must list \"" + core +
                                "\"");
        };
        if (!value.IsArray()) return refuse("must be an array of URN strings");
        bool named = false;
        for (const Json &urn : value.GetArray()) {
            if (!urn.IsString()) return refuse("must be an array of URN strings");
            std::string_view u = str(urn);
            if (iequals(u, core)) {
                named = true;
            } else if (istartsWith(u, kCoreSchemaUrnPrefix)) {
                return refuse("names \"" + std::string(u) + "\", not this resource type");
            }
        }
        if (!named) return refuse("does not name the core schema");
        return std::nullopt;
    }

    // {"urn:…": {attributes}}: each key is read as if qualified by the URN.
    Failure takeSchemaObject(const Schema &s, const Json &value) {
        if (isUnset(value)) return std::nullopt;
        if (!value.IsObject()) return invalidAttribute(s.id, "must be an object");
        for (auto &m : value.GetObject()) {
            AttrPath p = resolvePath(rt_, s.id + ":" + std::string(str(m.name)));
            if (auto failure = takeResolved(p, m.value)) return failure;
        }
        return std::nullopt;
    }

    // Unknown and read-only attributes are dropped: clients echo what a
    // GET returned ("groups", "meta", "id", "manager.displayName").
    Failure takeResolved(const AttrPath &p, const Json &value) {
        if (!p.attr || p.attr->mutability == Mutability::ReadOnly) return std::nullopt;
        if (p.subAttr && p.subAttr->mutability == Mutability::ReadOnly) return std::nullopt;
        if (p.attr->mutability == Mutability::WriteOnly) return takeSecret(p, value);
        if (p.subAttr) return takeSubAttribute(p, value);
        auto v = normalizeValue(*p.attr, value, alloc(), pathOf(p));
        if (!v) return v.takeError();
        Json &c = container(p);
        if (p.attr->isComplex() && !p.attr->multiValued && v->IsObject()) {
            mergeInto(c, p.attr->name, *v);
        } else {
            put(c, p.attr->name, std::move(*v), alloc());
        }
        return std::nullopt;
    }

    // "name.givenName": one sub-attribute of a single-valued complex
    // attribute. The element of a multi-valued one ("emails.value") cannot
    // be told apart, so that form is dropped like an unknown name.
    Failure takeSubAttribute(const AttrPath &p, const Json &value) {
        if (p.attr->multiValued) return std::nullopt;
        auto v = normalizeValue(*p.subAttr, value, alloc(), pathOf(p));
        if (!v) return v.takeError();
        Json one(rapidjson::kObjectType);
        if (!v->IsNull()) one.AddMember(jstr(p.subAttr->name, alloc()), *v, alloc());
        Json &c = container(p);
        if (!one.ObjectEmpty()) mergeInto(c, p.attr->name, one);
        return std::nullopt;
    }

    // The password goes to NormalizedResource::password, never into the doc.
    Failure takeSecret(const AttrPath &p, const Json &value) {
        if (isUnset(value)) return std::nullopt;
        if (!value.IsString()) return invalidAttribute(pathOf(p), "must be a string");
        out_.password = std::string(str(value));
        return std::nullopt;
    }

    // Sub-attributes of `from` overwrite those already set under `name`, so
    // "name" and "name.familyName" in one body combine.
    void mergeInto(Json &c, const std::string &name, Json &from) {
        auto existing = c.FindMember(name.c_str());
        if (existing == c.MemberEnd() || !existing->value.IsObject()) {
            put(c, name, std::move(from), alloc());
            return;
        }
        for (auto &m : from.GetObject()) {
            put(existing->value, std::string(str(m.name)), std::move(m.value), alloc());
        }
    }

    Json &container(const AttrPath &p) {
        if (!p.extension) return staged_;
        auto ext = staged_.FindMember(p.schema->id.c_str());
        if (ext != staged_.MemberEnd()) return ext->value;
        staged_.AddMember(jstr(p.schema->id, alloc()), Json(rapidjson::kObjectType), alloc());
        return staged_[p.schema->id.c_str()];
    }

    // Names the attribute in error details, e.g. "name.givenName" or
    // "urn:…:enterprise:2.0:User:manager.value".
    static std::string pathOf(const AttrPath &p) {
        std::string path = p.extension ? p.schema->id + ":" + p.attr->name : p.attr->name;
        if (p.subAttr) path += "." + p.subAttr->name;
        return path;
    }

    Failure checkRequired() const {
        for (const Attribute &a : rt_.schema->attributes) {
            if (a.required && !staged_.HasMember(a.name.c_str())) {
                return invalidAttribute(a.name, "is required");
            }
        }
        return std::nullopt;
    }

    // Canonical documents list attributes in schema order. A body holds a
    // few of a schema's attributes: each member staged is looked up in the
    // schema (names are canonical here, compared exactly as FindMember
    // does) and the few found are moved sorted, rather than one FindMember
    // per schema attribute (bench/README.md, "Session 8").
    void moveInOrder(Json &from, Json &to, const Schema &s) {
        constexpr size_t kFew = 32;
        if (from.MemberCount() > kFew) return moveEachInOrder(from, to, s);
        const Attribute *attrs[kFew];
        Json *values[kFew];
        size_t n = 0;
        for (auto &m : from.GetObject()) {
            if (m.value.IsNull()) continue;  // moved by an earlier schema's pass
            const Attribute *a = exactly(s, str(m.name));
            if (!a) continue;
            size_t at = n++;  // insertion sort by schema position
            for (; at > 0 && attrs[at - 1] > a; --at) {
                attrs[at] = attrs[at - 1];
                values[at] = values[at - 1];
            }
            attrs[at] = a;
            values[at] = &m.value;
        }
        for (size_t i = 0; i < n; ++i) move(*attrs[i], *values[i], to);
    }

    void moveEachInOrder(Json &from, Json &to, const Schema &s) {
        for (const Attribute &a : s.attributes) {
            auto m = from.FindMember(a.name.c_str());
            if (m != from.MemberEnd()) move(a, m->value, to);
        }
    }

    void move(const Attribute &a, Json &value, Json &to) {
        if (a.multiValued && a.sub("primary") && value.IsArray()) keepFirstPrimary(value);
        to.AddMember(jstr(a.name, alloc()), value, alloc());
    }

    static const Attribute *exactly(const Schema &s, std::string_view name) {
        for (const Attribute &a : s.attributes) {
            if (a.name.size() == name.size() && std::string_view(a.name) == name) return &a;
        }
        return nullptr;
    }

    void moveExtension(const Schema &s) {
        auto ext = staged_.FindMember(s.id.c_str());
        if (ext == staged_.MemberEnd()) return;
        Json ordered(rapidjson::kObjectType);
        moveInOrder(ext->value, ordered, s);
        if (!ordered.ObjectEmpty()) out_.doc.AddMember(jstr(s.id, alloc()), ordered, alloc());
    }

    const ResourceType &rt_;
    NormalizedResource out_;
    Json staged_{rapidjson::kObjectType};  // allocated from out_.doc's allocator
};

}  // namespace

Expected<NormalizedResource> normalizeResource(const ResourceType &rt, const Json &input) {
    if (!input.IsObject()) return invalidSyntax("the request body must be a JSON object");
    ResourceNormalizer normalizer(rt);
    for (auto &m : input.GetObject()) {
        if (auto failure = normalizer.take(str(m.name), m.value)) return *failure;
    }
    return normalizer.finish();
}

}  // namespace scim
