// The Lua scripts that make every SCIM write one atomic Redis step: each
// checks uniqueness and version, writes, maintains the indexes and appends
// the change event together. Their text lives in src/store/lua/<name>.lua,
// whose header lists KEYS and ARGV; the build embeds it (tools/lua-embed).
#pragma once

#include <string>
#include <vector>

namespace scim::store {

// Whether a script writes: set where each script is defined, and checked by
// a unit test against the Redis commands in its text.
enum class ScriptAccess { Writes, ReadOnly };

struct Script {
    const char *name;
    std::string source;
    std::string sha1;  // hex, as SCRIPT LOAD reports it
    // Never writes (the query scripts, read_user, read_group,
    // read_group_members): metrics count it as a read, and
    // scim_redis_wait_replicas never holds its reply.
    bool readOnly = false;
};

const Script &createUserScript();
const Script &replaceUserScript();
const Script &deleteUserScript();

// Read-only scripts of the query engine (query_scripts.hpp).
const std::vector<const Script *> &queryScripts();

// Every script, for SCRIPT LOAD at connect.
const std::vector<const Script *> &allScripts();

// The embedded script src/store/lua/<name>.lua (lua_sources.hpp); aborts
// when the build did not embed it.
Script embeddedScript(const char *name, ScriptAccess access);

}  // namespace scim::store
