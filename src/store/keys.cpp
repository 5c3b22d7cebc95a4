#include "scim/store/keys.hpp"

#include <cstring>

namespace scim::store {

namespace {

// a + b + c in one allocation and one copy: a create names ten keys.
std::string joined(std::string_view a, std::string_view b, std::string_view c = {}) {
    char buf[256];
    size_t n = a.size() + b.size() + c.size();
    if (n > sizeof buf) return std::string(a).append(b).append(c);
    std::memcpy(buf, a.data(), a.size());
    std::memcpy(buf + a.size(), b.data(), b.size());
    if (!c.empty()) std::memcpy(buf + a.size() + b.size(), c.data(), c.size());
    return std::string(buf, n);
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
    keys.reserve(24);  // the script's ARGV follow in the same vector (scriptCall)
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
