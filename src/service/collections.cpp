#include "collections.hpp"

#include "user_records.hpp"  // keysFor

namespace scim {

namespace {

std::optional<std::string> userIndexKey(const store::KeySpace &k, IndexName index) {
    switch (index) {
    case IndexName::UserName: return k.userNameIndex();
    case IndexName::ExternalId: return k.externalIdIndex();
    case IndexName::Email: return k.emailIndex();
    case IndexName::Created: return k.createdIndex();
    case IndexName::LastModified: return k.modifiedIndex();
    default: return std::nullopt;
    }
}

std::optional<std::string> groupIndexKey(const store::KeySpace &k, IndexName index) {
    switch (index) {
    case IndexName::DisplayName: return k.groupDisplayNameIndex();
    case IndexName::ExternalId: return k.groupExternalIdIndex();
    case IndexName::Created: return k.groupCreatedIndex();
    case IndexName::LastModified: return k.groupModifiedIndex();
    default: return std::nullopt;
    }
}

}  // namespace

Collection usersCollection(const Request &request, const ServiceConfig &config) {
    store::KeySpace k = keysFor(request, config);
    return {&config.userType(), "/Users", k.users(), k.userKeyPrefix(), userIndexKey, k, ""};
}

Collection groupsCollection(const Request &request, const ServiceConfig &config) {
    store::KeySpace k = keysFor(request, config);
    return {&config.groupType(), "/Groups", k.groups(), k.groupKeyPrefix(), groupIndexKey, k,
            ":members"};
}

}  // namespace scim
