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
#include "scim/store/reply.hpp"
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

// Stored member JSON is {"type":"User"|"Group","display":"…"}.
StoredMember memberFrom(std::string id, std::string_view stored) {
    StoredMember m{std::move(id), "User", ""};
    JsonDoc d;
    d.Parse(stored.data(), stored.size());
    if (d.HasParseError() || !d.IsObject()) return m;
    if (auto t = d.FindMember("type"); t != d.MemberEnd() && t->value.IsString()) {
        m.type = std::string(str(t->value));
    }
    if (auto n = d.FindMember("display"); n != d.MemberEnd() && n->value.IsString()) {
        m.display = std::string(str(n->value));
    }
    return m;
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

// [[id, display], …] for the write scripts.
std::string addsJson(const std::vector<patch::Member> &members) {
    JsonDoc out(rapidjson::kArrayType);
    auto &a = out.GetAllocator();
    for (const patch::Member &m : members) {
        Json pair(rapidjson::kArrayType);
        pair.PushBack(jstr(m.value, a), a).PushBack(jstr(m.display, a), a);
        out.PushBack(pair, a);
    }
    return toString(out);
}

std::string idsJson(const std::vector<std::string> &ids) {
    JsonDoc out(rapidjson::kArrayType);
    for (const std::string &id : ids) out.PushBack(jstr(id, out.GetAllocator()), out.GetAllocator());
    return toString(out);
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

// ARGV that every group write shares at its end.
void appendContext(std::vector<std::string> &args, const store::KeySpace &keys, long long cap) {
    args.push_back(keys.userKeyPrefix());
    args.push_back(keys.groupKeyPrefix());
    args.push_back(keys.memberOfPrefix());
    args.push_back(std::to_string(cap));
}

}  // namespace

std::string groupLocation(const Request &request, std::string_view id) {
    return request.baseUrl + "/Groups/" + std::string(id);
}

bool readGroupHead(const redisReply &reply, size_t offset, StoredGroup &g) {
    const redisReply *doc = store::element(reply, offset);
    if (!doc || doc->type != REDIS_REPLY_STRING) return false;
    g.doc = std::string(store::text(*doc));
    const redisReply *version = store::element(reply, offset + 1);
    g.version = version ? store::integer(*version).value_or(1) : 1;
    g.created = std::string(store::textAt(reply, offset + 2));
    g.lastModified = std::string(store::textAt(reply, offset + 3));
    return true;
}

std::optional<size_t> readGroupMembers(const redisReply &reply, size_t offset, StoredGroup &g) {
    const redisReply *total = store::element(reply, offset);
    const redisReply *count = store::element(reply, offset + 1);
    if (!total || !count) return std::nullopt;
    g.memberTotal = store::integer(*total).value_or(-1);
    long long n = store::integer(*count).value_or(-1);
    size_t end = offset + 2 + 2 * static_cast<size_t>(std::max(n, 0LL));
    if (n < 0 || end > reply.elements) return std::nullopt;
    g.membersRead = g.memberTotal >= 0;
    g.members.clear();
    g.members.reserve(static_cast<size_t>(n));
    for (size_t i = offset + 2; i < end; i += 2) {
        g.members.push_back(
            memberFrom(std::string(store::textAt(reply, i)), store::textAt(reply, i + 1)));
    }
    return end;
}

std::optional<size_t> readGroupRecord(const redisReply &reply, size_t offset, StoredGroup &g) {
    if (!readGroupHead(reply, offset, g)) return std::nullopt;
    return readGroupMembers(reply, offset + 4, g);
}

Expected<Projection> requestedProjection(const Request &request) {
    auto params = parseQuery(request.query);
    return parseProjection(params["attributes"], params["excludedattributes"]);
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
    if (!withMembers) {
        return store::plain({"HMGET", keys.group(id), "doc", "version", "created", "lastModified"});
    }
    return store::scriptCall(store::readGroupScript(), {keys.group(id)},
                             {std::to_string(memberCap(config, true))});
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

store::Command createGroupCommand(const Request &request, const ServiceConfig &config,
                                  const std::string &id, const GroupWrite &w, long long cap) {
    auto keys = keysFor(request, config);
    std::vector<std::string> args{id,
                                  w.docText,
                                  w.displayName,
                                  lower(w.displayName),
                                  store::groupIndexEntries(w.doc, id, uniqueIndexes(keys, config, config.groupType())),
                                  addsJson(w.members),
                                  formatTimestamp(request.nowMillis),
                                  std::to_string(request.nowMillis),
                                  request.tokenName,
                                  std::to_string(config.eventsMaxLen),
                                  config.groupDisplayNameUnique ? "1" : "0"};
    appendContext(args, keys, cap);
    args.push_back(roleContextArg(request, config));
    return store::scriptCall(store::createGroupScript(), store::groupWriteKeys(keys, id),
                             std::move(args));
}

store::Command updateGroupCommand(const Request &request, const ServiceConfig &config,
                                  const std::string &id, const GroupWrite *w,
                                  const patch::MembersChange &members,
                                  const GroupPreconditions &expected, long long cap) {
    auto keys = keysFor(request, config);
    std::vector<std::string> args{id,
                                  expected.version,
                                  w ? w->docText : "",
                                  w ? w->displayName : "",
                                  w ? lower(w->displayName) : "",
                                  w ? store::groupIndexEntries(w->doc, id, uniqueIndexes(keys, config, config.groupType()))
                                    : "[]",
                                  members.clearFirst ? "1" : "0",
                                  addsJson(members.add),
                                  idsJson(members.remove),
                                  formatTimestamp(request.nowMillis),
                                  std::to_string(request.nowMillis),
                                  request.tokenName,
                                  std::to_string(config.eventsMaxLen),
                                  config.groupDisplayNameUnique ? "1" : "0"};
    appendContext(args, keys, cap);
    args.push_back(expected.doc);
    args.push_back(roleContextArg(request, config));
    return store::scriptCall(store::updateGroupScript(), store::groupWriteKeys(keys, id),
                             std::move(args));
}

std::optional<Response> readGroupWrite(const redisReply &reply, StoredGroup &group,
                                       const std::string &displayName) {
    if (auto failed = groupWriteFailure(reply, group.id, displayName)) return failed;
    if (!readGroupRecord(reply, 1, group)) return storeFailure("malformed group record");
    return std::nullopt;
}

std::optional<Response> groupWriteFailure(const redisReply &reply, const std::string &id,
                                          const std::string &displayName) {
    std::string_view status = store::textAt(reply, 0);
    std::string detail(store::textAt(reply, 1));
    if (status == "ok") return std::nullopt;
    if (status == "notfound") return errorResponse(notFound("Group " + id + " not found"));
    if (auto taken = uniqueValueConflict(store::readWriteOutcome(reply))) return taken;
    if (status == "uniqueness") {
        return errorResponse(uniqueness("displayName '" + displayName + "' is already taken"));
    }
    if (status == "precondition") {
        return errorResponse(preconditionFailed(
            "If-Match does not match the current version W/\"" + detail + "\""));
    }
    if (status == "nomember") {
        return errorResponse(invalidValue("members: no User or Group with id '" + detail +
                                          "' exists"));
    }
    if (status == "cycle" && detail == id) {
        return errorResponse(invalidValue("members: a group cannot be a member of itself"));
    }
    if (status == "cycle") {
        return errorResponse(invalidValue("members: group '" + detail + "' contains group " + id +
                                          ", so adding it would make a cycle"));
    }
    if (status == "toodeep") {
        return errorResponse(invalidValue("members: group '" + detail +
                                          "' cannot be added: the groups above " + id +
                                          " are too many to check for cycles"));
    }
    return storeFailure(store::text(reply));
}

}  // namespace scim
