// The layout of the metrics zone, shared by the hooks and the handler.
#pragma once

#include "ngx_http_scim_metrics.hpp"
#include "scim/tenant.hpp"

inline constexpr ngx_uint_t NGX_HTTP_SCIM_METRICS_WORKERS = 256;

// A worker's Redis link state for scim_redis_up; pid 0 is a free slot.
struct ngx_http_scim_metrics_worker_t {
    ngx_atomic_t pid;
    ngx_atomic_t up;
};

// One tenant of scim_writes_total. `state` goes free → claimed (the name is
// being written) → ready, once; a ready slot never changes its name.
struct ngx_http_scim_metrics_tenant_t {
    ngx_atomic_t state;
    ngx_atomic_t cells[scim::metrics::kWriteCells];
    u_char len;
    char name[scim::kMaxTenantLength];
};

enum : ngx_atomic_uint_t {
    NGX_HTTP_SCIM_TENANT_FREE = 0,
    NGX_HTTP_SCIM_TENANT_CLAIMED = 1,
    NGX_HTTP_SCIM_TENANT_READY = 2,
};

struct ngx_http_scim_metrics_shm_t {
    ngx_atomic_t cells[scim::metrics::cell::kCount];
    ngx_http_scim_metrics_worker_t workers[NGX_HTTP_SCIM_METRICS_WORKERS];
    ngx_atomic_t tenants_used;  // slots claimed, at most max_tenants
    ngx_uint_t max_tenants;
    ngx_uint_t capacity;  // slots in the open-addressing table, a power of two
    ngx_http_scim_metrics_tenant_t other;  // "_other", beyond the cap
    ngx_http_scim_metrics_tenant_t tenants[1];  // `capacity` of them
};

// The worker's zone, or nullptr before init_process.
ngx_http_scim_metrics_shm_t *ngx_http_scim_metrics_shm() noexcept;
