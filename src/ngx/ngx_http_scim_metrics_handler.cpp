// `scim_metrics`: a snapshot of the zone rendered in the Prometheus text
// format, like stub_status. Reads are plain loads: a scrape may see one
// worker's request counted and its duration not yet, never a torn value.
#include <signal.h>

#include <algorithm>
#include <cerrno>

#include "ngx_http_scim_metrics_shm.hpp"
#include "ngx_http_scim_module.hpp"
#include "scim/store/keys.hpp"
#include "scim/version.hpp"

namespace {

namespace m = scim::metrics;

uint64_t ngx_http_scim_redis_up_workers(const ngx_http_scim_metrics_shm_t &s) {
    uint64_t up = 0;
    for (const ngx_http_scim_metrics_worker_t &w : s.workers) {
        if (w.pid == 0 || !w.up) continue;
        // A crashed worker never cleared its slot.
        if (kill(static_cast<pid_t>(w.pid), 0) == 0 || errno == EPERM) up++;
    }
    return up;
}

m::TenantWrites ngx_http_scim_tenant_writes(const ngx_http_scim_metrics_tenant_t &t) {
    m::TenantWrites out;
    out.tenant.assign(t.name, t.len);
    for (unsigned i = 0; i < m::kWriteCells; i++) out.cells[i] = t.cells[i];
    return out;
}

m::Snapshot ngx_http_scim_snapshot(const ngx_http_scim_metrics_shm_t &s) {
    m::Snapshot snap;
    for (size_t i = 0; i < m::cell::kCount; i++) snap.cells[i] = s.cells[i];
    for (ngx_uint_t i = 0; i < s.capacity; i++) {
        if (s.tenants[i].state == NGX_HTTP_SCIM_TENANT_READY) {
            snap.tenants.push_back(ngx_http_scim_tenant_writes(s.tenants[i]));
        }
    }
    std::sort(snap.tenants.begin(), snap.tenants.end(),
              [](const m::TenantWrites &a, const m::TenantWrites &b) { return a.tenant < b.tenant; });
    snap.tenants.push_back(ngx_http_scim_tenant_writes(s.other));
    snap.redisUp = ngx_http_scim_redis_up_workers(s);
    snap.version = scim::kModuleVersion;
    snap.layout = scim::store::kLayoutVersion;
    return snap;
}

ngx_int_t ngx_http_scim_send_text(ngx_http_request_t *r, const std::string &text) {
    static ngx_str_t type = ngx_string("text/plain; version=0.0.4");
    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_type = type;
    r->headers_out.content_type_len = type.len;
    r->headers_out.content_type_lowcase = nullptr;
    r->headers_out.content_length_n = static_cast<off_t>(text.size());
    if (r->method == NGX_HTTP_HEAD) r->header_only = 1;
    ngx_int_t rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) return rc;
    ngx_buf_t *b = ngx_create_temp_buf(r->pool, text.size());
    if (b == nullptr) return NGX_ERROR;
    b->last = ngx_cpymem(b->last, text.data(), text.size());
    b->last_buf = 1;
    b->last_in_chain = 1;
    ngx_chain_t out{b, nullptr};
    return ngx_http_output_filter(r, &out);
}

}  // namespace

ngx_int_t ngx_http_scim_metrics_handler(ngx_http_request_t *r) noexcept {
    if (!(r->method & (NGX_HTTP_GET | NGX_HTTP_HEAD))) return NGX_HTTP_NOT_ALLOWED;
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    ngx_http_scim_metrics_shm_t *s = ngx_http_scim_metrics_shm();
    if (s == nullptr) return NGX_HTTP_SERVICE_UNAVAILABLE;
    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0, "scim metrics: scrape");
    try {
        return ngx_http_scim_send_text(r, m::render(ngx_http_scim_snapshot(*s)));
    } catch (const std::exception &e) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "scim metrics: %s", e.what());
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
}
