-- luacheck over the store's Lua scripts as Redis runs them: `make lint-lua`
-- expands src/store/lua/*.lua (tools/lua-embed --lint) into build/lua-lint.
-- Redis runs Lua 5.1 with these libraries and no way to define globals.
std = "lua51"
read_globals = { "redis", "cjson", "cmsgpack", "bit", "struct", "KEYS", "ARGV" }
max_line_length = 100
