#include "patch_members.hpp"

#include <algorithm>

#include "patch_filter_terms.hpp"
#include "scim/strings.hpp"

namespace scim::patch {

namespace {

void addMember(MembersChange &c, Member m) {
    auto &rm = c.remove;
    rm.erase(std::remove(rm.begin(), rm.end(), m.value), rm.end());
    auto same = [&](const Member &x) { return x.value == m.value; };
    if (auto it = std::find_if(c.add.begin(), c.add.end(), same); it != c.add.end())
        *it = std::move(m);
    else
        c.add.push_back(std::move(m));
}

void removeMember(MembersChange &c, const std::string &id) {
    auto &add = c.add;
    add.erase(std::remove_if(add.begin(), add.end(), [&](const Member &m) { return m.value == id; }),
              add.end());
    // After a clear the member is gone anyway.
    if (!c.clearFirst && std::find(c.remove.begin(), c.remove.end(), id) == c.remove.end())
        c.remove.push_back(id);
}

void clearMembers(MembersChange &c) {
    c.clearFirst = true;
    c.add.clear();
    c.remove.clear();
}

Expected<std::string> optionalString(const Json &element, std::string_view name) {
    const Json *v = findMember(element, name);
    if (!v || v->IsNull()) return std::string();
    if (!v->IsString()) return invalidValue("members." + std::string(name) + " must be a string");
    return std::string(str(*v));
}

Expected<std::string> memberType(const Json &element) {
    auto type = optionalString(element, "type");
    if (!type) return type;
    if (type->empty() || iequals(*type, "User")) return std::string("User");
    if (iequals(*type, "Group")) return std::string("Group");
    return invalidValue("members.type must be \"User\" or \"Group\", not \"" + *type + "\"");
}

// Leniency (docs/idp-quirks.md): Microsoft's reference SCIM client names a
// member's display `displayName`. `display` wins when both are sent.
Expected<std::string> memberDisplay(const Json &element) {
    auto display = optionalString(element, "display");
    if (!display || !display->empty()) return display;
    return optionalString(element, "displayName");
}

// {"value":ID, "type":…, "display":…} or a bare id. "$ref" is ignored: the
// id alone names the member.
Expected<Member> readMember(const Json &element) {
    Member m;
    if (element.IsString()) {
        m.value = std::string(str(element));
    } else if (element.IsObject()) {
        auto value = optionalString(element, "value");
        if (!value) return value.takeError();
        auto type = memberType(element);
        if (!type) return type.takeError();
        auto display = memberDisplay(element);
        if (!display) return display.takeError();
        m.value = std::move(*value);
        m.type = std::move(*type);
        m.display = std::move(*display);
    } else {
        return invalidValue("each member must be an object with a \"value\"");
    }
    if (m.value.empty()) return invalidValue("each member needs a non-empty \"value\" (its id)");
    return m;
}

// The value as a list of members; a single object is one member, null or
// an empty array none.
Expected<std::vector<Member>> readMembers(const Json &value) {
    std::vector<Member> out;
    if (value.IsNull()) return out;
    if (!value.IsArray()) {
        auto m = readMember(value);
        if (!m) return m.takeError();
        out.push_back(std::move(*m));
        return out;
    }
    for (const Json &element : value.GetArray()) {
        auto m = readMember(element);
        if (!m) return m.takeError();
        out.push_back(std::move(*m));
    }
    return out;
}

Status subAttributeOp(const PatchPath &p) {
    if (p.subAttr->mutability == Mutability::Immutable)
        return mutability("members." + p.subAttr->name + " is immutable");
    return invalidPath("members." + p.subAttr->name +
                       " cannot be patched on its own; add the member again with the new " +
                       p.subAttr->name);
}

Status removeFiltered(const PatchPath &p, MembersChange &change) {
    auto ids = valueEqIds(*p.filter, *p.attr);
    if (!ids) {
        return invalidFilter("a members filter in a PATCH path must be value eq \"id\" terms "
                             "joined by or, e.g. members[value eq \"id\"]");
    }
    for (const std::string &id : *ids) removeMember(change, id);
    return Done{};
}

Status removeListed(const Json *value, MembersChange &change) {
    bool none = !value || value->IsNull() || (value->IsArray() && value->Empty());
    if (none) {
        clearMembers(change);
        return Done{};
    }
    auto members = readMembers(*value);
    if (!members) return members.takeError();
    for (const Member &m : *members) removeMember(change, m.value);
    return Done{};
}

Status addListed(OpKind kind, const Json *value, MembersChange &change) {
    if (!value) return invalidValue(std::string(opName(kind)) + " of members requires a value");
    auto members = readMembers(*value);
    if (!members) return members.takeError();
    if (kind == OpKind::Replace) clearMembers(change);
    for (Member &m : *members) addMember(change, std::move(m));
    return Done{};
}

}  // namespace

bool isMembersPath(const PatchPath &p) noexcept {
    return p.attr && p.attr == groupSchema().find("members");
}

Status applyMembers(OpKind kind, const PatchPath &p, const Json *value, MembersChange &change) {
    if (p.subAttr) return subAttributeOp(p);
    if (p.filter) {
        if (kind == OpKind::Remove) return removeFiltered(p, change);
        return invalidPath("use path \"members\" to " + std::string(opName(kind)) +
                           " members; a members filter is only supported by remove");
    }
    if (kind == OpKind::Remove) return removeListed(value, change);
    return addListed(kind, value, change);
}

}  // namespace scim::patch
