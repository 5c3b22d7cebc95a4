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

// Read-only scripts of the query engine (query_scripts.cpp).
const std::vector<const Script *> &queryScripts();

// Every script, for SCRIPT LOAD at connect.
const std::vector<const Script *> &allScripts();

// A script with its SHA-1; write scripts get the shared prelude (emit(),
// the index helpers) prepended.
Script makeScript(const char *name, const char *body, bool withPrelude);

}  // namespace scim::store
