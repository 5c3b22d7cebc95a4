// One attribute's value, as POST, PUT and PATCH supply it, in canonical
// form: schema spelling of sub-attribute names, coerced scalars, arrays for
// multi-valued attributes, Null for "unset".
#include "scim/resource.hpp"

#include <cstring>
#include <string>

#include "coerce.hpp"
#include "scim/strings.hpp"

namespace scim {

namespace {

// The built-in schemas are built once per process: their attributes are
// looked up once, not on each sub-attribute of each request.
bool isGroupMembers(const Attribute &a) {
    static const Attribute *const members = groupSchema().find("members");
    return &a == members;
}

// Sub-attributes a client may set. Read-only ones (manager.displayName,
// echoed back from a GET) are ignored, and a member's "$ref" is derived
// from its id on output, so what the client says about it does not count.
bool acceptsInput(const Attribute &parent, const Attribute &sub) {
    if (sub.mutability == Mutability::ReadOnly) return false;
    return !(isGroupMembers(parent) && sub.name == "$ref");
}

// "<path>.<sub>" for error details, passed down with every sub-attribute:
// built in the caller's buffer when it fits (no allocation per value),
// else in `spill`.
struct SubPath {
    char buf[128];
    std::string spill;

    std::string_view of(std::string_view path, const Attribute &sub) {
        size_t n = path.size() + 1 + sub.name.size();
        if (n > sizeof buf) return spill = std::string(path) + "." + sub.name;
        if (!path.empty()) std::memcpy(buf, path.data(), path.size());
        buf[path.size()] = '.';
        std::memcpy(buf + path.size() + 1, sub.name.data(), sub.name.size());
        return {buf, n};
    }
};

// Sets `name` to `value`, or removes it for Null: with case-variant
// duplicates ("value" and "Value") the last one sent wins.
void putSub(Json &object, const std::string &name, Json value, JsonAlloc &alloc) {
    auto old = object.FindMember(name.c_str());
    if (old != object.MemberEnd()) object.EraseMember(old);
    if (!value.IsNull()) object.AddMember(jstr(name, alloc), value, alloc);
}

// Leniency (docs/idp-quirks.md): Microsoft's reference SCIM client names a
// member's display `displayName`; it counts as `display` unless that is sent.
const Attribute *memberDisplayAlias(const Attribute &a, const Json &in, std::string_view name) {
    if (!isGroupMembers(a) || !iequals(name, "displayName") || findMember(in, "display")) {
        return nullptr;
    }
    return a.sub("display");
}

// A group member names its id, and a type PATCH would accept too.
Expected<Json> checkedMember(Json member, std::string_view path) {
    if (!member.HasMember("value")) {
        return invalidAttribute(path, "needs a string 'value', the member's id");
    }
    auto type = member.FindMember("type");
    if (type != member.MemberEnd() && type->value.IsString() &&
        !iequals(str(type->value), "User") && !iequals(str(type->value), "Group")) {
        return invalidAttribute(path, "type must be \"User\" or \"Group\"");
    }
    return member;
}

Expected<Json> normalizeObject(const Attribute &a, const Json &in, JsonAlloc &alloc,
                               std::string_view path) {
    Json out(rapidjson::kObjectType);
    for (auto &m : in.GetObject()) {
        const Attribute *sub = a.sub(str(m.name));
        if (!sub) sub = memberDisplayAlias(a, in, str(m.name));
        if (!sub || !acceptsInput(a, *sub)) continue;  // unknown or not the client's to set
        SubPath subPath;
        auto v = normalizeValue(*sub, m.value, alloc, subPath.of(path, *sub));
        if (!v) return v;
        putSub(out, sub->name, std::move(*v), alloc);
    }
    if (out.ObjectEmpty()) return Json();
    if (isGroupMembers(a)) return checkedMember(std::move(out), path);
    return out;
}

// Where a bare value may stand for {"value": …}: Entra ID sends the
// enterprise manager as its id, and providers list group members as ids
// (docs/idp-quirks.md). Anywhere else ("emails": "a@b") it is refused.
bool acceptsBareValue(const Attribute &a) {
    static const Attribute *const manager = enterpriseUserSchema().find("manager");
    return isGroupMembers(a) || &a == manager;
}

// An object where a simple value belongs, "{}" included: never "unset".
Error objectForSimple(std::string_view path) {
    return invalidAttribute(path, "must be a simple value, not an object");
}

Expected<Json> normalizeBareValue(const Attribute &a, const Json &in, JsonAlloc &alloc,
                                  std::string_view path) {
    const Attribute *value = a.sub("value");
    if (!value || !acceptsBareValue(a)) {
        return invalidAttribute(path, "is complex: it must be an object, not a bare value");
    }
    SubPath subPath;
    auto v = normalizeValue(*value, in, alloc, subPath.of(path, *value));
    if (!v || v->IsNull()) return v;
    Json out(rapidjson::kObjectType);
    out.AddMember("value", std::move(*v), alloc);
    return out;
}

// One value that is not an array.
Expected<Json> normalizeElement(const Attribute &a, const Json &in, JsonAlloc &alloc,
                                std::string_view path) {
    if (in.IsObject() && !a.isComplex()) return objectForSimple(path);
    if (isUnset(in)) return Json();
    if (in.IsArray()) return invalidAttribute(path, "must be a single value, not an array");
    if (!a.isComplex()) return coerceScalar(a, in, alloc, path);
    if (in.IsObject()) return normalizeObject(a, in, alloc, path);
    return normalizeBareValue(a, in, alloc, path);
}

// Elements that end up unset are dropped; so is the attribute when none is
// left.
Expected<Json> normalizeMultiValued(const Attribute &a, const Json &in, JsonAlloc &alloc,
                                    std::string_view path) {
    Json out(rapidjson::kArrayType);
    auto append = [&](const Json &element) -> Expected<bool> {
        auto v = normalizeElement(a, element, alloc, path);
        if (!v) return v.takeError();
        if (!v->IsNull()) out.PushBack(std::move(*v), alloc);
        return true;
    };
    if (in.IsArray()) {
        for (const Json &element : in.GetArray()) {
            if (auto ok = append(element); !ok) return ok.takeError();
        }
    } else if (auto ok = append(in); !ok) {  // OneLogin: a single object for "emails"
        return ok.takeError();
    }
    if (out.Empty()) return Json();
    return out;
}

}  // namespace

Expected<Json> normalizeSingle(const Attribute &a, const Json &in, JsonAlloc &alloc,
                               std::string_view path) {
    if (in.IsArray() && in.Size() == 1) return normalizeElement(a, in[0], alloc, path);
    if (in.IsArray() && in.Size() > 1) {
        return invalidAttribute(path, "is single-valued but got an array of " +
                                          std::to_string(in.Size()) + " values");
    }
    return normalizeElement(a, in, alloc, path);
}

// Several primary:true elements are left as sent: PATCH demotes all but
// the one it wrote last, normalizeResource all but the first.
Expected<Json> normalizeValue(const Attribute &a, const Json &in, JsonAlloc &alloc,
                              std::string_view path) {
    if (in.IsObject() && !a.isComplex()) return objectForSimple(path);
    if (isUnset(in)) return Json();
    if (a.multiValued) return normalizeMultiValued(a, in, alloc, path);
    return normalizeSingle(a, in, alloc, path);
}

}  // namespace scim
