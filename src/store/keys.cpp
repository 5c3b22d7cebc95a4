#include "scim/store/keys.hpp"

namespace scim::store {

KeySpace::KeySpace(std::string_view prefix, std::string_view tenant)
    : prefix_(prefix), base_(std::string(prefix) + "{" + std::string(tenant) + "}:") {}

std::vector<std::string> userWriteKeys(const KeySpace &k, std::string_view id) {
    return {k.user(id),         k.usersByName(),     k.users(),      k.seq(),
            k.events(),         k.userNameIndex(),   k.externalIdIndex(), k.emailIndex(),
            k.createdIndex(),   k.modifiedIndex()};
}

std::vector<std::string> userDeleteKeys(const KeySpace &k, std::string_view id) {
    std::vector<std::string> keys = userWriteKeys(k, id);
    keys.insert(keys.end(),
                {k.memberOf(id), k.groupModifiedIndex(), k.deletedUser(id), k.deletedUsers()});
    return keys;
}

std::vector<std::string> groupWriteKeys(const KeySpace &k, std::string_view id) {
    return {k.group(id),
            k.groupMembers(id),
            k.groupsByName(),
            k.groups(),
            k.seq(),
            k.events(),
            k.groupDisplayNameIndex(),
            k.groupExternalIdIndex(),
            k.groupCreatedIndex(),
            k.groupModifiedIndex(),
            k.memberOf(id)};
}

}  // namespace scim::store
