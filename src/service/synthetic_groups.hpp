// Synthetic role groups on the request path (docs/roles.md): their guards,
// and their creation on first use.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "scim/service/service.hpp"

namespace scim {

// What a Group write may not do to synthetic groups: create one, or give
// another group one's name (409 uniqueness), rename or delete one (400
// mutability). `id` is "" for a create; `newName` null for a delete.
std::optional<Error> syntheticGroupRefusal(const Request &request, const ServiceConfig &config,
                                           std::string_view id, const std::string *newName);

// The exchange `makeInner` builds, preceded by the script that creates the
// tenant's synthetic groups when this worker has not done so for the
// tenant in the last minute. `makeInner` may take `request` away: it is
// called once everything needed from the request is read.
std::unique_ptr<Exchange> withSyntheticGroups(
    const Request &request, const ServiceConfig &config,
    const std::function<std::unique_ptr<Exchange>()> &makeInner);

}  // namespace scim
