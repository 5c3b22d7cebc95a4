// Configuration building: directive handlers, main and location
// configuration create/init/merge, and the per-location objects built once
// at merge time (token sets, ServiceConfig) so nothing is parsed per
// request. Defaults come from one place: a default-constructed
// scim::ServiceConfig, and ngx_http_scim_redis.hpp for the Redis timeouts.
#include "ngx_http_scim_conf.hpp"

#include "ngx_http_scim_auth.hpp"
#include "ngx_http_scim_base_url.hpp"
#include "ngx_http_scim_metrics.hpp"
#include "scim/base_url.hpp"
#include "scim/roles.hpp"
#include "scim/schema_set.hpp"
#include "scim/store/keys.hpp"
#include "scim/tenant.hpp"

static ngx_conf_enum_t ngx_http_scim_user_deletes[] = {
    {ngx_string("soft"), static_cast<ngx_uint_t>(scim::UserDelete::Soft)},
    {ngx_string("hard"), static_cast<ngx_uint_t>(scim::UserDelete::Hard)},
    {ngx_null_string, 0},
};

// scim and scim_admin: the location's content handler is the module's,
// and the worker needs its Redis link.
static char *ngx_http_scim_serve_location(ngx_conf_t *cf) noexcept {
    auto *clcf = static_cast<ngx_http_core_loc_conf_t *>(
        ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));
    if (clcf->handler == ngx_http_scim_metrics_handler) {
        return const_cast<char *>("cannot share a location with \"scim_metrics\"");
    }
    clcf->handler = ngx_http_scim_handler;

    auto *smcf = static_cast<ngx_http_scim_main_conf_t *>(
        ngx_http_conf_get_module_main_conf(cf, ngx_http_scim_module));
    smcf->used = 1;
    return NGX_CONF_OK;
}

char *ngx_http_scim_enable(ngx_conf_t *cf, ngx_command_t *, void *conf) noexcept {
    auto *slcf = static_cast<ngx_http_scim_loc_conf_t *>(conf);
    if (slcf->enable != NGX_CONF_UNSET) return const_cast<char *>("is duplicate");
    if (slcf->admin == 1) return const_cast<char *>("cannot share a location with \"scim_admin\"");
    slcf->enable = 1;
    return ngx_http_scim_serve_location(cf);
}

// scim_metrics: the Prometheus exposition of the metrics zone, like stub_status.
char *ngx_http_scim_metrics(ngx_conf_t *cf, ngx_command_t *, void *conf) noexcept {
    auto *slcf = static_cast<ngx_http_scim_loc_conf_t *>(conf);
    if (slcf->enable == 1 || slcf->admin == 1) {
        return const_cast<char *>("cannot share a location with \"scim\" or \"scim_admin\"");
    }
    auto *clcf = static_cast<ngx_http_core_loc_conf_t *>(
        ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));
    if (clcf->handler == ngx_http_scim_metrics_handler) return const_cast<char *>("is duplicate");
    clcf->handler = ngx_http_scim_metrics_handler;
    auto *smcf = static_cast<ngx_http_scim_main_conf_t *>(
        ngx_http_conf_get_module_main_conf(cf, ngx_http_scim_module));
    smcf->metrics_used = 1;
    return NGX_CONF_OK;
}

// scim_token <sha256 hex> [name] [tenant=<tenant>]
char *ngx_http_scim_token(ngx_conf_t *cf, ngx_command_t *, void *conf) noexcept {
    auto *slcf = static_cast<ngx_http_scim_loc_conf_t *>(conf);
    auto *value = static_cast<ngx_str_t *>(cf->args->elts);

    if (slcf->tokens == NGX_CONF_UNSET_PTR) {
        slcf->tokens = ngx_array_create(cf->pool, 4, sizeof(ngx_http_scim_token_conf_t));
        if (slcf->tokens == nullptr) return static_cast<char *>(NGX_CONF_ERROR);
    }
    auto *token = static_cast<ngx_http_scim_token_conf_t *>(ngx_array_push(slcf->tokens));
    if (token == nullptr) return static_cast<char *>(NGX_CONF_ERROR);
    ngx_memzero(token, sizeof(*token));
    token->hash = value[1];

    for (ngx_uint_t i = 2; i < cf->args->nelts; i++) {
        if (ngx_strncmp(value[i].data, "tenant=", 7) == 0) {
            token->tenant.data = value[i].data + 7;
            token->tenant.len = value[i].len - 7;
            auto err = scim::tenantNameError(ngx_http_scim_string(token->tenant));
            if (err) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid tenant in \"%V\": %s",
                                   &value[i], err->c_str());
                return static_cast<char *>(NGX_CONF_ERROR);
            }
        } else {
            token->name = value[i];
        }
    }

    try {
        scim::TokenSet check;
        if (auto err = check.add(ngx_http_scim_string(token->hash), "", "default")) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid scim_token \"%V\": %s",
                               &token->hash, err->c_str());
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    } catch (...) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }
    return NGX_CONF_OK;
}

