# Explicit rule for the module's C++ main file (auto/make ignores *.c++).
# The object is named in ngx_module_libs, so the module's .so is made to
# depend on it as well.

scim_main_obj=$NGX_OBJS/addon/scim/ngx_http_scim_module.o
mkdir -p $NGX_OBJS/addon/scim

cat << END                                                   >> $NGX_MAKEFILE

$scim_main_obj:	\$(CORE_DEPS) \$(HTTP_DEPS) \$(ADDON_DEPS) $ngx_addon_dir/ngx_http_scim_module.c++
	\$(CC) -x c++ -c $ngx_pic_opt \$(CFLAGS) \$(CORE_INCS) \$(HTTP_INCS) -o $scim_main_obj $ngx_addon_dir/ngx_http_scim_module.c++

$NGX_OBJS/ngx_http_scim_module$ngx_modext:	$scim_main_obj

END
