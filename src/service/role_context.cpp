#include "roles.hpp"

#include "scim/ids.hpp"
#include "scim/store/role_scripts.hpp"
#include "scim/strings.hpp"
#include "user_store.hpp"  // keysFor

namespace scim {

std::string roleContextArg(const Request &request, const ServiceConfig &config) {
    store::RoleEventFields event{config.eventsMaxLen, formatTimestamp(request.nowMillis),
                                 request.tokenName};
    return store::roleContext(keysFor(request, config), config.roles, event);
}

std::optional<Error> syntheticGroupRefusal(const Request &request, const ServiceConfig &config,
                                           std::string_view id, const std::string *newName) {
    const RoleConfig &roles = config.roles;
    if (roles.synthetic.empty()) return std::nullopt;
    const SyntheticGroup *fixed = id.empty() ? nullptr : roles.syntheticById(request.tenant, id);
    if (fixed && !newName) {
        return mutability("Group '" + fixed->displayName +
                          "' is built in (scim_synthetic_group) and cannot be deleted; "
                          "remove its members instead");
    }
    if (fixed && !iequals(*newName, fixed->displayName)) {
        return mutability("Group '" + fixed->displayName +
                          "' is built in (scim_synthetic_group) and cannot be renamed");
    }
    if (!fixed && newName && roles.syntheticByName(*newName)) {
        return uniqueness("displayName '" + *newName +
                          "' belongs to a built-in group (scim_synthetic_group) of every tenant");
    }
    return std::nullopt;
}

}  // namespace scim