// A directive's value with $variables, evaluated per request; nullptr on error.
static ngx_http_complex_value_t *ngx_http_scim_compile_value(ngx_conf_t *cf, ngx_str_t *value) {
    auto *cv = static_cast<ngx_http_complex_value_t *>(
        ngx_palloc(cf->pool, sizeof(ngx_http_complex_value_t)));
    if (cv == nullptr) return nullptr;
    ngx_http_compile_complex_value_t ccv;
    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));
    ccv.cf = cf;
    ccv.value = value;
    ccv.complex_value = cv;
    return ngx_http_compile_complex_value(&ccv) == NGX_OK ? cv : nullptr;
}

// scim_tenant name | scim_tenant $variable (evaluated per request)
char *ngx_http_scim_tenant(ngx_conf_t *cf, ngx_command_t *, void *conf) noexcept {
    auto *slcf = static_cast<ngx_http_scim_loc_conf_t *>(conf);
    if (slcf->tenant.data != nullptr || slcf->tenant_value != nullptr) {
        return const_cast<char *>("is duplicate");
    }
    ngx_str_t *value = static_cast<ngx_str_t *>(cf->args->elts) + 1;
    if (ngx_http_script_variables_count(value) == 0) {
        try {
            if (auto err = scim::tenantNameError(ngx_http_scim_string(*value))) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid scim_tenant \"%V\": %s", value,
                                   err->c_str());
                return static_cast<char *>(NGX_CONF_ERROR);
            }
        } catch (...) {
            return static_cast<char *>(NGX_CONF_ERROR);
        }
        slcf->tenant = *value;
        return NGX_CONF_OK;
    }
    slcf->tenant_value = ngx_http_scim_compile_value(cf, value);
    return slcf->tenant_value ? NGX_CONF_OK : static_cast<char *>(NGX_CONF_ERROR);
}

// scim_base_url https://app.example.com/scim/v2 | $scheme://$host/scim/v2
// A static value is checked here; an evaluated one per request.
char *ngx_http_scim_base_url(ngx_conf_t *cf, ngx_command_t *, void *conf) noexcept {
    auto *slcf = static_cast<ngx_http_scim_loc_conf_t *>(conf);
    if (slcf->base_url != NGX_CONF_UNSET_PTR) return const_cast<char *>("is duplicate");
    ngx_str_t *value = static_cast<ngx_str_t *>(cf->args->elts) + 1;
    if (ngx_http_script_variables_count(value) == 0) {
        try {
            if (auto err = scim::baseUrlError(ngx_http_scim_string(*value))) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid scim_base_url \"%V\": %s",
                                   value, err->c_str());
                return static_cast<char *>(NGX_CONF_ERROR);
            }
        } catch (...) {
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    }
    slcf->base_url = ngx_http_scim_compile_value(cf, value);
    return slcf->base_url ? NGX_CONF_OK : static_cast<char *>(NGX_CONF_ERROR);
}

char *ngx_http_scim_admin(ngx_conf_t *cf, ngx_command_t *, void *conf) noexcept {
    auto *slcf = static_cast<ngx_http_scim_loc_conf_t *>(conf);
    if (slcf->admin != NGX_CONF_UNSET) return const_cast<char *>("is duplicate");
    if (slcf->enable == 1) return const_cast<char *>("cannot share a location with \"scim\"");
    slcf->admin = 1;
    return ngx_http_scim_serve_location(cf);
}

// scim_admin_token <sha256 hex>; may be repeated, e.g. while rotating it.
char *ngx_http_scim_admin_token(ngx_conf_t *cf, ngx_command_t *, void *conf) noexcept {
    auto *slcf = static_cast<ngx_http_scim_loc_conf_t *>(conf);
    ngx_str_t *value = static_cast<ngx_str_t *>(cf->args->elts) + 1;
    try {
        scim::TokenSet check;
        if (auto err = check.add(ngx_http_scim_string(*value), "admin", "")) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid scim_admin_token \"%V\": %s", value,
                               err->c_str());
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    } catch (...) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }
    if (slcf->admin_tokens == NGX_CONF_UNSET_PTR) {
        slcf->admin_tokens = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));
        if (slcf->admin_tokens == nullptr) return static_cast<char *>(NGX_CONF_ERROR);
    }
    auto *hash = static_cast<ngx_str_t *>(ngx_array_push(slcf->admin_tokens));
    if (hash == nullptr) return static_cast<char *>(NGX_CONF_ERROR);
    *hash = *value;
    return NGX_CONF_OK;
}

// The cache TTL is how long a revoked token may keep working on a worker:
// keep it short.
char *ngx_http_scim_check_cache_ttl(ngx_conf_t *cf, void *, void *data) noexcept {
    auto *ttl = static_cast<ngx_msec_t *>(data);
    if (*ttl > 3600 * 1000) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "scim_token_cache_ttl must not exceed 1h: it bounds how long a "
                           "revoked token keeps working");
        return static_cast<char *>(NGX_CONF_ERROR);
    }
    return NGX_CONF_OK;
}

