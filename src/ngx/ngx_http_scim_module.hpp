// Shared by the module's main file (directives, configuration, process
// hooks) and the request handler.
#pragma once

extern "C" {
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
}

#include <memory>
#include <string>

#include "ngx_http_scim_redis.hpp"
#include "ngx_http_scim_str.hpp"
#include "scim/service/service.hpp"
#include "scim/tokens.hpp"

extern "C" ngx_module_t ngx_http_scim_module;

struct ngx_http_scim_main_conf_t {
    ngx_http_scim_redis_conf_t *redis;  // C++ object owned by cf->pool
    ngx_str_t redis_address;
    ngx_str_t redis_password;
    ngx_int_t redis_db;
    ngx_str_t redis_prefix;
    ngx_msec_t redis_connect_timeout;
    ngx_msec_t redis_timeout;
    // Redis ACL user and TLS (src/ngx/ngx_http_scim_redis_conf.cpp)
    ngx_str_t redis_username;
    ngx_flag_t redis_ssl;
    ngx_str_t redis_ssl_trusted_certificate;
    ngx_flag_t redis_ssl_verify;
    ngx_int_t redis_ssl_verify_depth;
    ngx_str_t redis_ssl_server_name;
    ngx_str_t redis_ssl_certificate;
    ngx_str_t redis_ssl_certificate_key;
    ngx_uint_t redis_ssl_protocols;
    ngx_str_t redis_ssl_ciphers;
    // Redis Sentinel (src/ngx/ngx_http_scim_redis_sentinel_conf.cpp)
    ngx_array_t *redis_sentinel;  // of ngx_str_t: the master's name, then sentinels
    ngx_str_t redis_sentinel_username;
    ngx_str_t redis_sentinel_password;
    ngx_flag_t redis_sentinel_ssl;             // TLS to the sentinels, with the scim_redis_ssl_* trust
    ngx_str_t redis_sentinel_ssl_server_name;  // else each sentinel's host
    // Redis Cluster (src/ngx/ngx_http_scim_redis_cluster_conf.cpp): the
    // scim_redis_cluster seeds, as written (ngx_str_t), else nullptr.
    ngx_array_t *redis_cluster;
    // scim_redis_wait_replicas (src/ngx/ngx_http_scim_redis_wait_conf.cpp);
    // 0 when not given.
    ngx_uint_t redis_wait_replicas;
    ngx_msec_t redis_wait_timeout;
    ngx_msec_t token_cache_ttl;
    // scim_document_cache (src/ngx/ngx_http_scim_document_cache.cpp); unset:
    // the defaults there; max 0: off.
    ngx_flag_t document_cache_set;
    ngx_uint_t document_cache_max;
    size_t document_cache_size;
    ngx_flag_t used;  // some location has `scim` or `scim_admin`
    // Metrics (docs/metrics.md): the zone exists when `used` or some
    // location has `scim_metrics`.
    ngx_flag_t metrics_used;
    ngx_uint_t metrics_max_tenants;
    ngx_shm_zone_t *metrics_zone;
};

struct ngx_http_scim_server_names_t;  // ngx_http_scim_base_url.hpp

