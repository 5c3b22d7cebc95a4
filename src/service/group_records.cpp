#include "group_records.hpp"

#include <algorithm>
#include <unordered_map>

#include "role_context.hpp"
#include "scim/ids.hpp"
#include "scim/input_checks.hpp"
#include "scim/member_count.hpp"
#include "scim/query_string.hpp"
#include "scim/resource.hpp"
#include "scim/store/group_index.hpp"
#include "scim/store/group_scripts.hpp"
#include "scim/strings.hpp"

namespace scim {

namespace {

const Attribute &membersAttribute() { return *groupSchema().find("members"); }

// Whether `names` select members: the attribute itself, the core Group
// schema URN, or (unless `wholeOnly`) one of its sub-attributes.
bool namesMembers(const std::vector<std::string> &names, bool wholeOnly) {
    for (const std::string &name : names) {
        if (groupResourceType().schemaByUrn(name) == &groupSchema()) return true;
        AttrPath p = resolvePath(groupResourceType(), name);
        if (p.attr == &membersAttribute() && (!wholeOnly || !p.subAttr)) return true;
    }
    return false;
}

Json membersJson(const StoredGroup &g, const Request &request, JsonAlloc &a) {
    Json list(rapidjson::kArrayType);
    for (const StoredMember &m : g.members) {
        Json e(rapidjson::kObjectType);
        e.AddMember("value", jstr(m.id, a), a);
        std::string endpoint = m.type == "Group" ? "/Groups/" : "/Users/";
        e.AddMember("$ref", jstr(request.baseUrl + endpoint + m.id, a), a);
        if (!m.display.empty()) e.AddMember("display", jstr(m.display, a), a);
        e.AddMember("type", jstr(m.type, a), a);
        list.PushBack(e, a);
    }
    return list;
}

// Keeps "meta" last, where renderResource put it.
void insertBeforeMeta(Json &resource, std::string_view name, Json value, JsonAlloc &a) {
    Json meta;
    if (auto m = resource.FindMember("meta"); m != resource.MemberEnd()) {
        meta = std::move(m->value);
        resource.RemoveMember(m);
    }
    resource.AddMember(jstr(name, a), value, a);
    if (!meta.IsNull()) resource.AddMember("meta", meta, a);
}

void flagTruncation(Json &resource, const StoredGroup &g, JsonAlloc &a) {
    if (auto s = resource.FindMember("schemas"); s != resource.MemberEnd() && s->value.IsArray()) {
        s->value.PushBack(jstr(kGroupMembersExtensionUrn, a), a);
    }
    Json flag(rapidjson::kObjectType);
    flag.AddMember("membersTruncated", true, a);
    flag.AddMember("memberCount", Json(static_cast<int64_t>(g.memberTotal)), a);
    insertBeforeMeta(resource, kGroupMembersExtensionUrn, std::move(flag), a);
}

// Members of a POST/PUT body, taken out of the document. A member listed
// twice is kept once, with the last display sent.
std::vector<patch::Member> takeMembers(JsonDoc &doc) {
    std::vector<patch::Member> out;
    std::unordered_map<std::string, size_t> index;  // id -> position in out
    auto list = doc.FindMember("members");
    if (list == doc.MemberEnd()) return out;
    if (list->value.IsArray()) {
        for (const Json &e : list->value.GetArray()) {
            const Json *value = e.IsObject() ? findMember(e, "value") : nullptr;
            if (!value || !value->IsString()) continue;  // the normaliser requires it
            const Json *display = findMember(e, "display");
            patch::Member m;
            m.value = std::string(str(*value));
            if (display && display->IsString()) m.display = std::string(str(*display));
            auto [at, fresh] = index.emplace(m.value, out.size());
            if (fresh) {
                out.push_back(std::move(m));
            } else {
                out[at->second] = std::move(m);  // the last mention wins
            }
        }
    }
    doc.RemoveMember(list);
    return out;
}

std::vector<store::MemberAdd> memberAdds(const std::vector<patch::Member> &members) {
    std::vector<store::MemberAdd> out;
    out.reserve(members.size());
    for (const patch::Member &m : members) out.push_back({m.value, m.display});
    return out;
}

}  // namespace

std::string groupLocation(const Request &request, std::string_view id) {
    std::string location;
    location.reserve(request.baseUrl.size() + 8 + id.size());
    return location.append(request.baseUrl).append("/Groups/").append(id);
}

StoredGroup storedGroup(store::GroupRecord record, std::string id) {
    StoredGroup g;
    g.id = std::move(id);
    g.doc = std::move(record.doc);
    g.version = record.version;
    g.created = std::move(record.created);
    g.lastModified = std::move(record.lastModified);
    takeMembers(g, std::move(record.members));
    return g;
}

void takeMembers(StoredGroup &g, store::GroupMembers members) {
    g.memberTotal = members.total;
    g.membersRead = members.total >= 0;
    g.members = std::move(members.members);
}

Expected<Projection> requestedProjection(const Request &request) {
    auto asked = projectionParams(request.query);
    return parseProjection(asked.attributes, asked.excluded);
}

bool membersWanted(const Projection &p) {
    if (!p.attributes.empty()) return namesMembers(p.attributes, false);
    return !namesMembers(p.excluded, true);
}

long long memberCap(const ServiceConfig &config, bool wanted) {
    return wanted ? static_cast<long long>(config.maxMembersReturned) : -1;
}

store::Command readGroupCommand(const Request &request, const ServiceConfig &config,
                                const std::string &id, bool withMembers) {
    auto keys = keysFor(request, config);
    if (!withMembers) return store::readGroupHead(keys, id);
    return store::readGroup(keys, id, memberCap(config, true));
}

void addMembersTo(Json &resource, const StoredGroup &g, const Projection &projection,
                  const Request &request, JsonAlloc &a) {
    if (!g.membersRead || g.members.empty()) return;
    Json holder(rapidjson::kObjectType);
    holder.AddMember("members", membersJson(g, request, a), a);
    if (!projection.empty()) applyProjection(holder, groupResourceType(), projection, a);
    auto members = holder.FindMember("members");
    if (members == holder.MemberEnd()) return;
    insertBeforeMeta(resource, "members", std::move(members->value), a);
    if (g.truncated()) flagTruncation(resource, g, a);
}

Expected<JsonDoc> renderStoredGroup(const StoredGroup &g, const Request &request,
                                    const ServiceConfig &config) {
    JsonDoc doc;
    doc.Parse(g.doc.data(), g.doc.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        return internalError("stored group " + g.id + " is not a JSON object");
    }
    ResourceMeta meta{g.id, g.created, g.lastModified, g.version, groupLocation(request, g.id)};
    JsonDoc out = renderResource(config.groupType(), doc, meta);
    auto projection = requestedProjection(request);
    if (!projection) return projection.takeError();
    // Even when empty: it drops what is returned only on request.
    applyProjection(out, config.groupType(), *projection, out.GetAllocator());
    addMembersTo(out, g, *projection, request, out.GetAllocator());
    return out;
}

Response groupResponse(int status, const StoredGroup &g, const Request &request,
                       const ServiceConfig &config) {
    return resourceResponse(status, renderStoredGroup(g, request, config), g.version,
                            groupLocation(request, g.id));
}

Expected<GroupWrite> finishGroupWrite(JsonDoc doc, const ServiceConfig &config,
                                      bool checkExtensions) {
    GroupWrite w;
    w.doc = std::move(doc);
    const Json *name = findMember(w.doc, "displayName");
    if (!name || !name->IsString() || name->GetStringLength() == 0) {
        return invalidValue("attribute 'displayName' is required");
    }
    w.displayName = std::string(str(*name));
    if (checkExtensions) {
        if (auto failure = checkExtensionRequirements(config.groupType(), w.doc)) return *failure;
    }
    if (auto refused = checkIdentifiers(w.doc, "displayName")) return *refused;
    w.docText = toString(w.doc);
    return w;
}

std::optional<Error> memberCountRefusal(std::string_view body, const ServiceConfig &config) {
    size_t named = countNamedMembers(body);
    if (named <= config.maxMembersPerRequest) return std::nullopt;
    return payloadTooLarge("the request names " + std::to_string(named) +
                           " members; scim_max_members_per_request allows " +
                           std::to_string(config.maxMembersPerRequest));
}

Expected<GroupWrite> prepareGroupWrite(const Request &request, const ServiceConfig &config) {
    if (auto refused = memberCountRefusal(request.body, config)) return *refused;
    auto parsed = parseJson(request.body, config.json);
    if (!parsed) return parsed.takeError();
    auto normalized = normalizeResource(config.groupType(), *parsed);
    if (!normalized) return normalized.takeError();
    std::vector<patch::Member> members = takeMembers(normalized->doc);
    auto write = finishGroupWrite(std::move(normalized->doc), config);
    if (write) write->members = std::move(members);
    return write;
}

namespace {

store::GroupFields groupFields(const store::KeySpace &keys, const ServiceConfig &config,
                               const std::string &id, const GroupWrite &w) {
    return {id, w.docText, w.displayName,
            store::groupIndexEntries(w.doc, id, uniqueIndexes(keys, config, config.groupType()))};
}

}  // namespace

store::Command createGroupCommand(const Request &request, const ServiceConfig &config,
                                  const std::string &id, const GroupWrite &w, long long cap) {
    auto keys = keysFor(request, config);
    return store::createGroup(keys, {groupFields(keys, config, id, w), memberAdds(w.members),
                                     config.groupDisplayNameUnique, cap,
                                     writeStamp(request, config),
                                     roleContextArg(request, config)});
}

store::Command updateGroupCommand(const Request &request, const ServiceConfig &config,
                                  const std::string &id, const GroupWrite *w,
                                  const patch::MembersChange &members,
                                  const GroupPreconditions &expected, long long cap) {
    auto keys = keysFor(request, config);
    store::UpdateGroupArgs args;
    args.group = w ? groupFields(keys, config, id, *w) : store::GroupFields{id, "", "", "[]"};
    args.expectedVersion = expected.version;
    args.expectedDoc = expected.doc;
    args.replaceMembers = members.clearFirst;
    args.add = memberAdds(members.add);
    args.remove = members.remove;
    args.uniqueDisplayName = config.groupDisplayNameUnique;
    args.memberCap = cap;
    args.stamp = writeStamp(request, config);
    args.roleContext = roleContextArg(request, config);
    return store::updateGroup(keys, args);
}

std::optional<Response> takeGroupWrite(store::GroupWriteResult result, StoredGroup &group,
                                       const std::string &displayName) {
    if (auto failed = groupWriteFailure(result.outcome, group.id, displayName)) return failed;
    group = storedGroup(std::move(result.group), std::move(group.id));
    return std::nullopt;
}

std::optional<Response> groupWriteFailure(const store::WriteOutcome &outcome,
                                          const std::string &id, const std::string &displayName) {
    using Kind = store::WriteOutcome::Kind;
    const std::string &member = outcome.member;
    switch (outcome.kind) {
    case Kind::Ok: return std::nullopt;
    case Kind::NotFound: return errorResponse(notFound("Group " + id + " not found"));
    case Kind::Uniqueness:
        if (auto taken = uniqueValueConflict(outcome)) return taken;
        return errorResponse(uniqueness("displayName '" + displayName + "' is already taken"));
    case Kind::Precondition:
        return errorResponse(preconditionFailed(
            "If-Match does not match the current version W/\"" + outcome.version + "\""));
    case Kind::NoMember:
        return errorResponse(invalidValue("members: no User or Group with id '" + member +
                                          "' exists"));
    case Kind::Cycle:
        if (member == id) {
            return errorResponse(invalidValue("members: a group cannot be a member of itself"));
        }
        return errorResponse(invalidValue("members: group '" + member + "' contains group " + id +
                                          ", so adding it would make a cycle"));
    case Kind::TooDeep:
        return errorResponse(invalidValue("members: group '" + member +
                                          "' cannot be added: the groups above " + id +
                                          " are too many to check for cycles"));
    default: return storeFailure(outcome.error);
    }
}

}  // namespace scim
