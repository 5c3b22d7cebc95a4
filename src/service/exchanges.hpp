// Internal to the service layer: one factory per SCIM operation.
#pragma once

#include <memory>
#include <optional>

#include "scim/render.hpp"
#include "scim/service/service.hpp"

namespace scim {

// What an exchange keeps: its request and the location's configuration
// (which outlives every exchange).
class RequestExchange : public Exchange {
public:  // derived classes inherit it (`using`), and the access with it
    // By reference: a Request is ten strings, each moved one by one.
    RequestExchange(Request &&request, const ServiceConfig &config)
        : request_(std::move(request)), config_(config) {}

protected:
    Request request_;
    const ServiceConfig &config_;
};

// … and the id of the resource the request names, /Users/{id} or /Groups/{id}.
class ResourceExchange : public RequestExchange {
public:
    ResourceExchange(std::string id, Request &&request, const ServiceConfig &config)
        : RequestExchange(std::move(request), config), id_(std::move(id)) {}

protected:
    const std::string id_;
};

Response jsonResponse(int status, const Json &body);

// A read or written resource: 200/201 with the rendered body and its ETag,
// and for 201 its Location; the rendering's error otherwise.
Response resourceResponse(int status, const Expected<JsonDoc> &rendered, uint64_t version,
                          const std::string &location);
// The same for a body already written as text (a stored document spliced
// without a DOM, src/render_text.cpp).
Response resourceResponse(int status, Expected<std::string> rendered, uint64_t version,
                          const std::string &location);
// 204 with the ETag of the version now stored (a PATCH asked for no body).
Response noContent(uint64_t version);
// GET with If-None-Match naming the current version, or "*": 304 and the
// ETag, nullopt when the resource is to be sent.
std::optional<Response> notModified(const Request &request, uint64_t version);
std::unique_ptr<Exchange> immediate(Response response);

std::unique_ptr<Exchange> discovery(const Route &route, const Request &request,
                                    const ServiceConfig &config);

std::unique_ptr<Exchange> createUser(Request request, const ServiceConfig &config);
std::unique_ptr<Exchange> getUser(std::string id, Request request, const ServiceConfig &config);
std::unique_ptr<Exchange> replaceUser(std::string id, Request request,
                                      const ServiceConfig &config);
std::unique_ptr<Exchange> patchUser(std::string id, Request request, const ServiceConfig &config);
std::unique_ptr<Exchange> deleteUser(std::string id, Request request,
                                     const ServiceConfig &config);
// GET /Users, or POST /Users/.search when `search`.
std::unique_ptr<Exchange> listUsers(Request request, const ServiceConfig &config, bool search);

std::unique_ptr<Exchange> createGroup(Request request, const ServiceConfig &config);
std::unique_ptr<Exchange> getGroup(std::string id, Request request, const ServiceConfig &config);
std::unique_ptr<Exchange> replaceGroup(std::string id, Request request,
                                       const ServiceConfig &config);
std::unique_ptr<Exchange> patchGroup(std::string id, Request request, const ServiceConfig &config);
std::unique_ptr<Exchange> deleteGroup(std::string id, Request request,
                                      const ServiceConfig &config);
// GET /Groups, or POST /Groups/.search when `search`.
std::unique_ptr<Exchange> listGroups(Request request, const ServiceConfig &config, bool search);

// POST /Bulk: each operation through the exchange of its single request.
std::unique_ptr<Exchange> bulk(Request request, const ServiceConfig &config);

// POST /.search: Users, then Groups.
std::unique_ptr<Exchange> rootSearch(Request request, const ServiceConfig &config);

// A PATCH that lost the race to concurrent writers until its backoff budget ran out
// times: 503 with Retry-After, which providers retry (not the client's fault).
Response contendedResponse();

// If-Match / If-None-Match carry weak ETags, W/"<version>"; "*" matches any.
// Returns the version a precondition names, "" for none or "*", and a value
// no version equals for anything else, so junk fails the check.
std::string versionFromEtag(std::string_view header);

// RFC 9110 §13.1.2: If-None-Match fails a write when it is "*" or names the
// current version.
bool noneMatchFails(std::string_view header, uint64_t version);

// PUT with If-None-Match: * (RFC 9110 §13.1.2) would only create, which PUT
// never does: 412.
std::optional<Error> replacePreconditionRefusal(const Request &request);

}  // namespace scim