struct ngx_http_scim_loc_conf_t {
    ngx_flag_t enable;
    ngx_flag_t admin;                          // scim_admin: the token admin API
    ngx_str_t tenant;                          // scim_tenant name
    ngx_http_complex_value_t *tenant_value;    // scim_tenant $variable, else nullptr
    // scim_base_url: the prefix of every returned URL; nullptr computes it.
    ngx_http_complex_value_t *base_url;
    ngx_http_scim_server_names_t *server_names;  // scim locations: for the computed base URL
    ngx_flag_t redis_tokens;
    ngx_array_t *admin_tokens;                 // of ngx_str_t, sha256 hex
    ngx_array_t *tokens;       // of ngx_http_scim_token_conf_t
    ngx_array_t *token_files;  // of ngx_str_t
    ngx_uint_t page_size;
    ngx_uint_t max_page_size;
    ngx_uint_t max_json_depth;
    ngx_uint_t max_filter_length;
    ngx_uint_t max_filter_depth;
    ngx_uint_t max_sort_results;
    ngx_uint_t max_members_per_request;  // members one group write names; beyond, 413
    ngx_uint_t max_scan;                 // records one list request examines; beyond, 400
    ngx_flag_t errors;  // scim_errors: nginx's own error pages here in SCIM form
    ngx_uint_t bulk_max_operations;  // scim_bulk_max_operations
    size_t bulk_max_payload;         // scim_bulk_max_payload; unset: client_max_body_size
    ngx_uint_t password_storage;  // 1 hash, 0 discard
    ngx_int_t events_maxlen;
    ngx_uint_t patch_response;  // scim::PatchResponse
    ngx_flag_t group_display_name_unique;
    ngx_uint_t group_members_max;
    ngx_uint_t user_delete;  // scim::UserDelete
    ngx_flag_t claim_guard;
    ngx_array_t *schema_extensions;  // of scim::DeclaredExtension *, scim_schema_extension
    ngx_array_t *indexes;            // of ngx_str_t, scim_index (resolved in merge)
    ngx_array_t *role_groups;       // of ngx_http_scim_role_conf_t, scim_role_group
    ngx_array_t *synthetic_groups;  // of ngx_http_scim_role_conf_t, scim_synthetic_group
    ngx_str_t role_default;         // data nullptr: unset
    ngx_uint_t role_on_deactivate;  // 1: an inactive user has no role
    scim::TokenSet *token_set;     // built at merge time, owned by cf->pool
    scim::TokenSet *admin_token_set;  // scim_admin locations only
    scim::ServiceConfig *service;  // built at merge time, owned by cf->pool
};

// A group and the role it gives; role.len is 0 for a synthetic group that
// gives none.
struct ngx_http_scim_role_conf_t {
    ngx_str_t group;
    ngx_str_t role;
    ngx_int_t priority;
};

struct ngx_http_scim_token_conf_t {
    ngx_str_t hash;
    ngx_str_t name;
    ngx_str_t tenant;
    ngx_str_t file;  // where it was configured, for error messages
    ngx_uint_t line;
};

// The content handler and the filters that give nginx's own error pages
// (413 from client_max_body_size, 400, …) the SCIM error shape.
ngx_int_t ngx_http_scim_handler(ngx_http_request_t *r) noexcept;
ngx_int_t ngx_http_scim_init_filters(ngx_conf_t *cf) noexcept;

// Builds smcf->redis from the scim_redis* directives (init_main_conf).
char *ngx_http_scim_redis_configure(ngx_conf_t *cf, ngx_http_scim_main_conf_t *smcf) noexcept;
// scim_redis_sentinel: the directive, and smcf->redis->sentinel from it.
char *ngx_http_scim_redis_sentinel_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;
// `ssl`: the scim_redis_ssl_* context, for scim_redis_sentinel_ssl on.
char *ngx_http_scim_redis_sentinel_configure(ngx_conf_t *cf, ngx_http_scim_main_conf_t *smcf,
                                             ngx_ssl_t *ssl);
// The `resolver` of the http{} block, if one with servers is configured.
ngx_resolver_t *ngx_http_scim_http_resolver(ngx_conf_t *cf) noexcept;
extern ngx_conf_bitmask_t ngx_http_scim_redis_ssl_protocols[];
// scim_redis_cluster host:port …; and its part of smcf->redis.
char *ngx_http_scim_redis_cluster_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_scim_redis_cluster_configure(ngx_conf_t *cf, ngx_http_scim_main_conf_t *smcf) noexcept;
// scim_redis_wait_replicas n [timeout]; and its part of smcf->redis.
char *ngx_http_scim_redis_wait_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_scim_redis_wait_configure(ngx_conf_t *cf, ngx_http_scim_main_conf_t *smcf) noexcept;

// Registers a pool cleanup that runs T's destructor; nullptr on failure.
template <class T>
T *ngx_http_scim_pool_new(ngx_pool_t *pool) noexcept {
    ngx_pool_cleanup_t *cln = ngx_pool_cleanup_add(pool, sizeof(T));
    if (cln == nullptr) return nullptr;
    T *obj;
    try {
        obj = new (cln->data) T();
    } catch (...) {
        cln->handler = nullptr;
        return nullptr;
    }
    cln->handler = [](void *p) { static_cast<T *>(p)->~T(); };
    return obj;
}
