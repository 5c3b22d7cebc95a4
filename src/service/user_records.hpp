// Shared by the User exchanges: how a stored user becomes a response.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "exchanges.hpp"
#include "scim/store/keys.hpp"
#include "scim/store/user_index.hpp"
#include "scim/store/user_scripts.hpp"

namespace scim {

// A group the user is a direct member of (the read-only User.groups).
struct UserGroup {
    std::string id;
    std::string display;
};

// The fields of a stored user hash that rendering needs.
struct StoredUser {
    std::string id;
    std::string doc;  // canonical JSON
    uint64_t version = 0;
    std::string created;
    std::string lastModified;
    std::vector<UserGroup> groups;  // from the memberof index, when it was read
};

// Reads a user and the groups it is in: the record and its groups' ids in
// one batch (store::readUser), then, only for a user in groups, their names
// in a second (store::readGroupNames).
class UserRead {
public:
    using Outcome = store::ReadOutcome<store::UserRecord>;
    using Next = std::variant<store::Command, Outcome>;

    store::Command start(const Request &request, const ServiceConfig &config,
                         const std::string &id);
    // The batch to send next, or the read's outcome.
    Next onReplies(const std::vector<const redisReply *> &replies);

private:
    std::optional<store::KeySpace> keys_;
    Outcome read_;  // the record, while its groups' names are read
    bool naming_ = false;
};
// The user a read found, its groups in a stable order.
StoredUser storedUserWithGroups(store::UserRecord record, std::string id);
// (group id, displayName) pairs from the store, in a stable order.
std::vector<UserGroup> userGroups(std::vector<std::pair<std::string, std::string>> pairs);

// A user document ready to be written: what POST, PUT and PATCH share.
struct UserWrite {
    JsonDoc doc;
    std::string docText;
    std::string userName;
    std::string passwordHash;  // "" when none was sent or none is kept
    bool passwordSent = false;  // for the change event, even when none is kept
};

// POST and PUT: the body becomes a canonical document.
Expected<UserWrite> prepareWrite(const Request &request, const ServiceConfig &config);
// PATCH: a patched canonical document.
// `checkExtensions` false skips the extensions' requirements (a PATCH of a
// user stored before they applied).
Expected<UserWrite> finishWrite(JsonDoc doc, const std::optional<std::string> &password,
                                const ServiceConfig &config, bool checkExtensions = true);

// What create and replace store of `write` as user `id`.
store::UserFields userFields(const Request &request, const ServiceConfig &config,
                             const std::string &id, const UserWrite &write);
// The time, token and stream cap every write script stamps.
store::WriteStamp writeStamp(const Request &request, const ServiceConfig &config);

// The replace script for PUT and PATCH; `expectedVersion` "" writes
// unconditionally, `changed` lists attributes for the change event (all of
// them when `changedIsComplete`), `withGroups` asks for the user's groups
// in the reply.
store::Command replaceUserCommand(const Request &request, const ServiceConfig &config,
                                  const std::string &id, const UserWrite &write,
                                  const std::string &expectedVersion, const std::string &changed,
                                  bool withGroups = false, bool changedIsComplete = false);
Response uniquenessConflict(const std::string &userName);
// The hashes behind `rt`'s unique extension attributes and the sorted sets
// of its declared indexes (scim_index), for the index entries of a write.
std::vector<store::UniqueIndex> uniqueIndexes(const store::KeySpace &keys,
                                              const ServiceConfig &config,
                                              const ResourceType &rt);
// 409 for a write refused by a unique extension attribute, nullopt for any
// other outcome.
std::optional<Response> uniqueValueConflict(const store::WriteOutcome &outcome);
// The claimed set's key for the write scripts, "" when the guard is off.
std::string claimedKeyArg(const Request &request, const ServiceConfig &config);
// 409 for a write refused by the claim guard.
Response claimedConflict(const store::WriteOutcome &outcome);
// The error response for a replace script's outcome, or nullopt on Ok.
std::optional<Response> replaceFailure(const store::WriteOutcome &outcome, const std::string &id,
                                       const std::string &userName);
// Fills version, created and lastModified from an Ok result.
void readReplaceResult(const store::UserWriteResult &result, StoredUser &user);

// Renders a stored user (the response body), applying the request's
// projection parameters. Returns an error for a projection the client got
// wrong.
Expected<std::string> renderStoredUser(const StoredUser &user, const Request &request,
                                       const ServiceConfig &config);

// 200/201 with the body, ETag and (for 201) Location.
Response userResponse(int status, const StoredUser &user, const Request &request,
                      const ServiceConfig &config);

std::string userLocation(const Request &request, std::string_view id);

// '1', '0' or '' (unset): the `active` field the write scripts compare to
// tell deactivation and reactivation apart.
std::string activeFlag(const Json &doc);

store::KeySpace keysFor(const Request &request, const ServiceConfig &config);

// A Redis error reply is the store's problem, never the client's.
Response storeFailure(std::string_view what);

}  // namespace scim
