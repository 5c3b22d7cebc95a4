# Explicit rule for the module's C++ main file (auto/make ignores *.c++).
# The object is named in ngx_module_libs, so the module's .so is made to
# depend on it as well.

scim_main_obj=$NGX_OBJS/addon/scim/ngx_http_scim_module.o
# The embedded Lua scripts (tools/lua-embed): generated from src/store/lua,
# compiled, and linked through ngx_module_libs like the main object.
scim_lua_cpp=$NGX_OBJS/addon/scim/lua_sources.cpp
scim_lua_obj=$NGX_OBJS/addon/scim/lua_sources.o
mkdir -p $NGX_OBJS/addon/scim

cat << END                                                   >> $NGX_MAKEFILE

$scim_main_obj:	\$(CORE_DEPS) \$(HTTP_DEPS) \$(ADDON_DEPS) $ngx_addon_dir/ngx_http_scim_module.c++
	\$(CC) -x c++ -c $ngx_pic_opt \$(CFLAGS) \$(CORE_INCS) \$(HTTP_INCS) -o $scim_main_obj $ngx_addon_dir/ngx_http_scim_module.c++

$scim_lua_cpp:	$ngx_addon_dir/tools/lua-embed $ngx_addon_dir/src/store/lua/*.lua $ngx_addon_dir/src/store/lua/lib/*.lua
	perl $ngx_addon_dir/tools/lua-embed $scim_lua_cpp $ngx_addon_dir/src/store/lua

$scim_lua_obj:	$scim_lua_cpp $ngx_addon_dir/include/scim/store/lua_sources.hpp
	\$(CC) -x c++ -c $ngx_pic_opt \$(CFLAGS) -I $ngx_addon_dir/include -o $scim_lua_obj $scim_lua_cpp

$NGX_OBJS/ngx_http_scim_module$ngx_modext:	$scim_main_obj $scim_lua_obj

END