// scim_redis 127.0.0.1:6379 | redis.internal:6380 | unix:/run/redis.sock
// Only the syntax here: whether a name resolves now or through `resolver`
// at run time is decided once the http{} block is read.
char *ngx_http_scim_redis_address(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept {
    char *rv = ngx_conf_set_str_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) return rv;
    auto *smcf = static_cast<ngx_http_scim_main_conf_t *>(conf);
    ngx_url_t u;
    ngx_memzero(&u, sizeof(ngx_url_t));
    u.url = smcf->redis_address;
    u.default_port = 6379;
    u.no_resolve = 1;
    if (ngx_parse_url(cf->pool, &u) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid scim_redis address \"%V\": %s",
                           &u.url, u.err ? u.err : "cannot parse");
        return static_cast<char *>(NGX_CONF_ERROR);
    }
    return NGX_CONF_OK;
}

// scim_role_group "<displayName>" <role> <priority>
// scim_synthetic_group "<displayName>" [<role> <priority>]
char *ngx_http_scim_role_group(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept {
    auto *value = static_cast<ngx_str_t *>(cf->args->elts);
    auto **groups = reinterpret_cast<ngx_array_t **>(static_cast<char *>(conf) + cmd->offset);
    if (*groups == NGX_CONF_UNSET_PTR) {
        *groups = ngx_array_create(cf->pool, 4, sizeof(ngx_http_scim_role_conf_t));
        if (*groups == nullptr) return static_cast<char *>(NGX_CONF_ERROR);
    }
    auto *entry = static_cast<ngx_http_scim_role_conf_t *>(ngx_array_push(*groups));
    if (entry == nullptr) return static_cast<char *>(NGX_CONF_ERROR);
    ngx_memzero(entry, sizeof(*entry));
    entry->group = value[1];
    try {
        if (auto err = scim::roleGroupNameError(ngx_http_scim_string(value[1]))) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid group \"%V\": %s", &value[1],
                               err->c_str());
            return static_cast<char *>(NGX_CONF_ERROR);
        }
        if (cf->args->nelts == 2) return NGX_CONF_OK;  // a synthetic group without a role
        if (auto err = scim::roleNameError(ngx_http_scim_string(value[2]))) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid role \"%V\": %s", &value[2],
                               err->c_str());
            return static_cast<char *>(NGX_CONF_ERROR);
        }
        auto priority = scim::parseRolePriority(ngx_http_scim_string(value[3]));
        if (!priority) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid priority \"%V\": an integer from 0 to %L is expected",
                               &value[3], scim::kMaxRolePriority);
            return static_cast<char *>(NGX_CONF_ERROR);
        }
        entry->role = value[2];
        entry->priority = static_cast<ngx_int_t>(*priority);
    } catch (...) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }
    return NGX_CONF_OK;
}

char *ngx_http_scim_role_default(ngx_conf_t *cf, ngx_command_t *, void *conf) noexcept {
    auto *slcf = static_cast<ngx_http_scim_loc_conf_t *>(conf);
    if (slcf->role_default.data != nullptr) return const_cast<char *>("is duplicate");
    ngx_str_t *value = static_cast<ngx_str_t *>(cf->args->elts) + 1;
    try {
        if (auto err = scim::roleNameError(ngx_http_scim_string(*value))) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid scim_role_default \"%V\": %s", value,
                               err->c_str());
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    } catch (...) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }
    slcf->role_default = *value;
    return NGX_CONF_OK;
}

// scim_user_delete soft | hard; nginx's enum slot would not name the
// directive nor the values it accepts.
char *ngx_http_scim_user_delete(ngx_conf_t *cf, ngx_command_t *, void *conf) noexcept {
    auto *slcf = static_cast<ngx_http_scim_loc_conf_t *>(conf);
    if (slcf->user_delete != NGX_CONF_UNSET_UINT) return const_cast<char *>("is duplicate");
    ngx_str_t *value = static_cast<ngx_str_t *>(cf->args->elts) + 1;
    for (ngx_conf_enum_t *e = ngx_http_scim_user_deletes; e->name.len; e++) {
        if (e->name.len == value->len && ngx_strcmp(e->name.data, value->data) == 0) {
            slcf->user_delete = e->value;
            return NGX_CONF_OK;
        }
    }
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid scim_user_delete \"%V\": it must be \"soft\" or \"hard\"", value);
    return static_cast<char *>(NGX_CONF_ERROR);
}

