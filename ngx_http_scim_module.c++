/*
 * ngx_http_scim_module: SCIM 2.0 (RFC 7643, RFC 7644) served by nginx and
 * stored in Redis.
 *
 * This file holds the module definition, the directive table and the
 * process hooks. Directive handlers and configuration create/merge are in
 * src/ngx/ngx_http_scim_conf.cpp, the request path starts in
 * src/ngx/ngx_http_scim_handler.cpp (src/ngx/ngx_http_scim_request.hpp
 * lists its files), Redis I/O is in src/ngx/ngx_http_scim_redis.cpp, and
 * the SCIM semantics in the plain C++ core under src/. Every entry point
 * called by nginx is noexcept and catches.
 */

#include "ngx/ngx_http_scim_module.hpp"

#include "ngx/ngx_http_scim_auth.hpp"
#include "ngx/ngx_http_scim_conf.hpp"
#include "ngx/ngx_http_scim_document_cache.hpp"
#include "ngx/ngx_http_scim_metrics.hpp"

static ngx_int_t ngx_http_scim_preconfiguration(ngx_conf_t *cf) noexcept;
static ngx_int_t ngx_http_scim_postconfiguration(ngx_conf_t *cf) noexcept;
static ngx_int_t ngx_http_scim_init_process(ngx_cycle_t *cycle) noexcept;
static void ngx_http_scim_exit_process(ngx_cycle_t *cycle) noexcept;

static ngx_conf_enum_t ngx_http_scim_password_storage[] = {
    {ngx_string("hash"), 1},
    {ngx_string("discard"), 0},
    {ngx_null_string, 0},
};

static ngx_conf_enum_t ngx_http_scim_role_on_deactivate[] = {
    {ngx_string("keep"), 0},
    {ngx_string("drop"), 1},
    {ngx_null_string, 0},
};

static ngx_conf_enum_t ngx_http_scim_patch_responses[] = {
    {ngx_string("auto"), static_cast<ngx_uint_t>(scim::PatchResponse::Auto)},
    {ngx_string("resource"), static_cast<ngx_uint_t>(scim::PatchResponse::Resource)},
    {ngx_string("no_content"), static_cast<ngx_uint_t>(scim::PatchResponse::NoContent)},
    {ngx_null_string, 0},
};

static ngx_conf_post_t ngx_http_scim_cache_ttl_post = {ngx_http_scim_check_cache_ttl};
static ngx_conf_num_bounds_t ngx_http_scim_db_bounds = {ngx_conf_check_num_bounds, 0, 1023};
static ngx_conf_num_bounds_t ngx_http_scim_verify_depth_bounds = {ngx_conf_check_num_bounds, 0, 100};
static ngx_conf_num_bounds_t ngx_http_scim_page_bounds = {ngx_conf_check_num_bounds, 1, 100000};
static ngx_conf_num_bounds_t ngx_http_scim_depth_bounds = {ngx_conf_check_num_bounds, 2, 256};
static ngx_conf_num_bounds_t ngx_http_scim_members_bounds = {ngx_conf_check_num_bounds, 1,
                                                              NGX_MAX_INT32_VALUE};
static ngx_conf_num_bounds_t ngx_http_scim_filter_length_bounds = {ngx_conf_check_num_bounds, 16,
                                                                    65536};
static ngx_conf_num_bounds_t ngx_http_scim_request_members_bounds = {
    ngx_conf_check_num_bounds, 1, 1000000};
static ngx_conf_num_bounds_t ngx_http_scim_scan_bounds = {ngx_conf_check_num_bounds, 1,
                                                          NGX_MAX_INT32_VALUE};
static ngx_conf_num_bounds_t ngx_http_scim_sort_bounds = {ngx_conf_check_num_bounds, 1, 10000000};
static ngx_conf_num_bounds_t ngx_http_scim_bulk_operations_bounds = {ngx_conf_check_num_bounds, 1,
                                                                      100000};
