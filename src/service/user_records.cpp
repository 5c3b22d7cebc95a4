#include "user_records.hpp"

#include <algorithm>
#include <tuple>

#include "scim/ids.hpp"
#include "scim/input_checks.hpp"
#include "scim/query_string.hpp"
#include "scim/render_text.hpp"
#include "scim/resource.hpp"
#include "scim/store/group_scripts.hpp"
#include "scim/store/scripts.hpp"
#include "scim/store/user_index.hpp"
#include "role_context.hpp"
#include "scim/strings.hpp"

namespace scim {

std::string userLocation(const Request &request, std::string_view id) {
    std::string location;
    location.reserve(request.baseUrl.size() + 7 + id.size());
    return location.append(request.baseUrl).append("/Users/").append(id);
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

// The groups as addGroups renders them, as JSON text.
std::string groupsText(const std::vector<UserGroup> &groups, const Request &request) {
    JsonDoc doc(rapidjson::kObjectType);
    addGroups(doc, groups, request);
    return toString(doc["groups"]);
}

// The fast path (scim/render_text.hpp); nullopt when the DOM path must do it.
std::optional<std::string> userText(const StoredUser &user, const ResourceMeta &meta,
                                    const Request &request, const ServiceConfig &config) {
    std::string groups = user.groups.empty() ? "" : groupsText(user.groups, request);
    DerivedAttribute derived{"groups", groups};
    JsonOut out(user.doc.size() + groups.size() + 512);
    JsonWriter w(out);
    if (!renderResourceText(w, config.userType(), user.doc, meta,
                            user.groups.empty() ? nullptr : &derived)) {
        return std::nullopt;
    }
    return out.take();
}

}  // namespace

Expected<std::string> renderStoredUser(const StoredUser &user, const Request &request,
                                       const ServiceConfig &config) {
    auto asked = projectionParams(request.query);
    auto projection = parseProjection(asked.attributes, asked.excluded);
    ResourceMeta meta{user.id, user.created, user.lastModified, user.version,
                      userLocation(request, user.id)};
    if (projection && projection->empty()) {
        if (auto text = userText(user, meta, request, config)) return std::move(*text);
    }
    JsonDoc doc;
    doc.Parse(user.doc.data(), user.doc.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        return internalError("stored user " + user.id + " is not a JSON object");
    }
    if (!user.groups.empty()) addGroups(doc, user.groups, request);
    JsonDoc out = renderResource(config.userType(), doc, meta);
    if (!projection) return projection.takeError();
    // Even when empty: it drops what is returned only on request.
    applyProjection(out, config.userType(), *projection, out.GetAllocator());
    return toString(out);
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

store::Command UserRead::start(const Request &request, const ServiceConfig &config,
                               const std::string &id) {
    naming_ = false;
    keys_.emplace(keysFor(request, config));
    return store::readUser(*keys_, id);
}

UserRead::Next UserRead::onReplies(const std::vector<const redisReply *> &replies) {
    if (naming_) {
        naming_ = false;
        if (auto error = store::readGroupNamesReplies(replies, read_.record->groups)) {
            return Outcome{std::nullopt, std::move(error)};
        }
        return std::move(read_);
    }
    Outcome read = store::readUserReplies(replies);
    if (!read.record || read.record->groups.empty()) return read;
    read_ = std::move(read);
    naming_ = true;
    return store::readGroupNames(*keys_, read_.record->groups);
}

StoredUser storedUserWithGroups(store::UserRecord record, std::string id) {
    StoredUser u;
    u.id = std::move(id);
    u.doc = std::move(record.doc);
    u.version = record.version;
    u.created = std::move(record.created);
    u.lastModified = std::move(record.lastModified);
    u.groups = userGroups(std::move(record.groups));
    return u;
}

std::vector<UserGroup> userGroups(std::vector<std::pair<std::string, std::string>> pairs) {
    std::vector<UserGroup> groups;
    groups.reserve(pairs.size());
    for (auto &[groupId, display] : pairs) groups.push_back({std::move(groupId), std::move(display)});
    // Redis sets have no order; a stable one keeps ETag-equal bodies equal.
    std::sort(groups.begin(), groups.end(), [](const UserGroup &a, const UserGroup &b) {
        return std::tie(a.display, a.id) < std::tie(b.display, b.id);
    });
    return groups;
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

store::UserFields userFields(const Request &request, const ServiceConfig &config,
                             const std::string &id, const UserWrite &w) {
    auto keys = keysFor(request, config);
    return {id,
            w.userName,
            w.docText,
            w.passwordHash,
            activeFlag(w.doc),
            store::userIndexEntries(w.doc, id, uniqueIndexes(keys, config, config.userType())),
            claimedKeyArg(request, config)};
}

store::WriteStamp writeStamp(const Request &request, const ServiceConfig &config) {
    return {formatTimestamp(request.nowMillis), request.nowMillis, request.tokenName,
            config.eventsMaxLen};
}

namespace {
// A replace's only role work is scim_role_on_deactivate drop: without it the
// script needs no context (and Redis decodes none).
std::string replaceRoleContext(const Request &request, const ServiceConfig &config) {
    return config.roles.dropOnDeactivate ? roleContextArg(request, config) : std::string();
}
}  // namespace

store::Command replaceUserCommand(const Request &request, const ServiceConfig &config,
                                  const std::string &id, const UserWrite &w,
                                  const std::string &expectedVersion, const std::string &changed,
                                  bool withGroups, bool changedIsComplete) {
    return store::replaceUser(keysFor(request, config),
                              {userFields(request, config, id, w), expectedVersion, changed,
                               changedIsComplete, writeStamp(request, config), replaceRoleContext(request, config),
                               withGroups});
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

std::optional<Response> uniqueValueConflict(const store::WriteOutcome &outcome) {
    if (outcome.kind != store::WriteOutcome::Kind::Uniqueness || outcome.attribute.empty()) {
        return std::nullopt;
    }
    return errorResponse(uniqueness("attribute '" + outcome.attribute + "' value '" +
                                    outcome.value + "' is already taken"));
}

std::string claimedKeyArg(const Request &request, const ServiceConfig &config) {
    return config.claimGuard ? keysFor(request, config).claimed() : "";
}

// The identifier is named: the IdP admin must learn which one to change.
Response claimedConflict(const store::WriteOutcome &outcome) {
    return errorResponse(uniqueness(outcome.attribute + " '" + outcome.value +
                                    "' belongs to an account this organisation does not manage"));
}

std::optional<Response> replaceFailure(const store::WriteOutcome &outcome, const std::string &id,
                                       const std::string &userName) {
    using Kind = store::WriteOutcome::Kind;
    switch (outcome.kind) {
    case Kind::Ok: return std::nullopt;
    case Kind::NotFound: return errorResponse(notFound("User " + id + " not found"));
    case Kind::Uniqueness:
        if (auto taken = uniqueValueConflict(outcome)) return taken;
        return uniquenessConflict(userName);
    case Kind::Claimed: return claimedConflict(outcome);
    case Kind::Precondition:
        return errorResponse(preconditionFailed("If-Match does not match the current version W/\"" +
                                                outcome.version + "\""));
    default: return storeFailure(outcome.error);
    }
}

void readReplaceResult(const store::UserWriteResult &result, StoredUser &user) {
    user.version = result.version;
    user.created = result.created;
    user.lastModified = result.lastModified;
}

}  // namespace scim