// scim_schema_extension <file> [required]: the file is read and checked
// here, so that `nginx -t` names the file and the line that declared it.
char *ngx_http_scim_schema_extension(ngx_conf_t *cf, ngx_command_t *, void *conf) noexcept {
    auto *slcf = static_cast<ngx_http_scim_loc_conf_t *>(conf);
    auto *value = static_cast<ngx_str_t *>(cf->args->elts);
    bool required = false;
    if (cf->args->nelts == 3) {
        if (ngx_strcmp(value[2].data, "required") != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid scim_schema_extension parameter \"%V\": only \"required\" "
                               "may follow the file", &value[2]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }
        required = true;
    }
    ngx_str_t path = value[1];
    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) return static_cast<char *>(NGX_CONF_ERROR);
    if (slcf->schema_extensions == NGX_CONF_UNSET_PTR) {
        slcf->schema_extensions = ngx_array_create(cf->pool, 2, sizeof(scim::DeclaredExtension *));
        if (slcf->schema_extensions == nullptr) return static_cast<char *>(NGX_CONF_ERROR);
    }
    auto *slot = static_cast<scim::DeclaredExtension **>(ngx_array_push(slcf->schema_extensions));
    auto *ext = ngx_http_scim_pool_new<scim::DeclaredExtension>(cf->pool);
    if (slot == nullptr || ext == nullptr) return static_cast<char *>(NGX_CONF_ERROR);
    try {
        std::string error;
        auto loaded = scim::loadSchemaExtension(ngx_http_scim_string(path), required, error);
        if (!loaded) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "scim_schema_extension \"%V\": %s", &path,
                               error.c_str());
            return static_cast<char *>(NGX_CONF_ERROR);
        }
        *ext = std::move(*loaded);
    } catch (const std::exception &e) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "scim_schema_extension \"%V\": %s", &path,
                           e.what());
        return static_cast<char *>(NGX_CONF_ERROR);
    }
    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, cf->log, 0, "scim: schema extension %s from \"%V\"",
                   ext->schema.id.c_str(), &path);
    *slot = ext;
    return NGX_CONF_OK;
}

// The prefix goes in front of the {tenant} hash tag; braces in it would
// change which part of the key Redis Cluster hashes.
char *ngx_http_scim_prefix(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept {
    char *rv = ngx_conf_set_str_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) return rv;
    auto *smcf = static_cast<ngx_http_scim_main_conf_t *>(conf);
    for (size_t i = 0; i < smcf->redis_prefix.len; i++) {
        u_char c = smcf->redis_prefix.data[i];
        if (c == '{' || c == '}' || c <= ' ') {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid scim_redis_prefix \"%V\": braces and spaces are not allowed",
                               &smcf->redis_prefix);
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    }
    return NGX_CONF_OK;
}

void *ngx_http_scim_create_main_conf(ngx_conf_t *cf) noexcept {
    auto *smcf = static_cast<ngx_http_scim_main_conf_t *>(
        ngx_pcalloc(cf->pool, sizeof(ngx_http_scim_main_conf_t)));
    if (smcf == nullptr) return nullptr;
    smcf->redis = ngx_http_scim_pool_new<ngx_http_scim_redis_conf_t>(cf->pool);
    if (smcf->redis == nullptr) return nullptr;
    smcf->redis_db = NGX_CONF_UNSET;
    smcf->redis_connect_timeout = NGX_CONF_UNSET_MSEC;
    smcf->redis_timeout = NGX_CONF_UNSET_MSEC;
    smcf->redis_ssl = NGX_CONF_UNSET;
    smcf->redis_ssl_verify = NGX_CONF_UNSET;
    smcf->redis_ssl_verify_depth = NGX_CONF_UNSET;
    smcf->redis_sentinel_ssl = NGX_CONF_UNSET;
    smcf->token_cache_ttl = NGX_CONF_UNSET_MSEC;
    smcf->metrics_max_tenants = NGX_CONF_UNSET_UINT;
    return smcf;
}

char *ngx_http_scim_init_main_conf(ngx_conf_t *cf, void *conf) noexcept {
    auto *smcf = static_cast<ngx_http_scim_main_conf_t *>(conf);
    ngx_conf_init_uint_value(smcf->metrics_max_tenants, 1000);
    if ((smcf->used || smcf->metrics_used) &&
        ngx_http_scim_metrics_zone_add(cf, smcf) != NGX_CONF_OK) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }
    ngx_conf_init_value(smcf->redis_db, 0);
    ngx_conf_init_msec_value(smcf->redis_connect_timeout,
                             ngx_http_scim_redis_connect_timeout_default);
    ngx_conf_init_msec_value(smcf->redis_timeout, ngx_http_scim_redis_timeout_default);
    try {
        if (smcf->redis_prefix.data == nullptr &&
            !ngx_http_scim_pool_str(cf->pool, scim::ServiceConfig{}.keyPrefix,
                                    smcf->redis_prefix)) {
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    } catch (...) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }
    ngx_conf_init_msec_value(smcf->token_cache_ttl, 5000);
    return ngx_http_scim_redis_configure(cf, smcf);
}

