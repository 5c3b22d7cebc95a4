// The query engine behind GET /Users, GET /Groups and POST …/.search:
// plans a filter onto an index (scim/query_plan.hpp), or scans in bounded
// batches, re-checks every candidate in the core, and pages by index or by
// cursor.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "collections.hpp"
#include "exchanges.hpp"
#include "scim/list_request.hpp"
#include "scim/query_plan.hpp"

namespace scim {

// The configured limits on list parameters.
ListLimits listLimits(const ServiceConfig &config);

// The list parameters of a GET (query string) or a .search (body).
Expected<ListRequest> parseListRequest(const Request &request, const ServiceConfig &config,
                                       bool search);

// What becomes of a found page, a ListResponse document: by default its 200
// response; ListGroups reads the page's members first.
using PageSink = std::function<Exchange::Step(JsonDoc page)>;

// `search`: the request body is a SearchRequest, else the query string
// holds the parameters.
std::unique_ptr<Exchange> queryExchange(Collection collection, Request &&request,
                                        const ServiceConfig &config, bool search,
                                        PageSink sink = nullptr);

// The same with the parameters already parsed (or refused) by the caller,
// which then need not be parsed twice (ListGroups reads the projection).
std::unique_ptr<Exchange> queryExchange(Collection collection, Request &&request,
                                        const ServiceConfig &config, Expected<ListRequest> parsed,
                                        PageSink sink = nullptr);

}  // namespace scim
