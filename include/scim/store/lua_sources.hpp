// The store's Lua scripts as the build embeds them: tools/lua-embed expands
// src/store/lua/<name>.lua (its `--@include lib/….lua` lines) and writes
// kLuaSources into a generated .cpp of the build tree.
#pragma once

#include <cstddef>
#include <string_view>

namespace scim::store {

struct LuaSource {
    const char *name;    // the file name without .lua
    const char *source;  // expanded: what Redis runs
    const char *sha1;    // hex SHA-1 of `source`, as SCRIPT LOAD reports it
};

// Generated, sorted by name.
extern const LuaSource kLuaSources[];
extern const size_t kLuaSourceCount;

// The embedded script `name`, or nullptr.
const LuaSource *findLuaSource(std::string_view name);

}  // namespace scim::store