void *ngx_http_scim_create_loc_conf(ngx_conf_t *cf) noexcept {
    auto *slcf = static_cast<ngx_http_scim_loc_conf_t *>(
        ngx_pcalloc(cf->pool, sizeof(ngx_http_scim_loc_conf_t)));
    if (slcf == nullptr) return nullptr;
    slcf->enable = NGX_CONF_UNSET;
    slcf->admin = NGX_CONF_UNSET;
    slcf->redis_tokens = NGX_CONF_UNSET;
    slcf->base_url = static_cast<ngx_http_complex_value_t *>(NGX_CONF_UNSET_PTR);
    slcf->admin_tokens = static_cast<ngx_array_t *>(NGX_CONF_UNSET_PTR);
    slcf->tokens = static_cast<ngx_array_t *>(NGX_CONF_UNSET_PTR);
    slcf->token_files = static_cast<ngx_array_t *>(NGX_CONF_UNSET_PTR);
    slcf->page_size = NGX_CONF_UNSET_UINT;
    slcf->max_page_size = NGX_CONF_UNSET_UINT;
    slcf->max_json_depth = NGX_CONF_UNSET_UINT;
    slcf->max_filter_length = NGX_CONF_UNSET_UINT;
    slcf->max_filter_depth = NGX_CONF_UNSET_UINT;
    slcf->max_sort_results = NGX_CONF_UNSET_UINT;
    slcf->max_members_per_request = NGX_CONF_UNSET_UINT;
    slcf->max_scan = NGX_CONF_UNSET_UINT;
    slcf->errors = NGX_CONF_UNSET;

    slcf->bulk_max_operations = NGX_CONF_UNSET_UINT;
    slcf->bulk_max_payload = NGX_CONF_UNSET_SIZE;
    slcf->password_storage = NGX_CONF_UNSET_UINT;
    slcf->events_maxlen = NGX_CONF_UNSET;
    slcf->patch_response = NGX_CONF_UNSET_UINT;
    slcf->group_display_name_unique = NGX_CONF_UNSET;
    slcf->group_members_max = NGX_CONF_UNSET_UINT;
    slcf->role_groups = static_cast<ngx_array_t *>(NGX_CONF_UNSET_PTR);
    slcf->synthetic_groups = static_cast<ngx_array_t *>(NGX_CONF_UNSET_PTR);
    slcf->schema_extensions = static_cast<ngx_array_t *>(NGX_CONF_UNSET_PTR);
    slcf->indexes = static_cast<ngx_array_t *>(NGX_CONF_UNSET_PTR);
    slcf->user_delete = NGX_CONF_UNSET_UINT;
    slcf->claim_guard = NGX_CONF_UNSET;
    slcf->role_on_deactivate = NGX_CONF_UNSET_UINT;
    return slcf;
}

static bool ngx_http_scim_build_admin_tokens(ngx_conf_t *cf, ngx_http_scim_loc_conf_t *conf) {
    if (conf->admin_tokens == NGX_CONF_UNSET_PTR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "scim_admin location has no scim_admin_token");
        return false;
    }
    conf->admin_token_set = ngx_http_scim_pool_new<scim::TokenSet>(cf->pool);
    if (conf->admin_token_set == nullptr) return false;
    auto *hashes = static_cast<ngx_str_t *>(conf->admin_tokens->elts);
    for (ngx_uint_t i = 0; i < conf->admin_tokens->nelts; i++) {
        conf->admin_token_set->add(ngx_http_scim_string(hashes[i]), "admin", "");
    }
    return true;
}

static std::vector<scim::RoleGroup> ngx_http_scim_role_groups(ngx_array_t *groups) {
    std::vector<scim::RoleGroup> out;
    if (groups == NGX_CONF_UNSET_PTR) return out;
    auto *g = static_cast<ngx_http_scim_role_conf_t *>(groups->elts);
    for (ngx_uint_t i = 0; i < groups->nelts; i++) {
        out.push_back({ngx_http_scim_string(g[i].group),
                       {ngx_http_scim_string(g[i].role), static_cast<long long>(g[i].priority)}});
    }
    return out;
}

// The role mapping, default role and synthetic groups (docs/roles.md).
static bool ngx_http_scim_build_roles(ngx_conf_t *cf, ngx_http_scim_loc_conf_t *conf) {
    scim::RoleConfig &roles = conf->service->roles;
    roles.groups = ngx_http_scim_role_groups(conf->role_groups);
    for (scim::RoleGroup &g : ngx_http_scim_role_groups(conf->synthetic_groups)) {
        scim::SyntheticGroup s{std::move(g.displayName), std::nullopt};
        if (!g.rule.role.empty()) s.rule = std::move(g.rule);
        roles.synthetic.push_back(std::move(s));
    }
    roles.defaultRole = ngx_http_scim_string(conf->role_default);
    roles.dropOnDeactivate = conf->role_on_deactivate == 1;
    if (auto err = scim::roleConfigError(roles)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "scim_role_group, scim_synthetic_group: %s",
                           err->c_str());
        return false;
    }
    return true;
}

