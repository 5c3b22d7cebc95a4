// The Lua scripts that make every SCIM write one atomic Redis step: each
// checks uniqueness and version, writes, maintains the indexes and appends
// the change event together.
#pragma once

#include <string>
#include <vector>

namespace scim::store {

struct Script {
    const char *name;
    std::string source;
    std::string sha1;  // hex, as SCRIPT LOAD reports it
};

const Script &createUserScript();
const Script &replaceUserScript();
const Script &deleteUserScript();
const Script &listUsersScript();

// Every script, for SCRIPT LOAD at connect.
const std::vector<const Script *> &allScripts();

}  // namespace scim::store
