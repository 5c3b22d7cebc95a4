#include "user_records.hpp"

#include <algorithm>
#include <tuple>

#include "scim/ids.hpp"
#include "scim/input_checks.hpp"
#include "scim/query_string.hpp"
#include "scim/resource.hpp"
#include "scim/store/group_scripts.hpp"
#include "scim/store/reply.hpp"
#include "scim/store/scripts.hpp"
#include "scim/store/user_index.hpp"
#include "role_context.hpp"
#include "scim/strings.hpp"

namespace scim {

std::string userLocation(const Request &request, std::string_view id) {
    return request.baseUrl + "/Users/" + std::string(id);
}

namespace {

// User.groups is read-only and never stored in the document: it comes from
// the memberof index, as direct memberships.
void addGroups(JsonDoc &doc, const std::vector<UserGroup> &groups, const Request &request) {
    auto &a = doc.GetAllocator();
    Json list(rapidjson::kArrayType);
    for (const UserGroup &g : groups) {
        Json entry(rapidjson::kObjectType);
        entry.AddMember("value", jstr(g.id, a), a);
        entry.AddMember("$ref", jstr(request.baseUrl + "/Groups/" + g.id, a), a);
        entry.AddMember("display", jstr(g.display, a), a);
        entry.AddMember("type", "direct", a);
        list.PushBack(entry, a);
    }
    doc.RemoveMember("groups");
    doc.AddMember("groups", list, a);
}

}  // namespace

Expected<JsonDoc> renderStoredUser(const StoredUser &user, const Request &request,
                                   const ServiceConfig &config) {
    JsonDoc doc;
    doc.Parse(user.doc.data(), user.doc.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        return internalError("stored user " + user.id + " is not a JSON object");
    }
    if (!user.groups.empty()) addGroups(doc, user.groups, request);
    ResourceMeta meta{user.id, user.created, user.lastModified, user.version,
                      userLocation(request, user.id)};
    JsonDoc out = renderResource(config.userType(), doc, meta);
    auto params = parseQuery(request.query);
    auto projection = parseProjection(params["attributes"], params["excludedattributes"]);
    if (!projection) return projection.takeError();
    // Even when empty: it drops what is returned only on request.
    applyProjection(out, config.userType(), *projection, out.GetAllocator());
    return out;
}

Response userResponse(int status, const StoredUser &user, const Request &request,
                      const ServiceConfig &config) {
    return resourceResponse(status, renderStoredUser(user, request, config), user.version,
                            userLocation(request, user.id));
}

std::string activeFlag(const Json &doc) {
    const Json *active = findMember(doc, "active");
    if (!active || !active->IsBool()) return "";
    return active->GetBool() ? "1" : "0";
}

store::KeySpace keysFor(const Request &request, const ServiceConfig &config) {
    return store::KeySpace(config.keyPrefix, request.tenant);
}

Response storeFailure(std::string_view what) {
    (void)what;  // Redis's text is logged by the edge, never shown to clients
    return errorResponse(unavailable("the store is unavailable; retry later"));
}

store::Command readUserCommand(const Request &request, const ServiceConfig &config,
                               const std::string &id) {
    auto keys = keysFor(request, config);
    return store::scriptCall(store::readUserWithGroupsScript(), {keys.user(id), keys.memberOf(id)},
                             {keys.groupKeyPrefix()});
}

std::optional<StoredUser> storedUserWithGroups(const redisReply &reply, std::string id) {
    auto user = storedUserFrom(reply, std::move(id));
    if (!user) return user;
    for (size_t i = 4; i + 2 <= reply.elements; i += 2) {
        user->groups.push_back({std::string(store::textAt(reply, i)),
                                std::string(store::textAt(reply, i + 1))});
    }
    // Redis sets have no order; a stable one keeps ETag-equal bodies equal.
    std::sort(user->groups.begin(), user->groups.end(), [](const UserGroup &a, const UserGroup &b) {
        return std::tie(a.display, a.id) < std::tie(b.display, b.id);
    });
    return user;
}

std::optional<StoredUser> storedUserFrom(const redisReply &reply, std::string id, size_t offset) {
    if (!store::isArray(reply) || reply.elements < offset + 4) return std::nullopt;
    const redisReply *doc = store::element(reply, offset);
    if (!doc || doc->type != REDIS_REPLY_STRING) return std::nullopt;
    StoredUser u;
    u.id = std::move(id);
    u.doc = std::string(store::text(*doc));
    u.version = static_cast<uint64_t>(store::integer(*store::element(reply, offset + 1)).value_or(1));
    u.created = std::string(store::textAt(reply, offset + 2));
    u.lastModified = std::string(store::textAt(reply, offset + 3));
    return u;
}

Expected<UserWrite> finishWrite(JsonDoc doc, const std::optional<std::string> &password,
                                const ServiceConfig &config, bool checkExtensions) {
    UserWrite w;
    w.doc = std::move(doc);
    const Json *userName = findMember(w.doc, "userName");
    if (!userName || !userName->IsString() || userName->GetStringLength() == 0) {
        return invalidValue("attribute 'userName' is required");
    }
    w.userName = std::string(str(*userName));
    if (checkExtensions) {
        if (auto failure = checkExtensionRequirements(config.userType(), w.doc)) return *failure;
    }
    if (auto refused = checkIdentifiers(w.doc, "userName")) return *refused;
    w.docText = toString(w.doc);
    w.passwordSent = password.has_value();
    if (password && config.storePasswords) w.passwordHash = hashPassword(*password);
    return w;
}

Expected<UserWrite> prepareWrite(const Request &request, const ServiceConfig &config) {
    auto parsed = parseJson(request.body, config.json);
    if (!parsed) return parsed.takeError();
    auto normalized = normalizeResource(config.userType(), *parsed);
    if (!normalized) return normalized.takeError();
    return finishWrite(std::move(normalized->doc), normalized->password, config);
}

store::Command replaceUserCommand(const Request &request, const ServiceConfig &config,
                                  const std::string &id, const UserWrite &w,
                                  const std::string &expectedVersion, const std::string &changed) {
    return store::scriptCall(
        store::replaceUserScript(), store::userWriteKeys(keysFor(request, config), id),
        {id, lower(w.userName), w.userName, w.docText, formatTimestamp(request.nowMillis),
         w.passwordHash, activeFlag(w.doc), expectedVersion, request.tokenName,
         std::to_string(config.eventsMaxLen), changed, std::to_string(request.nowMillis),
         store::userIndexEntries(w.doc, id, uniqueIndexes(keysFor(request, config), config,
                                                          config.userType())),
         claimedKeyArg(request, config),
         roleContextArg(request, config)});
}

Response uniquenessConflict(const std::string &userName) {
    return errorResponse(uniqueness("userName '" + userName + "' is already taken"));
}

std::vector<store::UniqueIndex> uniqueIndexes(const store::KeySpace &keys,
                                              const ServiceConfig &config,
                                              const ResourceType &rt) {
    std::vector<store::UniqueIndex> out;
    bool group = &rt == &config.groupType();
    for (const UniqueAttribute &u : config.schemaSet->unique(rt)) {
        std::string path = u.path();
        out.push_back({group ? keys.groupUnique(path) : keys.userUnique(path), u.schema->id,
                       u.attr->name, u.attr->caseExact});
    }
    for (const IndexedAttribute &i : config.indexes(rt)) {
        std::string path = i.path();
        out.push_back({group ? keys.groupIndex(path) : keys.userIndex(path),
                       i.extension ? i.schema->id : "", i.attr->name, i.attr->caseExact, true});
    }
    return out;
}

std::optional<Response> uniqueValueConflict(const redisReply &reply) {
    if (store::textAt(reply, 0) != "uniqueness" || reply.elements < 4) return std::nullopt;
    return errorResponse(uniqueness("attribute '" + std::string(store::textAt(reply, 2)) +
                                    "' value '" + std::string(store::textAt(reply, 3)) +
                                    "' is already taken"));
}

std::string claimedKeyArg(const Request &request, const ServiceConfig &config) {
    return config.claimGuard ? keysFor(request, config).claimed() : "";
}

// The identifier is named: the IdP admin must learn which one to change.
Response claimedConflict(const redisReply &reply) {
    return errorResponse(uniqueness(std::string(store::textAt(reply, 1)) + " '" +
                                    std::string(store::textAt(reply, 2)) +
                                    "' belongs to an account this organisation does not manage"));
}

std::optional<Response> replaceFailure(const redisReply &reply, const std::string &id,
                                       const std::string &userName) {
    std::string_view status = store::textAt(reply, 0);
    if (status == "ok") return std::nullopt;
    if (status == "notfound") return errorResponse(notFound("User " + id + " not found"));
    if (auto taken = uniqueValueConflict(reply)) return taken;
    if (status == "uniqueness") return uniquenessConflict(userName);
    if (status == "claimed") return claimedConflict(reply);
    if (status == "precondition") {
        return errorResponse(preconditionFailed("If-Match does not match the current version W/\"" +
                                                std::string(store::textAt(reply, 1)) + "\""));
    }
    return storeFailure(store::text(reply));
}

void readReplaceResult(const redisReply &reply, StoredUser &user) {
    user.version = store::integer(*store::element(reply, 1)).value_or(1);
    user.created = std::string(store::textAt(reply, 2));
    user.lastModified = std::string(store::textAt(reply, 3));
}

}  // namespace scim
