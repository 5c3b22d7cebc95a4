// The request side of the module, independent of nginx: a parsed HTTP
// request goes in, Redis commands and finally an HTTP response come out.
//
// The edge drives an Exchange: it sends the Command from start(), feeds the
// reply to onReply(), and repeats until a Response comes back. Exchanges
// never do I/O themselves, so they are unit-testable with canned replies.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "scim/json.hpp"
#include "scim/query_plan.hpp"
#include "scim/roles.hpp"
#include "scim/schema_set.hpp"
#include "scim/store/command.hpp"

struct redisReply;

namespace scim {

class DocumentCache;

// What a successful PATCH answers: the resource (200) or nothing (204).
// `Auto` is 200 for Users and 204 for Groups, what providers expect.
enum class PatchResponse { Auto, Resource, NoContent };

// What DELETE /Users/{id} does: `Soft` keeps the record for the app under a
// tombstone key (docs/redis-layout.md), `Hard` removes it.
enum class UserDelete { Soft, Hard };

struct ServiceConfig {
    std::string keyPrefix = "scim:";
    size_t defaultPageSize = 100;
    size_t maxPageSize = 1000;
    ParseLimits json;
    bool storePasswords = true;  // salted PBKDF2 hash, or not at all
    long long eventsMaxLen = 100000;
    PatchResponse patchResponse = PatchResponse::Auto;
    size_t maxFilterLength = 4096;  // bytes of filter text
    unsigned maxFilterDepth = 32;   // nesting of parentheses, not, brackets
    size_t maxCandidates = 10000;   // an index narrowing to more falls back to a scan
    size_t scanBatch = 500;         // records per round trip of a scan
    size_t maxSortResults = 10000;  // in-memory sorts beyond this answer 400 tooMany
    bool groupDisplayNameUnique = true;  // case-insensitively, per tenant (409 uniqueness)
    size_t maxMembersReturned = 10000;   // members a group shows; beyond, the response is flagged
    RoleConfig roles;  // group → role mapping, default role, synthetic groups
    UserDelete userDelete = UserDelete::Soft;
    bool claimGuard = false;  // refuse identifiers listed in the tenant's `claimed` set
    // Bulk (RFC 7644 §3.7): over either limit, 413 before any operation runs.
    size_t bulkMaxOperations = 1000;
    size_t bulkMaxPayload = 1 << 20;  // bytes; the edge's default is client_max_body_size

    // Schema extensions (scim_schema_extension): the User and Group resource
    // types this location serves, built once at configuration time.
    std::shared_ptr<const SchemaSet> schemaSet = SchemaSet::builtin();
    const ResourceType &userType() const { return schemaSet->user(); }
    const ResourceType &groupType() const { return schemaSet->group(); }

    // Resource bounds (issue #9): no request can hurt the others.
    size_t maxMembersPerRequest = 10000;  // members one group write names; beyond, 413
    size_t maxScan = 100000;              // records one list request examines; beyond, 400
    int64_t contentionBudgetMillis = 10000;  // a contended PATCH retries with backoff this long

    // Operator-declared indexes (scim_index), resolved against schemaSet's
    // types; maintained by the write scripts, used by the query planner.
    std::vector<IndexedAttribute> userIndexes;
    std::vector<IndexedAttribute> groupIndexes;
    const std::vector<IndexedAttribute> &indexes(const ResourceType &rt) const {
        return &rt == &groupType() ? groupIndexes : userIndexes;
    }

    // Unsorted, unprojected pages by rank read with ZCARD and SORT_RO …
    // GET (store::sortPage), sent together, instead of page_records.lua:
    // half Redis's instructions. Off by default; the edge turns it on
    // unless Redis is a cluster (Redis Cluster 7.0 refuses SORT's GET
    // option). StoreFacts::sortGetRefused turns it off at run time.
    bool sortGetPages = false;
};

// What a worker learns about its store while serving: runtime state, kept
// out of the (immutable) configuration. One per worker, owned by the edge,
// forgotten when the store reconnects (it may be another server).
struct StoreFacts {
    // Redis refused SORT_RO … GET (no SORT_RO before Redis 7.0; an ACL user
    // limited to some keys, e.g. `~scim:*`, may not use SORT's GET): that
    // page and every later one are read by page_records.lua.
    bool sortGetRefused = false;
};

struct Request {
    std::string method;   // "GET", "POST", …
    std::string path;     // after the base, e.g. "/Users/2819c223"
    std::string query;    // raw query string, without '?'
    std::string baseUrl;  // absolute, e.g. "https://idp.example.com/scim/v2"
    std::string body;
    std::string ifMatch;
    std::string ifNoneMatch;
    std::string prefer;  // RFC 7240 Prefer header; return=minimal asks for no body
    std::string tenant = "default";
    std::string tokenName;
    int64_t nowMillis = 0;
    // The worker's cache of recently read documents (scim/document_cache.hpp),
    // owned by the edge; null when scim_document_cache is off.
    DocumentCache *documentCache = nullptr;
    // The worker's StoreFacts, owned by the edge; null: nothing is learnt.
    StoreFacts *storeFacts = nullptr;
};

struct Response {
    int status = 200;
    std::string body;  // application/scim+json, empty for 204/304
    std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
    std::string contentType;  // empty: application/scim+json (the admin API sends JSON)
};

Response errorResponse(const Error &e);

class Exchange {
public:
    using Step = std::variant<store::Command, Response>;
    virtual ~Exchange() = default;
    virtual Step start() = 0;
    // `reply` is never null: the edge turns a lost connection into a 503.
    virtual Step onReply(const redisReply &reply) = 0;
    // The replies of a batch (store::Command::batch), one per command in
    // its order, none null: the edge answers 503 when any is missing.
    // Only exchanges that send batches take them.
    virtual Step onReplies(const std::vector<const redisReply *> &replies);
};

// What the edge must know before it reads a body.
enum class Endpoint {
    Users,
    Groups,
    ServiceProviderConfig,
    ResourceTypes,
    Schemas,
    Search,
    Bulk,
    Me,
};

// What the request asks of its endpoint, decided with the route so that no
// one looks at the method again.
enum class Operation {
    Get,      // GET /Users/{id}; every discovery read; /Me, which is not implemented
    List,     // GET /Users
    Search,   // POST /Users/.search, POST /.search
    Create,   // POST /Users
    Replace,  // PUT /Users/{id}
    Patch,    // PATCH /Users/{id}
    Delete,   // DELETE /Users/{id}
    Bulk,     // POST /Bulk
};

struct Route {
    Endpoint endpoint;
    std::string id;        // resource id, resource type name or schema URN
    Operation operation = Operation::Get;
    bool needsBody = false;
};

// Splits a request URI into the module's base path and the rest: the base
// ends right before the first known endpoint segment. Returns false when the
// URI names no endpoint.
bool splitBase(std::string_view uri, std::string_view &base, std::string_view &rest);

// Matches method and path. Unknown paths give a 404 response, methods the
// endpoint does not support a 405 with an Allow header, decided before any
// body is read.
std::variant<Route, Response> matchRoute(std::string_view method, std::string_view path);

// Builds the exchange for a matched route, once the body (if any) is read.
std::unique_ptr<Exchange> makeExchange(const Route &route, Request request,
                                       const ServiceConfig &config);

// The edge's store connection is ready, first or again: what the worker
// remembers about the store's content (the tenants whose synthetic groups
// it has created) may be stale, e.g. after Redis restarted empty.
void onStoreConnected() noexcept;

}  // namespace scim