// scim_index <attribute>: recorded here, resolved in merge once the
// location's extensions are known (an extension attribute is named by its
// full URN path).
char *ngx_http_scim_index(ngx_conf_t *cf, ngx_command_t *, void *conf) noexcept {
    auto *slcf = static_cast<ngx_http_scim_loc_conf_t *>(conf);
    auto *value = static_cast<ngx_str_t *>(cf->args->elts);
    if (value[1].len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "scim_index needs an attribute");
        return static_cast<char *>(NGX_CONF_ERROR);
    }
    if (slcf->indexes == NGX_CONF_UNSET_PTR) {
        slcf->indexes = ngx_array_create(cf->pool, 4, sizeof(ngx_str_t));
        if (slcf->indexes == nullptr) return static_cast<char *>(NGX_CONF_ERROR);
    }
    auto *slot = static_cast<ngx_str_t *>(ngx_array_push(slcf->indexes));
    if (slot == nullptr) return static_cast<char *>(NGX_CONF_ERROR);
    *slot = value[1];
    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, cf->log, 0, "scim: index \"%V\"", slot);
    return NGX_CONF_OK;
}

// Resolves the location's scim_index attributes against its User and
// Group types: an attribute both have is indexed for both; one neither
// can index is refused.
static bool ngx_http_scim_build_indexes(ngx_conf_t *cf, ngx_http_scim_loc_conf_t *conf) {
    if (conf->indexes == NGX_CONF_UNSET_PTR) return true;
    scim::ServiceConfig &s = *conf->service;
    auto *names = static_cast<ngx_str_t *>(conf->indexes->elts);
    for (ngx_uint_t i = 0; i < conf->indexes->nelts; i++) {
        std::string path = ngx_http_scim_string(names[i]);
        std::string userError, groupError;
        auto user = scim::indexedAttribute(s.userType(), path, userError);
        auto group = scim::indexedAttribute(s.groupType(), path, groupError);
        if (user) s.userIndexes.push_back(*user);
        if (group) s.groupIndexes.push_back(*group);
        if (user || group) continue;
        const std::string &error = !userError.empty() ? userError : groupError;
        if (error.empty()) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "scim_index \"%V\": unknown attribute (an extension attribute "
                               "is named by its full urn path)", &names[i]);
        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "scim_index: %s", error.c_str());
        }
        return false;
    }
    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, cf->log, 0, "scim: %uz user and %uz group indexes",
                   s.userIndexes.size(), s.groupIndexes.size());
    return true;
}

// POST /Bulk's limits. The payload limit defaults to the location's
// client_max_body_size (already merged: the core module merges first), and
// cannot exceed it, since nginx refuses a larger body before the module
// sees it; ServiceProviderConfig must say what is really accepted.
static bool ngx_http_scim_build_bulk(ngx_conf_t *cf, ngx_http_scim_loc_conf_t *conf) {
    auto *clcf = static_cast<ngx_http_core_loc_conf_t *>(
        ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));
    size_t body_max = clcf ? static_cast<size_t>(clcf->client_max_body_size) : 0;
    size_t payload = conf->bulk_max_payload;
    if (payload == NGX_CONF_UNSET_SIZE) {
        // client_max_body_size 0 is unlimited; a Bulk keeps a bound.
        payload = body_max != 0 ? body_max : scim::ServiceConfig{}.bulkMaxPayload;
    } else if (body_max != 0 && payload > body_max) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "scim_bulk_max_payload %uz is larger than client_max_body_size %O",
                           payload, clcf->client_max_body_size);
        return false;
    }
    conf->service->bulkMaxOperations = conf->bulk_max_operations;
    conf->service->bulkMaxPayload = payload;
    return true;
}

// The location's schema set: the core schemas and its extensions, built
// once here and shared by every request.
static bool ngx_http_scim_build_schemas(ngx_conf_t *cf, ngx_http_scim_loc_conf_t *conf) {
    if (conf->schema_extensions == NGX_CONF_UNSET_PTR) return true;  // core schemas only
    std::vector<scim::DeclaredExtension> declared;
    auto *ext = static_cast<scim::DeclaredExtension **>(conf->schema_extensions->elts);
    for (ngx_uint_t i = 0; i < conf->schema_extensions->nelts; i++) declared.push_back(*ext[i]);
    std::string error;
    auto set = scim::SchemaSet::build(std::move(declared), error);
    if (!set) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "scim_schema_extension: %s", error.c_str());
        return false;
    }
    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, cf->log, 0, "scim: %ui schema extensions",
                   conf->schema_extensions->nelts);
    conf->service->schemaSet = std::move(set);
    return true;
}

