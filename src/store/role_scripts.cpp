// A user's effective role is the role of the highest-priority mapped group
// it is a direct member of, else the default. Scripts recompute it for the
// users whose memberships they change, from memberof:<user> (the few groups
// of that user), in the same atomic step as the change.
#include "scim/store/role_scripts.hpp"

#include "scim/json.hpp"
#include "scim/strings.hpp"

namespace scim::store {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void field(Writer &w, const char *name, const std::string &value) {
    w.Key(name);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void rule(Writer &w, const std::string &displayName, const RoleRule &r) {
    std::string key = lower(displayName);
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    w.StartArray();
    w.String(r.role.data(), static_cast<rapidjson::SizeType>(r.role.size()));
    w.Int64(r.priority);
    w.EndArray();
}

}  // namespace

std::string roleContext(const KeySpace &keys, const RoleConfig &roles,
                        const RoleEventFields &event) {
    rapidjson::StringBuffer out;
    Writer w(out);
    w.StartObject();
    field(w, "rolesKey", keys.roles());
    field(w, "mapKey", keys.roleMap());
    field(w, "users", keys.userKeyPrefix());
    field(w, "groups", keys.groupKeyPrefix());
    field(w, "memberof", keys.memberOfPrefix());
    field(w, "events", keys.events());
    field(w, "maxlen", std::to_string(event.eventsMaxLen));
    field(w, "time", event.time);
    field(w, "token", event.token);
    field(w, "default", roles.defaultRole);
    w.Key("dropInactive");
    w.Bool(roles.dropOnDeactivate);
    w.Key("conf");
    w.StartObject();
    for (const RoleGroup &g : roles.groups) rule(w, g.displayName, g.rule);
    w.EndObject();
    w.Key("synthetic");
    w.StartObject();
    for (const SyntheticGroup &g : roles.synthetic) {
        if (g.rule) rule(w, g.displayName, *g.rule);
    }
    w.EndObject();
    w.EndObject();
    return std::string(out.GetString(), out.GetSize());
}

}  // namespace scim::store
