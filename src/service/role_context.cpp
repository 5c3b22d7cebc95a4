#include "role_context.hpp"

#include "scim/ids.hpp"
#include "scim/store/role_scripts.hpp"
#include "scim/strings.hpp"
#include "user_records.hpp"  // keysFor

namespace scim {

std::string roleContextArg(const Request &request, const ServiceConfig &config) {
    store::RoleEventFields event{config.eventsMaxLen, formatTimestamp(request.nowMillis),
                                 request.tokenName};
    return store::roleContext(keysFor(request, config), config.roles, event);
}

}  // namespace scim