// Builds the token set and the service configuration the handler uses, so
// that nothing is parsed per request.
static char *ngx_http_scim_build(ngx_conf_t *cf, ngx_http_scim_loc_conf_t *conf) {
    auto *smcf = static_cast<ngx_http_scim_main_conf_t *>(
        ngx_http_conf_get_module_main_conf(cf, ngx_http_scim_module));
    conf->token_set = ngx_http_scim_pool_new<scim::TokenSet>(cf->pool);
    conf->service = ngx_http_scim_pool_new<scim::ServiceConfig>(cf->pool);
    if (conf->token_set == nullptr || conf->service == nullptr) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }
    // Where the tenant is a variable, a token without tenant= belongs to no
    // tenant and is refused (every request must name the token's tenant).
    std::string tenant = conf->tenant_value ? "" : ngx_http_scim_string(conf->tenant);

    if (conf->tokens != NGX_CONF_UNSET_PTR) {
        auto *tokens = static_cast<ngx_http_scim_token_conf_t *>(conf->tokens->elts);
        for (ngx_uint_t i = 0; i < conf->tokens->nelts; i++) {
            const ngx_http_scim_token_conf_t &t = tokens[i];
            std::string t_tenant = t.tenant.len ? ngx_http_scim_string(t.tenant) : tenant;
            conf->token_set->add(ngx_http_scim_string(t.hash), ngx_http_scim_string(t.name),
                                 t_tenant);
        }
    }
    if (conf->token_files != NGX_CONF_UNSET_PTR) {
        auto *files = static_cast<ngx_str_t *>(conf->token_files->elts);
        for (ngx_uint_t i = 0; i < conf->token_files->nelts; i++) {
            ngx_str_t path = files[i];
            if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
                return static_cast<char *>(NGX_CONF_ERROR);
            }
            if (auto err = conf->token_set->loadFile(ngx_http_scim_string(path), tenant)) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "scim_token_file: %s", err->c_str());
                return static_cast<char *>(NGX_CONF_ERROR);
            }
        }
    }
    if (conf->enable && conf->token_set->empty() && !conf->redis_tokens) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "scim location has no scim_token, scim_token_file or "
                           "scim_redis_tokens: every request will be refused with 401");
    }
    if (conf->admin == 1 && !ngx_http_scim_build_admin_tokens(cf, conf)) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (conf->enable && (conf->server_names = ngx_http_scim_server_names(cf)) == nullptr) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    scim::ServiceConfig &s = *conf->service;
    s.keyPrefix = ngx_http_scim_string(smcf->redis_prefix);  // defaulted in init_main_conf
    s.defaultPageSize = conf->page_size;
    s.maxPageSize = conf->max_page_size;
    s.json.maxDepth = static_cast<unsigned>(conf->max_json_depth);
    s.maxFilterLength = conf->max_filter_length;
    s.maxFilterDepth = static_cast<unsigned>(conf->max_filter_depth);
    s.maxSortResults = conf->max_sort_results;
    s.maxMembersPerRequest = conf->max_members_per_request;
    s.maxScan = conf->max_scan;
    s.storePasswords = conf->password_storage == 1;
    s.eventsMaxLen = conf->events_maxlen;
    s.patchResponse = static_cast<scim::PatchResponse>(conf->patch_response);
    s.groupDisplayNameUnique = conf->group_display_name_unique;
    s.maxMembersReturned = conf->group_members_max;
    if (!ngx_http_scim_build_roles(cf, conf)) return static_cast<char *>(NGX_CONF_ERROR);
    s.userDelete = static_cast<scim::UserDelete>(conf->user_delete);
    s.claimGuard = conf->claim_guard;
    s.sortGetPages = smcf->redis == nullptr || smcf->redis->cluster_seeds.empty();
    if (!ngx_http_scim_build_bulk(cf, conf)) return static_cast<char *>(NGX_CONF_ERROR);
    if (!ngx_http_scim_build_schemas(cf, conf)) return static_cast<char *>(NGX_CONF_ERROR);
    if (!ngx_http_scim_build_indexes(cf, conf)) return static_cast<char *>(NGX_CONF_ERROR);
    return NGX_CONF_OK;
}

