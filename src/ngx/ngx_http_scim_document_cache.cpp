#include "ngx_http_scim_document_cache.hpp"

#include <memory>

namespace {

// The defaults when the directive is absent: enough for an identity
// provider's GET-then-PATCH, about 1 MiB per worker at most.
constexpr ngx_uint_t kDefaultEntries = 1000;
constexpr size_t kDefaultBytes = 1024 * 1024;

std::unique_ptr<scim::DocumentCache> &ngx_http_scim_document_cache_slot() {
    static std::unique_ptr<scim::DocumentCache> cache;
    return cache;
}

char *ngx_http_scim_document_cache_error(ngx_conf_t *cf, const char *what, ngx_str_t *value) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "scim_document_cache: %s \"%V\"", what, value);
    return static_cast<char *>(NGX_CONF_ERROR);
}

}  // namespace

char *ngx_http_scim_document_cache_directive(ngx_conf_t *cf, ngx_command_t *, void *conf) noexcept {
    auto *smcf = static_cast<ngx_http_scim_main_conf_t *>(conf);
    if (smcf->document_cache_set) return const_cast<char *>("is duplicate");
    smcf->document_cache_set = 1;
    smcf->document_cache_max = kDefaultEntries;
    smcf->document_cache_size = kDefaultBytes;
    auto *value = static_cast<ngx_str_t *>(cf->args->elts);
    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        smcf->document_cache_max = 0;
        return NGX_CONF_OK;
    }
    for (ngx_uint_t i = 1; i < cf->args->nelts; i++) {
        ngx_str_t arg = value[i];
        if (arg.len > 4 && ngx_strncmp(arg.data, "max=", 4) == 0) {
            ngx_int_t n = ngx_atoi(arg.data + 4, arg.len - 4);
            if (n == NGX_ERROR || n == 0) {
                return ngx_http_scim_document_cache_error(
                    cf, "max= takes a positive number of entries (\"off\" disables), not", &arg);
            }
            smcf->document_cache_max = static_cast<ngx_uint_t>(n);
        } else if (arg.len > 5 && ngx_strncmp(arg.data, "size=", 5) == 0) {
            ngx_str_t size{arg.len - 5, arg.data + 5};
            ssize_t bytes = ngx_parse_size(&size);
            if (bytes == NGX_ERROR || bytes < 4096) {
                return ngx_http_scim_document_cache_error(
                    cf, "size= takes a size of at least 4k, not", &arg);
            }
            smcf->document_cache_size = static_cast<size_t>(bytes);
        } else {
            return ngx_http_scim_document_cache_error(
                cf, "expects \"off\", \"max=N\" or \"size=SIZE\", not", &arg);
        }
    }
    return NGX_CONF_OK;
}

void ngx_http_scim_document_cache_init(const ngx_http_scim_main_conf_t &smcf, ngx_log_t *log) {
    scim::DocumentCache::Limits limits;
    limits.maxEntries = smcf.document_cache_set ? smcf.document_cache_max : kDefaultEntries;
    limits.maxBytes = smcf.document_cache_set ? smcf.document_cache_size : kDefaultBytes;
    auto &slot = ngx_http_scim_document_cache_slot();
    slot.reset();
    if (limits.maxEntries == 0) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, log, 0, "scim: document cache off");
        return;
    }
    try {
        slot = std::make_unique<scim::DocumentCache>(limits);
    } catch (...) {
        ngx_log_error(NGX_LOG_ERR, log, 0, "scim: no memory for the document cache, running without");
        return;
    }
    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, log, 0, "scim: document cache of %ui entries, %uz bytes",
                   limits.maxEntries, limits.maxBytes);
}

void ngx_http_scim_document_cache_exit() noexcept { ngx_http_scim_document_cache_slot().reset(); }

scim::DocumentCache *ngx_http_scim_document_cache() noexcept {
    return ngx_http_scim_document_cache_slot().get();
}

void ngx_http_scim_document_cache_clear() noexcept {
    if (auto *cache = ngx_http_scim_document_cache()) cache->clear();
}
