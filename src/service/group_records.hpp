// Shared by the Group exchanges: reading group records, rendering them with
// a bounded member list, and the write commands. Members are stored apart
// from the group document (store/group_scripts.hpp), so rendering adds
// them to the resource rather than to the document.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "exchanges.hpp"
#include "scim/patch.hpp"
#include "scim/store/group_scripts.hpp"
#include "scim/store/keys.hpp"
#include "user_records.hpp"  // keysFor, storeFailure

namespace scim {

// The extension that flags a capped member list (docs/groups.md):
// {"membersTruncated": true, "memberCount": <all members>}.
inline constexpr std::string_view kGroupMembersExtensionUrn =
    "urn:ngx-scim:params:scim:schemas:extension:2.0:GroupMembers";

using StoredMember = store::GroupMember;

struct StoredGroup {
    std::string id;
    std::string doc;  // canonical JSON, without members
    uint64_t version = 0;
    std::string created;
    std::string lastModified;
    bool membersRead = false;  // false: the request did not want members
    long long memberTotal = 0;
    std::vector<StoredMember> members;  // at most the configured cap

    bool truncated() const {
        return membersRead && memberTotal > static_cast<long long>(members.size());
    }
};

// A group as the store read it; `members.total` below 0: not read.
StoredGroup storedGroup(store::GroupRecord record, std::string id);
// Member lists read apart (the /Groups list) into `group`.
void takeMembers(StoredGroup &group, store::GroupMembers members);

// `attributes` and `excludedAttributes` from the query string.
Expected<Projection> requestedProjection(const Request &request);
// Whether a projection returns `members` at all. When it does not, the
// member hash is never read.
bool membersWanted(const Projection &projection);
// The member cap a script gets: -1 leaves the member hash alone.
long long memberCap(const ServiceConfig &config, bool wanted);

// GET /Groups/{id}: the group hash without members, or the group with a
// bounded member list.
store::Command readGroupCommand(const Request &request, const ServiceConfig &config,
                                const std::string &id, bool withMembers);

// Adds `members` (already projected) and, when capped, the truncation flag
// to a rendered group resource, before its meta.
void addMembersTo(Json &resource, const StoredGroup &group, const Projection &projection,
                  const Request &request, JsonAlloc &alloc);
Expected<JsonDoc> renderStoredGroup(const StoredGroup &group, const Request &request,
                                    const ServiceConfig &config);
// 200/201 with the body, ETag and (for 201) Location.
Response groupResponse(int status, const StoredGroup &group, const Request &request,
                       const ServiceConfig &config);

// A group document ready to be written.
struct GroupWrite {
    JsonDoc doc;  // canonical, without members
    std::string docText;
    std::string displayName;
    std::vector<patch::Member> members;  // POST and PUT: the whole list
};

// 413 when a group body or PATCH names more members than
// scim_max_members_per_request: counted on the body's text before it is
// parsed (scim/member_count.hpp), so a huge list costs one pass over its
// bytes.
std::optional<Error> memberCountRefusal(std::string_view body, const ServiceConfig &config);

// POST and PUT bodies.
Expected<GroupWrite> prepareGroupWrite(const Request &request, const ServiceConfig &config);
// A patched document (no members: PATCH describes those as a change).
// `checkExtensions` as for finishWrite.
Expected<GroupWrite> finishGroupWrite(JsonDoc doc, const ServiceConfig &config,
                                      bool checkExtensions = true);

store::Command createGroupCommand(const Request &request, const ServiceConfig &config,
                                  const std::string &id, const GroupWrite &write, long long cap);
// `write` null keeps the stored document (a membership-only PATCH).
// The write is refused ("precondition") unless the version is
// `expectedVersion` (If-Match) and the stored document `expectedDoc`
// (what a PATCH applied its operations to); "" checks nothing.
struct GroupPreconditions {
    std::string version;
    std::string doc;
};
store::Command updateGroupCommand(const Request &request, const ServiceConfig &config,
                                  const std::string &id, const GroupWrite *write,
                                  const patch::MembersChange &members,
                                  const GroupPreconditions &expected, long long cap);
// The error response for a write script's outcome, or nullopt on Ok.
std::optional<Response> groupWriteFailure(const store::WriteOutcome &outcome,
                                          const std::string &id, const std::string &displayName);
// Takes an Ok write's record into `group`; the error response otherwise.
std::optional<Response> takeGroupWrite(store::GroupWriteResult result, StoredGroup &group,
                                       const std::string &displayName);

std::string groupLocation(const Request &request, std::string_view id);

}  // namespace scim
