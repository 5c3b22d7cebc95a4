// Configuration building: the directive handlers the module's directive
// table names, and creating, initialising and merging the configurations
// (src/ngx/ngx_http_scim_conf.cpp). The table itself stays in
// ngx_http_scim_module.c++.
#pragma once

#include "ngx_http_scim_module.hpp"

/* directive handlers */
char *ngx_http_scim_enable(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_scim_token(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_scim_tenant(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_scim_base_url(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_scim_admin(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_scim_admin_token(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_scim_user_delete(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_scim_role_group(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_scim_role_default(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_scim_redis_address(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_scim_prefix(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_scim_schema_extension(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_scim_index(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_scim_metrics(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;

/* post handlers (ngx_conf_post_t) */
char *ngx_http_scim_check_cache_ttl(ngx_conf_t *cf, void *post, void *data) noexcept;
char *ngx_http_scim_check_bulk_payload(ngx_conf_t *cf, void *post, void *data) noexcept;

/* ngx_http_module_t hooks */
void *ngx_http_scim_create_main_conf(ngx_conf_t *cf) noexcept;
char *ngx_http_scim_init_main_conf(ngx_conf_t *cf, void *conf) noexcept;
void *ngx_http_scim_create_loc_conf(ngx_conf_t *cf) noexcept;
char *ngx_http_scim_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child) noexcept;
