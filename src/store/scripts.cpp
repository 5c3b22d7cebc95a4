#include "scim/store/scripts.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "scim/store/group_scripts.hpp"
#include "scim/store/lua_sources.hpp"
#include "scim/store/query_scripts.hpp"
#include "scim/store/token_scripts.hpp"

namespace scim::store {

const LuaSource *findLuaSource(std::string_view name) {
    for (size_t i = 0; i < kLuaSourceCount; ++i) {
        if (name == kLuaSources[i].name) return &kLuaSources[i];
    }
    return nullptr;
}

Script embeddedScript(const char *name, ScriptAccess access) {
    const LuaSource *lua = findLuaSource(name);
    if (!lua) {
        // A build defect (the file is missing from src/store/lua), never input.
        std::fprintf(stderr, "scim: no embedded Lua script %s\n", name);
        std::abort();
    }
    return Script{lua->name, lua->source, lua->sha1, access == ScriptAccess::ReadOnly};
}

const Script &createUserScript() {
    static const Script s = embeddedScript("create_user", ScriptAccess::Writes);
    return s;
}

const Script &replaceUserScript() {
    static const Script s = embeddedScript("replace_user", ScriptAccess::Writes);
    return s;
}

const Script &deleteUserScript() {
    static const Script s = embeddedScript("delete_user", ScriptAccess::Writes);
    return s;
}

const std::vector<const Script *> &allScripts() {
    static const std::vector<const Script *> all = [] {
        std::vector<const Script *> v{&createUserScript(), &replaceUserScript(),
                                      &deleteUserScript()};
        for (const Script *s : queryScripts()) v.push_back(s);
        for (const Script *s : groupScripts()) v.push_back(s);
        for (const Script *s : tokenScripts()) v.push_back(s);
        return v;
    }();
    return all;
}

}  // namespace scim::store
