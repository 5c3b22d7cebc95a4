// The module's Prometheus metrics at the edge: counters in one shared
// memory zone (summed over workers, kept across `nginx -s reload`), added to
// with atomics and no lock; the `scim_metrics` content handler renders them
// through the core's model (scim/metrics.hpp).
//
// The hooks below are all the rest of the edge calls. Each is a no-op until
// the worker has the zone, so they are safe anywhere.
#pragma once

extern "C" {
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
}

#include <cstdint>
#include <string>
#include <string_view>

#include "ngx_http_scim_clock.hpp"
#include "scim/metrics.hpp"

// Redis transport hooks.
void ngx_http_scim_metrics_redis_command(scim::metrics::RedisKind kind, uint64_t usec) noexcept;
void ngx_http_scim_metrics_redis_error(scim::metrics::RedisError kind) noexcept;
void ngx_http_scim_metrics_redis_reconnect() noexcept;
void ngx_http_scim_metrics_redis_up(bool up) noexcept;

// Authentication hooks.
void ngx_http_scim_metrics_auth_failure(scim::metrics::AuthFailure reason) noexcept;
void ngx_http_scim_metrics_token_cache(bool hit) noexcept;

// What the handler learns about a request, for the log-phase counters and
// the $scim_* variables. Lives in the request's context.
struct ngx_http_scim_observed_t {
    bool scim = false;  // a scim or scim_admin location handled the request
    uint64_t start_usec = 0;
    uint64_t redis_usec = 0;  // summed over the request's round trips
    scim::metrics::Resource resource = scim::metrics::Resource::None;
    bool write = false;  // counts in scim_writes_total when it succeeds
    scim::metrics::WriteOp write_op = scim::metrics::WriteOp::Create;
    std::string operation;
    std::string resource_id;
    std::string tenant;
    std::string token_name;
    std::string error;
};

// The request's observations, or nullptr (defined by the handler).
ngx_http_scim_observed_t *ngx_http_scim_observed(ngx_http_request_t *r) noexcept;

// Configuration (called from the module's main file).
struct ngx_http_scim_main_conf_t;
char *ngx_http_scim_metrics_zone_add(ngx_conf_t *cf, ngx_http_scim_main_conf_t *smcf) noexcept;
ngx_int_t ngx_http_scim_metrics_init(ngx_conf_t *cf) noexcept;  // postconfiguration
ngx_int_t ngx_http_scim_add_variables(ngx_conf_t *cf) noexcept;  // preconfiguration
void ngx_http_scim_metrics_init_process(ngx_cycle_t *cycle) noexcept;
void ngx_http_scim_metrics_exit_process() noexcept;
ngx_int_t ngx_http_scim_metrics_handler(ngx_http_request_t *r) noexcept;