// The directives that set a ServiceConfig field default to that field's
// value in a default-constructed ServiceConfig: defaults are written once.
static void ngx_http_scim_merge_service_values(ngx_http_scim_loc_conf_t *conf,
                                               const ngx_http_scim_loc_conf_t *prev) {
    const scim::ServiceConfig defaults{};
    auto flag = [](bool on) -> ngx_flag_t { return on ? 1 : 0; };
    auto uint = [](auto value) { return static_cast<ngx_uint_t>(value); };
    ngx_conf_merge_uint_value(conf->page_size, prev->page_size, defaults.defaultPageSize);
    ngx_conf_merge_uint_value(conf->max_page_size, prev->max_page_size, defaults.maxPageSize);
    ngx_conf_merge_uint_value(conf->max_json_depth, prev->max_json_depth, defaults.json.maxDepth);
    ngx_conf_merge_uint_value(conf->max_filter_length, prev->max_filter_length,
                              defaults.maxFilterLength);
    ngx_conf_merge_uint_value(conf->max_filter_depth, prev->max_filter_depth,
                              defaults.maxFilterDepth);
    ngx_conf_merge_uint_value(conf->max_sort_results, prev->max_sort_results,
                              defaults.maxSortResults);
    ngx_conf_merge_uint_value(conf->max_members_per_request, prev->max_members_per_request,
                              defaults.maxMembersPerRequest);
    ngx_conf_merge_uint_value(conf->max_scan, prev->max_scan, defaults.maxScan);
    ngx_conf_merge_uint_value(conf->bulk_max_operations, prev->bulk_max_operations,
                              defaults.bulkMaxOperations);
    ngx_conf_merge_uint_value(conf->password_storage, prev->password_storage,
                              uint(defaults.storePasswords));
    ngx_conf_merge_value(conf->events_maxlen, prev->events_maxlen,
                         static_cast<ngx_int_t>(defaults.eventsMaxLen));
    ngx_conf_merge_uint_value(conf->patch_response, prev->patch_response,
                              uint(defaults.patchResponse));
    ngx_conf_merge_value(conf->group_display_name_unique, prev->group_display_name_unique,
                         flag(defaults.groupDisplayNameUnique));
    ngx_conf_merge_uint_value(conf->group_members_max, prev->group_members_max,
                              defaults.maxMembersReturned);
    ngx_conf_merge_uint_value(conf->user_delete, prev->user_delete, uint(defaults.userDelete));
    ngx_conf_merge_value(conf->claim_guard, prev->claim_guard, flag(defaults.claimGuard));
    ngx_conf_merge_uint_value(conf->role_on_deactivate, prev->role_on_deactivate,
                              uint(defaults.roles.dropOnDeactivate));
}

char *ngx_http_scim_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child) noexcept {
    auto *prev = static_cast<ngx_http_scim_loc_conf_t *>(parent);
    auto *conf = static_cast<ngx_http_scim_loc_conf_t *>(child);

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_value(conf->admin, prev->admin, 0);
    ngx_conf_merge_value(conf->redis_tokens, prev->redis_tokens, 0);
    // A static name and a variable replace each other: inherit both or neither.
    if (conf->tenant.data == nullptr && conf->tenant_value == nullptr) {
        conf->tenant = prev->tenant;
        conf->tenant_value = prev->tenant_value;
    }
    ngx_conf_merge_str_value(conf->tenant, prev->tenant, "default");
    if (conf->base_url == NGX_CONF_UNSET_PTR) conf->base_url = prev->base_url;
    if (conf->base_url == NGX_CONF_UNSET_PTR) conf->base_url = nullptr;
    // ngx_conf_merge_ptr_value does not compile as C++ (void * conversion).
    if (conf->tokens == NGX_CONF_UNSET_PTR) conf->tokens = prev->tokens;
    if (conf->admin_tokens == NGX_CONF_UNSET_PTR) conf->admin_tokens = prev->admin_tokens;
    if (conf->token_files == NGX_CONF_UNSET_PTR) conf->token_files = prev->token_files;
    if (conf->role_groups == NGX_CONF_UNSET_PTR) conf->role_groups = prev->role_groups;
    if (conf->synthetic_groups == NGX_CONF_UNSET_PTR) {
        conf->synthetic_groups = prev->synthetic_groups;
    }
    // A level that declares extensions replaces the inherited list.
    if (conf->schema_extensions == NGX_CONF_UNSET_PTR) {
        conf->schema_extensions = prev->schema_extensions;
    }
    // Likewise, a level that declares indexes replaces the inherited ones.
    if (conf->indexes == NGX_CONF_UNSET_PTR) conf->indexes = prev->indexes;
    ngx_conf_merge_str_value(conf->role_default, prev->role_default, "");
    ngx_conf_merge_value(conf->errors, prev->errors, 0);
    // scim_bulk_max_payload stays unset here: its default is the location's
    // client_max_body_size (ngx_http_scim_build_bulk).
    ngx_conf_merge_size_value(conf->bulk_max_payload, prev->bulk_max_payload, NGX_CONF_UNSET_SIZE);
    try {
        ngx_http_scim_merge_service_values(conf, prev);
    } catch (...) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (conf->page_size > conf->max_page_size) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "scim_page_size %ui is larger than scim_max_page_size %ui",
                           conf->page_size, conf->max_page_size);
        return static_cast<char *>(NGX_CONF_ERROR);
    }
    if (!conf->enable && conf->admin != 1) return NGX_CONF_OK;

    try {
        return ngx_http_scim_build(cf, conf);
    } catch (const std::exception &e) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "scim: %s", e.what());
        return static_cast<char *>(NGX_CONF_ERROR);
    }
}

char *ngx_http_scim_check_bulk_payload(ngx_conf_t *cf, void *, void *data) noexcept {
    if (*static_cast<size_t *>(data) == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "scim_bulk_max_payload must be at least 1 byte");
        return static_cast<char *>(NGX_CONF_ERROR);
    }
    return NGX_CONF_OK;
}
