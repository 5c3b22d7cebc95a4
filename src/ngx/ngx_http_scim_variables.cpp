// $scim_tenant, $scim_token_name, $scim_resource, $scim_operation,
// $scim_resource_id, $scim_redis_time, $scim_error: what the handler learned
// about the request, for log_format and other modules. They are set from
// the content phase on; earlier phases (limit_req's preaccess) see them
// "not found" (docs/logging.md).
#include <cinttypes>
#include <cstdio>

#include "ngx_http_scim_metrics.hpp"
#include "ngx_http_scim_module.hpp"

namespace {

namespace m = scim::metrics;

enum class field : uintptr_t { tenant, token_name, resource, operation, resource_id, redis_time, error };

ngx_int_t ngx_http_scim_set_value(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                                  const std::string &s) {
    if (s.empty()) {
        v->not_found = 1;
        return NGX_OK;
    }
    auto *data = static_cast<u_char *>(ngx_pnalloc(r->pool, s.size()));
    if (data == nullptr) return NGX_ERROR;
    ngx_memcpy(data, s.data(), s.size());
    v->data = data;
    v->len = static_cast<unsigned>(s.size());
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    return NGX_OK;
}

// Seconds with milliseconds, as $upstream_response_time.
std::string ngx_http_scim_seconds(uint64_t usec) {
    char buf[32];
    uint64_t msec = usec / 1000;
    std::snprintf(buf, sizeof buf, "%" PRIu64 ".%03" PRIu64, msec / 1000, msec % 1000);
    return buf;
}

std::string ngx_http_scim_value_of(const ngx_http_scim_observed_t &o, field f) {
    switch (f) {
    case field::tenant: return o.tenant;
    case field::token_name: return o.token_name;
    case field::resource: return o.operation.empty() ? "" : m::label(o.resource);
    case field::operation: return o.operation;
    case field::resource_id: return o.resource_id;
    case field::redis_time: return ngx_http_scim_seconds(o.redis_usec);
    case field::error: return o.error;
    }
    return "";
}

ngx_int_t ngx_http_scim_get_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                                     uintptr_t data) noexcept {
    ngx_http_scim_observed_t *o = ngx_http_scim_observed(r);
    if (o == nullptr || !o->scim) {
        v->not_found = 1;
        return NGX_OK;
    }
    try {
        return ngx_http_scim_set_value(r, v, ngx_http_scim_value_of(*o, static_cast<field>(data)));
    } catch (...) {
        return NGX_ERROR;
    }
}

struct variable_def {
    ngx_str_t name;
    field f;
};

variable_def variables[] = {
    {ngx_string("scim_tenant"), field::tenant},
    {ngx_string("scim_token_name"), field::token_name},
    {ngx_string("scim_resource"), field::resource},
    {ngx_string("scim_operation"), field::operation},
    {ngx_string("scim_resource_id"), field::resource_id},
    {ngx_string("scim_redis_time"), field::redis_time},
    {ngx_string("scim_error"), field::error},
};

}  // namespace

ngx_int_t ngx_http_scim_add_variables(ngx_conf_t *cf) noexcept {
    for (variable_def &def : variables) {
        // NOCACHEABLE: a value read early (before the handler ran) must not stick.
        ngx_http_variable_t *var =
            ngx_http_add_variable(cf, &def.name, NGX_HTTP_VAR_NOCACHEABLE);
        if (var == nullptr) return NGX_ERROR;
        var->get_handler = ngx_http_scim_get_variable;
        var->data = static_cast<uintptr_t>(def.f);
    }
    return NGX_OK;
}
