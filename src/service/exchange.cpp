// Route → exchange. Endpoints whose issue has not landed yet answer a SCIM
// 501, never an nginx page.
#include "exchanges.hpp"
#include "synthetic_groups.hpp"

namespace scim {

namespace {

Response notImplemented(const std::string &what) {
    Error e{501, "", what + " is not implemented"};
    return errorResponse(e);
}

std::unique_ptr<Exchange> users(const Route &route, Request request, const ServiceConfig &config) {
    const std::string &m = request.method;
    if (route.search) return listUsers(std::move(request), config, true);
    if (route.id.empty()) {
        if (m == "POST") return createUser(std::move(request), config);
        return listUsers(std::move(request), config, false);
    }
    if (m == "GET") return getUser(route.id, std::move(request), config);
    if (m == "PUT") return replaceUser(route.id, std::move(request), config);
    if (m == "DELETE") return deleteUser(route.id, std::move(request), config);
    return patchUser(route.id, std::move(request), config);
}

std::unique_ptr<Exchange> groups(const Route &route, Request request, const ServiceConfig &config) {
    const std::string &m = request.method;
    if (route.search) return listGroups(std::move(request), config, true);
    if (route.id.empty()) {
        if (m == "POST") return createGroup(std::move(request), config);
        return listGroups(std::move(request), config, false);
    }
    if (m == "GET") return getGroup(route.id, std::move(request), config);
    if (m == "PUT") return replaceGroup(route.id, std::move(request), config);
    if (m == "DELETE") return deleteGroup(route.id, std::move(request), config);
    return patchGroup(route.id, std::move(request), config);
}

// Resource endpoints first make sure the tenant's synthetic groups exist.
std::unique_ptr<Exchange> resources(const Route &route, Request request,
                                    const ServiceConfig &config) {
    return withSyntheticGroups(request, config, [&]() -> std::unique_ptr<Exchange> {
        if (route.endpoint == Endpoint::Users) return users(route, std::move(request), config);
        if (route.endpoint == Endpoint::Groups) return groups(route, std::move(request), config);
        return rootSearch(std::move(request), config);
    });
}

}  // namespace

std::unique_ptr<Exchange> makeExchange(const Route &route, Request request,
                                       const ServiceConfig &config) {
    switch (route.endpoint) {
    case Endpoint::Users:
    case Endpoint::Groups:
    case Endpoint::Search: return resources(route, std::move(request), config);
    case Endpoint::ServiceProviderConfig:
    case Endpoint::ResourceTypes:
    case Endpoint::Schemas: return discovery(route, request, config);
    case Endpoint::Bulk: return bulk(std::move(request), config);
    case Endpoint::Me: return immediate(notImplemented("/Me"));
    }
    return immediate(errorResponse(notFound("no such endpoint")));
}

}  // namespace scim
