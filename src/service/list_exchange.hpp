// The query engine behind GET /Users, GET /Groups and POST …/.search:
// plans a filter onto an index (scim/query_plan.hpp), or scans in bounded
// batches, re-checks every candidate in the core, and pages by index or by
// cursor.
#pragma once

#include <optional>
#include <string>

#include "exchanges.hpp"
#include "scim/list_request.hpp"
#include "scim/query_plan.hpp"
#include "scim/store/keys.hpp"

namespace scim {

// One resource type's records in Redis.
struct Collection {
    const ResourceType *type = nullptr;
    std::string endpoint;      // "/Users"
    std::string orderKey;      // ids scored by creation sequence
    std::string recordPrefix;  // "<base>user:" + id is a record hash
    // The key of an index this collection keeps, or nullopt.
    std::optional<std::string> (*indexKey)(const store::KeySpace &, IndexName) = nullptr;
    store::KeySpace keys{"", ""};
    // Groups: the suffix of a group's members hash, so that filters on
    // `members` can be answered (records carry no member list).
    std::string memberSuffix;
};

Collection usersCollection(const Request &request, const ServiceConfig &config);

// The configured limits on list parameters.
ListLimits listLimits(const ServiceConfig &config);

// The list parameters of a GET (query string) or a .search (body).
Expected<ListRequest> parseListRequest(const Request &request, const ServiceConfig &config,
                                       bool search);

// `search`: the request body is a SearchRequest, else the query string
// holds the parameters.
std::unique_ptr<Exchange> queryExchange(Collection collection, Request request,
                                        const ServiceConfig &config, bool search);

}  // namespace scim
