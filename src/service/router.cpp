// URI → endpoint, and the method check that must happen before a body is
// read (RFC 7644 §3.2: writes to discovery endpoints are 405).
#include <array>

#include "scim/service/service.hpp"
#include "scim/strings.hpp"

namespace scim {

namespace {

struct EndpointName {
    std::string_view segment;
    Endpoint endpoint;
};

constexpr std::array<EndpointName, 8> kEndpoints{{
    {"Users", Endpoint::Users},
    {"Groups", Endpoint::Groups},
    {"ServiceProviderConfig", Endpoint::ServiceProviderConfig},
    {"ServiceProviderConfigs", Endpoint::ServiceProviderConfig},  // SCIM 1.1 clients
    {"ResourceTypes", Endpoint::ResourceTypes},
    {"Schemas", Endpoint::Schemas},
    {".search", Endpoint::Search},
    {"Bulk", Endpoint::Bulk},
}};

const EndpointName *endpointFor(std::string_view segment) {
    for (const EndpointName &e : kEndpoints) {
        if (iequals(e.segment, segment)) return &e;
    }
    if (iequals(segment, "Me")) {
        static const EndpointName me{"Me", Endpoint::Me};
        return &me;
    }
    return nullptr;
}

Response methodNotAllowedFor(std::string_view method, const char *allow) {
    Response r = errorResponse(
        methodNotAllowed("method " + std::string(method) + " is not allowed here; allowed: " +
                         allow));
    r.headers.emplace_back("Allow", allow);
    return r;
}

bool is(std::string_view method, const char *name) { return method == name; }

// Collection endpoints: /Users, /Users/.search, /Users/{id}.
std::variant<Route, Response> matchResource(Endpoint ep, std::string_view method,
                                            std::string_view rest) {
    if (rest.empty()) {
        if (is(method, "GET")) return Route{ep, "", Operation::List, false};
        if (is(method, "POST")) return Route{ep, "", Operation::Create, true};
        return methodNotAllowedFor(method, "GET, POST");
    }
    if (rest == ".search") {
        if (!is(method, "POST")) return methodNotAllowedFor(method, "POST");
        return Route{ep, "", Operation::Search, true};
    }
    if (rest.find('/') != std::string_view::npos) {
        return errorResponse(notFound("no such resource path"));
    }
    std::string id(rest);
    if (is(method, "GET")) return Route{ep, std::move(id), Operation::Get, false};
    if (is(method, "DELETE")) return Route{ep, std::move(id), Operation::Delete, false};
    if (is(method, "PUT")) return Route{ep, std::move(id), Operation::Replace, true};
    if (is(method, "PATCH")) return Route{ep, std::move(id), Operation::Patch, true};
    return methodNotAllowedFor(method, "GET, PUT, PATCH, DELETE");
}

// Discovery endpoints are read-only: 405 for anything but GET.
std::variant<Route, Response> matchDiscovery(Endpoint ep, std::string_view method,
                                             std::string_view rest, bool allowId) {
    if (!is(method, "GET") && !is(method, "HEAD")) return methodNotAllowedFor(method, "GET");
    if (!rest.empty() && (!allowId || rest.find('/') != std::string_view::npos)) {
        return errorResponse(notFound("no such discovery resource"));
    }
    return Route{ep, std::string(rest), Operation::Get, false};
}

}  // namespace

bool splitBase(std::string_view uri, std::string_view &base, std::string_view &rest) {
    size_t pos = 0;
    while (pos < uri.size()) {
        size_t slash = uri.find('/', pos);
        if (slash == std::string_view::npos) return false;
        size_t next = uri.find('/', slash + 1);
        std::string_view segment = uri.substr(
            slash + 1, next == std::string_view::npos ? std::string_view::npos : next - slash - 1);
        if (endpointFor(segment)) {
            base = uri.substr(0, slash);
            rest = uri.substr(slash);
            return true;
        }
        pos = slash + 1;
    }
    return false;
}

std::variant<Route, Response> matchRoute(std::string_view method, std::string_view path) {
    // path is "/Segment[/rest]"; a trailing slash is tolerated.
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    if (!path.empty() && path.back() == '/') path.remove_suffix(1);
    size_t slash = path.find('/');
    std::string_view segment = path.substr(0, slash);
    std::string_view rest = slash == std::string_view::npos ? "" : path.substr(slash + 1);
    const EndpointName *e = endpointFor(segment);
    if (!e) return errorResponse(notFound("no such endpoint"));

    switch (e->endpoint) {
    case Endpoint::Users:
    case Endpoint::Groups:
        return matchResource(e->endpoint, method, rest);
    case Endpoint::ServiceProviderConfig:
        return matchDiscovery(e->endpoint, method, rest, false);
    case Endpoint::ResourceTypes:
    case Endpoint::Schemas:
        return matchDiscovery(e->endpoint, method, rest, true);
    case Endpoint::Search:
        if (!rest.empty()) return errorResponse(notFound("no such endpoint"));
        if (!is(method, "POST")) return methodNotAllowedFor(method, "POST");
        return Route{Endpoint::Search, "", Operation::Search, true};
    case Endpoint::Bulk:
        if (!is(method, "POST")) return methodNotAllowedFor(method, "POST");
        return Route{Endpoint::Bulk, "", Operation::Bulk, true};
    case Endpoint::Me:
        return Route{Endpoint::Me, std::string(rest), Operation::Get, false};
    }
    return errorResponse(notFound("no such endpoint"));
}

}  // namespace scim
