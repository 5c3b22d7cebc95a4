// Lua pieces of the user write scripts beyond the shared prelude: the claim
// guard, the attribute diff behind the events' `changed`, and the soft
// delete's tombstone (docs/redis-layout.md, docs/events.md).
#pragma once

namespace scim::store {

const char *userLifecycleLua();

}  // namespace scim::store
