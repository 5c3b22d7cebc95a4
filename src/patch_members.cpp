#include "patch_members.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "patch_filter_terms.hpp"
#include "scim/strings.hpp"

namespace scim::patch {

namespace {

// Members named in one operation, the last mention of an id winning, in
// first-mention order. Hash sets keep every step linear in the list sizes.
std::vector<Member> lastMentions(std::vector<Member> members) {
    std::unordered_map<std::string, size_t> at;
    std::vector<Member> out;
    out.reserve(members.size());
    for (Member &m : members) {
        auto [it, fresh] = at.emplace(m.value, out.size());
        if (fresh) {
            out.push_back(std::move(m));
        } else {
            out[it->second] = std::move(m);
        }
    }
    return out;
}

void addMembers(MembersChange &c, std::vector<Member> members) {
    members = lastMentions(std::move(members));
    std::unordered_map<std::string_view, Member *> incoming;
    for (Member &m : members) incoming.emplace(m.value, &m);
    auto &rm = c.remove;
    rm.erase(std::remove_if(rm.begin(), rm.end(),
                            [&](const std::string &id) { return incoming.count(id) != 0; }),
             rm.end());
    std::unordered_set<std::string_view> replaced;
    for (Member &existing : c.add) {
        auto it = incoming.find(existing.value);
        if (it == incoming.end()) continue;
        replaced.insert(it->first);
        existing = *it->second;
    }
    for (Member &m : members) {
        if (!replaced.count(m.value)) c.add.push_back(std::move(m));
    }
}

void removeMembers(MembersChange &c, const std::vector<std::string> &ids) {
    std::unordered_set<std::string_view> gone(ids.begin(), ids.end());
    auto &add = c.add;
    add.erase(std::remove_if(add.begin(), add.end(),
                             [&](const Member &m) { return gone.count(m.value) != 0; }),
              add.end());
    if (c.clearFirst) return;  // after a clear the member is gone anyway
    std::unordered_set<std::string> listed(c.remove.begin(), c.remove.end());
    for (const std::string &id : ids) {
        if (listed.insert(id).second) c.remove.push_back(id);
    }
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
    removeMembers(change, *ids);
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
    std::vector<std::string> ids;
    ids.reserve(members->size());
    for (Member &m : *members) ids.push_back(std::move(m.value));
    removeMembers(change, ids);
    return Done{};
}

Status addListed(OpKind kind, const Json *value, MembersChange &change) {
    if (!value) return invalidValue(std::string(opName(kind)) + " of members requires a value");
    auto members = readMembers(*value);
    if (!members) return members.takeError();
    if (kind == OpKind::Replace) clearMembers(change);
    addMembers(change, std::move(*members));
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
