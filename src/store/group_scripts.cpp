// Groups in Redis (docs/redis-layout.md): the group hash holds the document
// without members; members live in `group:<id>:members` (member id →
// {"type","display"}), and `memberof:<id>` lists the groups a user or a
// nested group is in. Every write is one script (src/store/lua/*_group*.lua): it validates
// everything first (version, uniqueness, members, cycles), then writes, so
// a refused write leaves nothing behind.
#include "scim/store/group_scripts.hpp"


namespace scim::store {

const Script &createGroupScript() {
    static const Script s = embeddedScript("create_group");
    return s;
}

const Script &updateGroupScript() {
    static const Script s = embeddedScript("update_group");
    return s;
}

const Script &deleteGroupScript() {
    static const Script s = embeddedScript("delete_group");
    return s;
}

const Script &ensureSyntheticGroupsScript() {
    static const Script s = embeddedScript("ensure_synthetic_groups");
    return s;
}

const Script &readGroupScript() {
    static const Script s = embeddedScript("read_group");
    return s;
}

const Script &readGroupMembersScript() {
    static const Script s = embeddedScript("read_group_members");
    return s;
}

const Script &readUserWithGroupsScript() {
    static const Script s = embeddedScript("read_user");
    return s;
}

const std::vector<const Script *> &groupScripts() {
    static const std::vector<const Script *> all{
        &createGroupScript(), &updateGroupScript(),      &deleteGroupScript(),
        &readGroupScript(),   &readGroupMembersScript(), &readUserWithGroupsScript(),
        &ensureSyntheticGroupsScript()};
    return all;
}

}  // namespace scim::store
