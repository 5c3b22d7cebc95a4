#include "scim/store/keys.hpp"

namespace scim::store {

namespace {

// a + b + c in one allocation: a create names ten keys.
std::string joined(std::string_view a, std::string_view b, std::string_view c = {}) {
    std::string s;
    s.reserve(a.size() + b.size() + c.size());
    return s.append(a).append(b).append(c);
}

}  // namespace

KeySpace::KeySpace(std::string_view prefix, std::string_view tenant) : prefix_(prefix) {
    base_.reserve(prefix.size() + tenant.size() + 3);  // one allocation
    base_.append(prefix).append("{").append(tenant).append("}:");
}

// KeySpace's names (a unit test compares them), each in one allocation.
std::vector<std::string> userWriteKeys(const KeySpace &k, std::string_view id) {
    static constexpr std::string_view kFixed[] = {
        "users:by-name",      "users",           "seq",
        "events",             "users:idx:userName", "users:idx:externalId",
        "users:idx:email",    "users:idx:created", "users:idx:lastModified"};
    std::vector<std::string> keys;
    keys.reserve(14);  // and delete_user's four
    keys.push_back(joined(k.base(), "user:", id));
    for (std::string_view name : kFixed) keys.push_back(joined(k.base(), name));
    return keys;
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
