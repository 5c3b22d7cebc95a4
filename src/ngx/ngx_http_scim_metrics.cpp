// Counters in shared memory: the zone, the hooks the edge calls, and the
// log-phase handler that counts each SCIM request once it is answered.
#include <signal.h>
#include <time.h>

#include <cerrno>

#include "ngx_http_scim_metrics_shm.hpp"
#include "ngx_http_scim_module.hpp"

namespace {

namespace m = scim::metrics;

ngx_http_scim_metrics_shm_t *shm = nullptr;
ngx_int_t worker_slot = -1;

void ngx_http_scim_count(size_t cell, uint64_t n = 1) {
    if (shm != nullptr) ngx_atomic_fetch_add(&shm->cells[cell], static_cast<ngx_atomic_int_t>(n));
}

void ngx_http_scim_observe_duration(size_t first, const uint64_t *bounds, size_t n, uint64_t usec) {
    ngx_http_scim_count(first + m::bucketOf(bounds, n, usec));
    ngx_http_scim_count(first + n + 1, usec);
}

ngx_uint_t ngx_http_scim_capacity_for(ngx_uint_t max_tenants) {
    ngx_uint_t capacity = 16;
    while (capacity < 2 * max_tenants) capacity <<= 1;
    return capacity;
}

size_t ngx_http_scim_shm_bytes(ngx_uint_t max_tenants) {
    return sizeof(ngx_http_scim_metrics_shm_t) +
           ngx_http_scim_capacity_for(max_tenants) * sizeof(ngx_http_scim_metrics_tenant_t);
}

ngx_int_t ngx_http_scim_init_zone(ngx_shm_zone_t *zone, void *data) noexcept {
    auto max_tenants = reinterpret_cast<ngx_uint_t>(zone->data);
    if (data != nullptr) {  // a reload with the same size: keep the counters
        auto *s = static_cast<ngx_http_scim_metrics_shm_t *>(data);
        s->max_tenants = ngx_min(max_tenants, s->capacity / 2);
        zone->data = data;
        return NGX_OK;
    }
    auto *pool = reinterpret_cast<ngx_slab_pool_t *>(zone->shm.addr);
    size_t bytes = ngx_http_scim_shm_bytes(max_tenants);
    auto *s = static_cast<ngx_http_scim_metrics_shm_t *>(ngx_slab_alloc(pool, bytes));
    if (s == nullptr) return NGX_ERROR;
    ngx_memzero(s, bytes);
    s->max_tenants = max_tenants;
    s->capacity = ngx_http_scim_capacity_for(max_tenants);
    s->other.len = 6;
    ngx_memcpy(s->other.name, "_other", 6);
    s->other.state = NGX_HTTP_SCIM_TENANT_READY;
    pool->data = s;
    zone->data = s;
    return NGX_OK;
}

uint64_t fnv1a(std::string_view s) {
    uint64_t h = 14695981039346656037ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

bool ngx_http_scim_same_name(const ngx_http_scim_metrics_tenant_t &t, std::string_view name) {
    return t.len == name.size() && ngx_memcmp(t.name, name.data(), name.size()) == 0;
}

// Waits out another worker writing a slot's name: a few stores, so a spin.
bool ngx_http_scim_wait_ready(ngx_http_scim_metrics_tenant_t &t) {
    for (int i = 0; i < 100000; i++) {
        if (t.state == NGX_HTTP_SCIM_TENANT_READY) return true;
        ngx_cpu_pause();
    }
    return false;
}

// The tenant's slot, claimed if new and the cap allows; else "_other".
// Lock-free: slots are claimed with compare-and-set and never released.
ngx_http_scim_metrics_tenant_t &ngx_http_scim_tenant_slot(std::string_view name) {
    if (name.empty() || name.size() > scim::kMaxTenantLength) return shm->other;
    ngx_uint_t mask = shm->capacity - 1;
    for (ngx_uint_t i = fnv1a(name) & mask, probes = 0; probes < shm->capacity;
         i = (i + 1) & mask, probes++) {
        ngx_http_scim_metrics_tenant_t &t = shm->tenants[i];
        if (t.state == NGX_HTTP_SCIM_TENANT_FREE) {
            if (ngx_atomic_fetch_add(&shm->tenants_used, 1) >= shm->max_tenants) {
                ngx_atomic_fetch_add(&shm->tenants_used, -1);
                return shm->other;
            }
            if (ngx_atomic_cmp_set(&t.state, NGX_HTTP_SCIM_TENANT_FREE,
                                   NGX_HTTP_SCIM_TENANT_CLAIMED)) {
                ngx_memcpy(t.name, name.data(), name.size());
                t.len = static_cast<u_char>(name.size());
                ngx_memory_barrier();
                t.state = NGX_HTTP_SCIM_TENANT_READY;
                return t;
            }
            ngx_atomic_fetch_add(&shm->tenants_used, -1);  // lost the race: look again
        }
        if (!ngx_http_scim_wait_ready(t)) return shm->other;
        if (ngx_http_scim_same_name(t, name)) return t;
    }
    return shm->other;
}

bool ngx_http_scim_pid_alive(ngx_atomic_uint_t pid) {
    return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// This worker's slot for scim_redis_up; a slot left by a crashed worker is
// taken over.
ngx_int_t ngx_http_scim_claim_worker_slot() {
    auto self = static_cast<ngx_atomic_uint_t>(ngx_pid);
    for (ngx_uint_t i = 0; i < NGX_HTTP_SCIM_METRICS_WORKERS; i++) {
        ngx_atomic_uint_t pid = shm->workers[i].pid;
        if (pid == self) return static_cast<ngx_int_t>(i);
        if ((pid == 0 || !ngx_http_scim_pid_alive(pid)) &&
            ngx_atomic_cmp_set(&shm->workers[i].pid, pid, self)) {
            shm->workers[i].up = 0;
            return static_cast<ngx_int_t>(i);
        }
    }
    return -1;
}

ngx_int_t ngx_http_scim_log_phase(ngx_http_request_t *r) noexcept {
    ngx_http_scim_observed_t *o = ngx_http_scim_observed(r);
    if (o == nullptr || !o->scim || shm == nullptr) return NGX_OK;
    int status = static_cast<int>(r->headers_out.status);
    m::Method method = m::methodOf(ngx_http_scim_view(r->method_name));
    ngx_http_scim_count(m::cell::requests(o->resource, method, status));
    uint64_t usec = ngx_http_scim_now_usec() - o->start_usec;
    ngx_http_scim_observe_duration(m::cell::httpDuration(o->resource, method), m::kHttpBuckets,
                                   m::kHttpBucketCount, usec);
    if (o->write && status >= 200 && status < 300) {
        ngx_http_scim_metrics_tenant_t &t = ngx_http_scim_tenant_slot(o->tenant);
        size_t r_index = o->resource == m::Resource::Users ? 0 : 1;
        ngx_atomic_fetch_add(&t.cells[r_index * m::count<m::WriteOp>() + m::index(o->write_op)], 1);
    }
    return NGX_OK;
}

}  // namespace

ngx_http_scim_metrics_shm_t *ngx_http_scim_metrics_shm() noexcept { return shm; }

void ngx_http_scim_metrics_redis_command(m::RedisKind kind, uint64_t usec) noexcept {
    ngx_http_scim_observe_duration(m::cell::redisDuration(kind), m::kRedisBuckets,
                                   m::kRedisBucketCount, usec);
}

void ngx_http_scim_metrics_redis_error(m::RedisError kind) noexcept {
    ngx_http_scim_count(m::cell::redisError(kind));
}

void ngx_http_scim_metrics_redis_reconnect() noexcept { ngx_http_scim_count(m::cell::kReconnects); }

void ngx_http_scim_metrics_redis_up(bool up) noexcept {
    if (shm == nullptr) return;
    if (worker_slot < 0) worker_slot = ngx_http_scim_claim_worker_slot();
    if (worker_slot >= 0) shm->workers[worker_slot].up = up ? 1 : 0;
}

void ngx_http_scim_metrics_auth_failure(m::AuthFailure reason) noexcept {
    ngx_http_scim_count(m::cell::authFailure(reason));
}

void ngx_http_scim_metrics_token_cache(bool hit) noexcept {
    ngx_http_scim_count(hit ? m::cell::kCacheHits : m::cell::kCacheMisses);
}

// The zone's size follows scim_metrics_max_tenants; changing that resets
// the counters at the next reload (nginx keeps a zone only at the same size).
char *ngx_http_scim_metrics_zone_add(ngx_conf_t *cf, ngx_http_scim_main_conf_t *smcf) noexcept {
    static ngx_str_t name = ngx_string("scim_metrics");
    size_t bytes = ngx_http_scim_shm_bytes(smcf->metrics_max_tenants);
    // The slab allocator's own pages and page descriptors come first.
    size_t size = ngx_align(bytes, ngx_pagesize) + ngx_align(bytes / 64, ngx_pagesize) +
                  8 * ngx_pagesize;
    smcf->metrics_zone = ngx_shared_memory_add(cf, &name, size, &ngx_http_scim_module);
    if (smcf->metrics_zone == nullptr) return static_cast<char *>(NGX_CONF_ERROR);
    smcf->metrics_zone->init = ngx_http_scim_init_zone;
    smcf->metrics_zone->data = reinterpret_cast<void *>(smcf->metrics_max_tenants);
    return NGX_CONF_OK;
}

ngx_int_t ngx_http_scim_metrics_init(ngx_conf_t *cf) noexcept {
    auto *cmcf = static_cast<ngx_http_core_main_conf_t *>(
        ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module));
    auto *h = static_cast<ngx_http_handler_pt *>(
        ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers));
    if (h == nullptr) return NGX_ERROR;
    *h = ngx_http_scim_log_phase;
    return NGX_OK;
}

void ngx_http_scim_metrics_init_process(ngx_cycle_t *cycle) noexcept {
    auto *smcf = static_cast<ngx_http_scim_main_conf_t *>(
        ngx_http_cycle_get_module_main_conf(cycle, ngx_http_scim_module));
    shm = (smcf && smcf->metrics_zone) ? static_cast<ngx_http_scim_metrics_shm_t *>(
                                             smcf->metrics_zone->data)
                                       : nullptr;
    worker_slot = -1;
}

void ngx_http_scim_metrics_exit_process() noexcept {
    if (shm != nullptr && worker_slot >= 0) {
        shm->workers[worker_slot].up = 0;
        shm->workers[worker_slot].pid = 0;
    }
    worker_slot = -1;
}
