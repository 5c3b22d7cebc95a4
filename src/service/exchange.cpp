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

// The exchanges of one resource type, one per operation.
struct ResourceExchanges {
    std::unique_ptr<Exchange> (*list)(Request, const ServiceConfig &, bool search);
    std::unique_ptr<Exchange> (*create)(Request, const ServiceConfig &);
    std::unique_ptr<Exchange> (*get)(std::string, Request, const ServiceConfig &);
    std::unique_ptr<Exchange> (*replace)(std::string, Request, const ServiceConfig &);
    std::unique_ptr<Exchange> (*patch)(std::string, Request, const ServiceConfig &);
    std::unique_ptr<Exchange> (*remove)(std::string, Request, const ServiceConfig &);
};

constexpr ResourceExchanges kUsers{listUsers,   createUser, getUser,
                                   replaceUser, patchUser,  deleteUser};
constexpr ResourceExchanges kGroups{listGroups,   createGroup, getGroup,
                                    replaceGroup, patchGroup,  deleteGroup};

// The request is passed on by reference, not moved at each step: a Request
// is ten strings, each moved one by one.
std::unique_ptr<Exchange> resource(const ResourceExchanges &x, const Route &route,
                                   Request &&request, const ServiceConfig &config) {
    switch (route.operation) {
    case Operation::List: return x.list(std::move(request), config, false);
    case Operation::Search: return x.list(std::move(request), config, true);
    case Operation::Create: return x.create(std::move(request), config);
    case Operation::Get: return x.get(route.id, std::move(request), config);
    case Operation::Replace: return x.replace(route.id, std::move(request), config);
    case Operation::Patch: return x.patch(route.id, std::move(request), config);
    case Operation::Delete: return x.remove(route.id, std::move(request), config);
    case Operation::Bulk: break;
    }
    return immediate(errorResponse(notFound("no such endpoint")));
}

// Resource endpoints first make sure the tenant's synthetic groups exist.
std::unique_ptr<Exchange> resources(const Route &route, Request &&request,
                                    const ServiceConfig &config) {
    return withSyntheticGroups(request, config, [&]() -> std::unique_ptr<Exchange> {
        if (route.endpoint == Endpoint::Search) return rootSearch(std::move(request), config);
        const ResourceExchanges &x = route.endpoint == Endpoint::Users ? kUsers : kGroups;
        return resource(x, route, std::move(request), config);
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