static ngx_conf_post_t ngx_http_scim_bulk_payload_post = {ngx_http_scim_check_bulk_payload};
static ngx_conf_num_bounds_t ngx_http_scim_max_tenants_bounds = {ngx_conf_check_num_bounds, 1,
                                                                  1000000};
static ngx_conf_num_bounds_t ngx_http_scim_maxlen_bounds = {ngx_conf_check_num_bounds, 1,
                                                             NGX_MAX_INT32_VALUE};

#define NGX_HTTP_SCIM_ANY_CONF (NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF)

static ngx_command_t ngx_http_scim_commands[] = {
    {ngx_string("scim"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS, ngx_http_scim_enable,
     NGX_HTTP_LOC_CONF_OFFSET, 0, nullptr},

    {ngx_string("scim_redis"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_http_scim_redis_address,
     NGX_HTTP_MAIN_CONF_OFFSET, offsetof(ngx_http_scim_main_conf_t, redis_address), nullptr},

    {ngx_string("scim_redis_cluster"), NGX_HTTP_MAIN_CONF | NGX_CONF_1MORE,
     ngx_http_scim_redis_cluster_directive, NGX_HTTP_MAIN_CONF_OFFSET, 0, nullptr},

    {ngx_string("scim_redis_password"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, redis_password), nullptr},

    {ngx_string("scim_redis_db"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_conf_set_num_slot,
     NGX_HTTP_MAIN_CONF_OFFSET, offsetof(ngx_http_scim_main_conf_t, redis_db),
     &ngx_http_scim_db_bounds},

    {ngx_string("scim_redis_prefix"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_http_scim_prefix,
     NGX_HTTP_MAIN_CONF_OFFSET, offsetof(ngx_http_scim_main_conf_t, redis_prefix), nullptr},

    {ngx_string("scim_redis_connect_timeout"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_msec_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, redis_connect_timeout), nullptr},

    {ngx_string("scim_redis_timeout"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_msec_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, redis_timeout), nullptr},

    {ngx_string("scim_redis_username"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, redis_username), nullptr},

    {ngx_string("scim_redis_ssl"), NGX_HTTP_MAIN_CONF | NGX_CONF_FLAG, ngx_conf_set_flag_slot,
     NGX_HTTP_MAIN_CONF_OFFSET, offsetof(ngx_http_scim_main_conf_t, redis_ssl), nullptr},

    {ngx_string("scim_redis_ssl_trusted_certificate"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, redis_ssl_trusted_certificate), nullptr},

    {ngx_string("scim_redis_ssl_verify"), NGX_HTTP_MAIN_CONF | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, redis_ssl_verify), nullptr},

    {ngx_string("scim_redis_ssl_verify_depth"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, redis_ssl_verify_depth), &ngx_http_scim_verify_depth_bounds},

    {ngx_string("scim_redis_ssl_server_name"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, redis_ssl_server_name), nullptr},

    {ngx_string("scim_redis_ssl_certificate"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, redis_ssl_certificate), nullptr},

    {ngx_string("scim_redis_ssl_certificate_key"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, redis_ssl_certificate_key), nullptr},

    {ngx_string("scim_redis_ssl_protocols"), NGX_HTTP_MAIN_CONF | NGX_CONF_1MORE,
     ngx_conf_set_bitmask_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, redis_ssl_protocols), ngx_http_scim_redis_ssl_protocols},

    {ngx_string("scim_redis_ssl_ciphers"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, redis_ssl_ciphers), nullptr},

    {ngx_string("scim_redis_sentinel"), NGX_HTTP_MAIN_CONF | NGX_CONF_2MORE,
     ngx_http_scim_redis_sentinel_directive, NGX_HTTP_MAIN_CONF_OFFSET, 0, nullptr},

    {ngx_string("scim_redis_sentinel_username"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, redis_sentinel_username), nullptr},

    {ngx_string("scim_redis_sentinel_password"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, redis_sentinel_password), nullptr},

    {ngx_string("scim_redis_sentinel_ssl"), NGX_HTTP_MAIN_CONF | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, redis_sentinel_ssl), nullptr},

    {ngx_string("scim_redis_sentinel_ssl_server_name"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, redis_sentinel_ssl_server_name), nullptr},

    {ngx_string("scim_redis_wait_replicas"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE12,
     ngx_http_scim_redis_wait_directive, NGX_HTTP_MAIN_CONF_OFFSET, 0, nullptr},

    {ngx_string("scim_metrics"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS, ngx_http_scim_metrics,
     NGX_HTTP_LOC_CONF_OFFSET, 0, nullptr},

    {ngx_string("scim_metrics_max_tenants"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, metrics_max_tenants), &ngx_http_scim_max_tenants_bounds},

    {ngx_string("scim_token"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE123, ngx_http_scim_token,
     NGX_HTTP_LOC_CONF_OFFSET, 0, nullptr},

    {ngx_string("scim_token_file"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_array_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, token_files), nullptr},

    {ngx_string("scim_tenant"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1, ngx_http_scim_tenant,
     NGX_HTTP_LOC_CONF_OFFSET, 0, nullptr},

    {ngx_string("scim_base_url"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1, ngx_http_scim_base_url,
     NGX_HTTP_LOC_CONF_OFFSET, 0, nullptr},

    {ngx_string("scim_redis_tokens"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, redis_tokens), nullptr},

    {ngx_string("scim_token_cache_ttl"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_msec_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_scim_main_conf_t, token_cache_ttl), &ngx_http_scim_cache_ttl_post},

    {ngx_string("scim_document_cache"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE12,
     ngx_http_scim_document_cache_directive, NGX_HTTP_MAIN_CONF_OFFSET, 0, nullptr},

    {ngx_string("scim_admin"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS, ngx_http_scim_admin,
     NGX_HTTP_LOC_CONF_OFFSET, 0, nullptr},

    {ngx_string("scim_admin_token"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_http_scim_admin_token, NGX_HTTP_LOC_CONF_OFFSET, 0, nullptr},

    {ngx_string("scim_page_size"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, page_size), &ngx_http_scim_page_bounds},

    {ngx_string("scim_max_page_size"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, max_page_size), &ngx_http_scim_page_bounds},

    {ngx_string("scim_max_json_depth"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, max_json_depth), &ngx_http_scim_depth_bounds},

    {ngx_string("scim_max_filter_length"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, max_filter_length), &ngx_http_scim_filter_length_bounds},

    {ngx_string("scim_max_filter_depth"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, max_filter_depth), &ngx_http_scim_depth_bounds},

    {ngx_string("scim_max_sort_results"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, max_sort_results), &ngx_http_scim_sort_bounds},

    /* Resource bounds and error pages (issue #9) */
    {ngx_string("scim_max_members_per_request"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, max_members_per_request),
     &ngx_http_scim_request_members_bounds},

    {ngx_string("scim_max_scan"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, max_scan), &ngx_http_scim_scan_bounds},

    {ngx_string("scim_errors"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, errors), nullptr},

    {ngx_string("scim_bulk_max_operations"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, bulk_max_operations),
     &ngx_http_scim_bulk_operations_bounds},

    {ngx_string("scim_bulk_max_payload"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_size_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, bulk_max_payload), &ngx_http_scim_bulk_payload_post},

    {ngx_string("scim_user_password"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_enum_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, password_storage), ngx_http_scim_password_storage},

    {ngx_string("scim_events_maxlen"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, events_maxlen), &ngx_http_scim_maxlen_bounds},

    {ngx_string("scim_patch_response"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_enum_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, patch_response), ngx_http_scim_patch_responses},

    {ngx_string("scim_group_display_name_unique"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, group_display_name_unique), nullptr},

    {ngx_string("scim_group_members_max"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_num_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, group_members_max), &ngx_http_scim_members_bounds},

    {ngx_string("scim_role_group"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE3,
     ngx_http_scim_role_group, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, role_groups), nullptr},

    {ngx_string("scim_synthetic_group"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE13,
     ngx_http_scim_role_group, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, synthetic_groups), nullptr},

    {ngx_string("scim_role_default"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_http_scim_role_default, NGX_HTTP_LOC_CONF_OFFSET, 0, nullptr},

    {ngx_string("scim_role_on_deactivate"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_enum_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, role_on_deactivate), ngx_http_scim_role_on_deactivate},

    {ngx_string("scim_user_delete"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1,
     ngx_http_scim_user_delete, NGX_HTTP_LOC_CONF_OFFSET, 0, nullptr},

    {ngx_string("scim_claim_guard"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_scim_loc_conf_t, claim_guard), nullptr},

    {ngx_string("scim_schema_extension"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE12,
     ngx_http_scim_schema_extension, NGX_HTTP_LOC_CONF_OFFSET, 0, nullptr},

    {ngx_string("scim_index"), NGX_HTTP_SCIM_ANY_CONF | NGX_CONF_TAKE1, ngx_http_scim_index,
     NGX_HTTP_LOC_CONF_OFFSET, 0, nullptr},

    ngx_null_command};

static ngx_http_module_t ngx_http_scim_module_ctx = {
    ngx_http_scim_preconfiguration,   /* preconfiguration */
    ngx_http_scim_postconfiguration,  /* postconfiguration */
    ngx_http_scim_create_main_conf,   /* create main configuration */
    ngx_http_scim_init_main_conf,     /* init main configuration */
    nullptr,                          /* create server configuration */
    nullptr,                          /* merge server configuration */
    ngx_http_scim_create_loc_conf,    /* create location configuration */
    ngx_http_scim_merge_loc_conf      /* merge location configuration */
};

ngx_module_t ngx_http_scim_module = {
    NGX_MODULE_V1,
    &ngx_http_scim_module_ctx,   /* module context */
    ngx_http_scim_commands,      /* module directives */
    NGX_HTTP_MODULE,             /* module type */
    nullptr,                     /* init master */
    nullptr,                     /* init module */
    ngx_http_scim_init_process,  /* init process */
    nullptr,                     /* init thread */
    nullptr,                     /* exit thread */
    ngx_http_scim_exit_process,  /* exit process */
    nullptr,                     /* exit master */
    NGX_MODULE_V1_PADDING};

static ngx_int_t ngx_http_scim_preconfiguration(ngx_conf_t *cf) noexcept {
    return ngx_http_scim_add_variables(cf);
}

static ngx_int_t ngx_http_scim_postconfiguration(ngx_conf_t *cf) noexcept {
    if (ngx_http_scim_metrics_init(cf) != NGX_OK) return NGX_ERROR;
    return ngx_http_scim_init_filters(cf);
}

static ngx_int_t ngx_http_scim_init_process(ngx_cycle_t *cycle) noexcept {
    if (ngx_process != NGX_PROCESS_WORKER && ngx_process != NGX_PROCESS_SINGLE) return NGX_OK;
    auto *smcf = static_cast<ngx_http_scim_main_conf_t *>(
        ngx_http_cycle_get_module_main_conf(cycle, ngx_http_scim_module));
    ngx_http_scim_metrics_init_process(cycle);
    if (smcf == nullptr || !smcf->used) return NGX_OK;
    ngx_http_scim_token_cache_init(smcf->token_cache_ttl);
    ngx_http_scim_document_cache_init(*smcf, cycle->log);
    ngx_http_scim_redis_start(smcf->redis, cycle->log);
    return NGX_OK;
}

static void ngx_http_scim_exit_process(ngx_cycle_t *) noexcept {
    ngx_http_scim_redis().stop();
    ngx_http_scim_document_cache_exit();
    ngx_http_scim_metrics_exit_process();
}
