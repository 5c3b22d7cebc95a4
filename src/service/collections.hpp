// The two resource types' records as the query engine sees them: where
// they are kept, and which indexes answer which attribute.
#pragma once

#include <optional>
#include <string>

#include "scim/query_plan.hpp"
#include "scim/service/service.hpp"
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
Collection groupsCollection(const Request &request, const ServiceConfig &config);

}  // namespace scim
