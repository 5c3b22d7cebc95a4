// scim_document_cache: the worker's DocumentCache (scim/document_cache.hpp),
// which lets a PATCH that follows a GET skip its read. One per worker,
// created in init_process, emptied whenever the store (re)connects.
#pragma once

#include "ngx_http_scim_module.hpp"
#include "scim/document_cache.hpp"

// scim_document_cache off | [max=N] [size=SIZE]
char *ngx_http_scim_document_cache_directive(ngx_conf_t *cf, ngx_command_t *cmd,
                                             void *conf) noexcept;
void ngx_http_scim_document_cache_init(const ngx_http_scim_main_conf_t &smcf, ngx_log_t *log);
void ngx_http_scim_document_cache_exit() noexcept;
// The worker's cache, or nullptr when it is off.
scim::DocumentCache *ngx_http_scim_document_cache() noexcept;
// A store that (re)connected may be another one (failover, restart).
void ngx_http_scim_document_cache_clear() noexcept;
