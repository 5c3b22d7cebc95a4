// Group membership under PATCH. Members live in a Redis set apart from the
// group document, so these operations only record a MembersChange; they
// never read or write the member list. All dialects are accepted:
//   add      path "members", value [{"value":ID, "display":…, "$ref":…}]
//   replace  path "members"                 -> clear, then add
//   remove   path "members", no value       -> clear
//   remove   path "members", value [{"value":ID}]        (Entra, JumpCloud)
//   remove   path members[value eq "ID" or value eq "ID2"] (Okta, RFC)
#pragma once

#include "patch_path.hpp"
#include "patch_request.hpp"
#include "patch_status.hpp"
#include "scim/patch.hpp"

namespace scim::patch {

// True when `p` targets Group "members".
bool isMembersPath(const PatchPath &p) noexcept;

Status applyMembers(OpKind kind, const PatchPath &p, const Json *value, MembersChange &change);

}  // namespace scim::patch
