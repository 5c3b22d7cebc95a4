// scim_redis_wait_replicas <n> [timeout]: a write is answered only once
// Redis's WAIT says n replicas have it (ngx_http_scim_redis_wait.cpp).
// Zero in the main conf (pcalloc) means not set: 0 is valid for neither.
#include "ngx_http_scim_module.hpp"

namespace {

char *conf_error() { return static_cast<char *>(NGX_CONF_ERROR); }

// At most this many replicas: more than any real deployment, and WAIT's
// count stays a small number.
constexpr ngx_int_t kMaxReplicas = 100;
// Without a timeout given: at most this, and well inside scim_redis_timeout.
constexpr ngx_msec_t kDefaultTimeout = 1000;

}  // namespace

char *ngx_http_scim_redis_wait_directive(ngx_conf_t *cf, ngx_command_t *, void *conf) noexcept {
    auto *smcf = static_cast<ngx_http_scim_main_conf_t *>(conf);
    if (smcf->redis_wait_replicas != 0) return const_cast<char *>("is duplicate");
    auto *value = static_cast<ngx_str_t *>(cf->args->elts);
    ngx_int_t n = ngx_atoi(value[1].data, value[1].len);
    if (n == NGX_ERROR || n < 1 || n > kMaxReplicas) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid scim_redis_wait_replicas number \"%V\": give 1 to %i replicas",
                           &value[1], kMaxReplicas);
        return conf_error();
    }
    smcf->redis_wait_replicas = static_cast<ngx_uint_t>(n);
    if (cf->args->nelts == 3) {
        ngx_msec_t t = ngx_parse_time(&value[2], 0);
        if (t == static_cast<ngx_msec_t>(NGX_ERROR) || t == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid scim_redis_wait_replicas timeout \"%V\": give a time "
                               "above zero, such as 500ms (WAIT 0 would never end)",
                               &value[2]);
            return conf_error();
        }
        smcf->redis_wait_timeout = t;
    }
    return NGX_CONF_OK;
}

// After scim_redis_timeout is known: WAIT must answer before the request's
// deadline and before the connection's idle timeout.
char *ngx_http_scim_redis_wait_configure(ngx_conf_t *cf, ngx_http_scim_main_conf_t *smcf) noexcept {
    if (smcf->redis_wait_replicas == 0) return NGX_CONF_OK;
    ngx_msec_t timeout = smcf->redis_wait_timeout;
    if (timeout == 0) {
        timeout = ngx_min(kDefaultTimeout, smcf->redis_timeout / 2);
        if (timeout == 0) timeout = 1;
    } else if (timeout >= smcf->redis_timeout) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "scim_redis_wait_replicas timeout %Mms must be shorter than "
                           "scim_redis_timeout (%Mms)",
                           timeout, smcf->redis_timeout);
        return conf_error();
    }
    smcf->redis->wait_replicas = smcf->redis_wait_replicas;
    smcf->redis->wait_timeout = timeout;
    return NGX_CONF_OK;
}
