// nginx's own error pages (413 from client_max_body_size, 400, 408, …) in
// SCIM form: in scim and scim_admin locations, and with `scim_errors on`
// for any URI under a SCIM base.
#include "ngx_http_scim_request.hpp"

namespace {

ngx_http_output_header_filter_pt ngx_http_scim_next_header_filter;
ngx_http_output_body_filter_pt ngx_http_scim_next_body_filter;

std::string ngx_http_scim_error_detail(ngx_http_request_t *r, ngx_uint_t status) {
    if (status == NGX_HTTP_REQUEST_ENTITY_TOO_LARGE) {
        auto *clcf = static_cast<ngx_http_core_loc_conf_t *>(
            ngx_http_get_module_loc_conf(r, ngx_http_core_module));
        return "request body exceeds client_max_body_size (" +
               std::to_string(clcf->client_max_body_size) + " bytes)";
    }
    if (status == NGX_HTTP_BAD_REQUEST) return "bad request";
    if (status == NGX_HTTP_REQUEST_TIME_OUT) return "request timed out";
    if (status == NGX_HTTP_REQUEST_URI_TOO_LARGE) {
        return "request line too long (large_client_header_buffers)";
    }
    if (status == NGX_HTTP_NOT_ALLOWED) return "method not allowed";
    return "request failed with HTTP status " + std::to_string(status);
}

// scim_errors on: an error nginx raised itself, often before it picked a
// location (a bad request line, a 414, oversized headers, TRACE), for a URI
// under a SCIM base, or with no URI parsed at all.
bool ngx_http_scim_errors_apply(ngx_http_request_t *r, const ngx_http_scim_loc_conf_t *slcf) {
    if (slcf->errors != 1) return false;
    std::string_view path = ngx_http_scim_view(r->uri);
    if (path.empty() && r->uri_start != nullptr && r->uri_end > r->uri_start) {
        // Refused while nginx decoded it (e.g. "%00"): the raw request URI.
        path = ngx_http_scim_view(r->uri_start, r->uri_end);
    }
    if (path.empty()) return true;
    if (size_t query = path.find('?'); query != std::string_view::npos) {
        path = path.substr(0, query);
    }
    std::string_view base, rest;
    bool scim = scim::splitBase(path, base, rest);
    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0, "scim: error page under base: %d",
                   scim);
    return scim;
}

ngx_int_t ngx_http_scim_error_header_filter(ngx_http_request_t *r) noexcept {
    if (r != r->main || r->headers_out.status < NGX_HTTP_BAD_REQUEST) {
        return ngx_http_scim_next_header_filter(r);
    }
    auto *slcf = static_cast<ngx_http_scim_loc_conf_t *>(
        ngx_http_get_module_loc_conf(r, ngx_http_scim_module));
    if (slcf == nullptr) return ngx_http_scim_next_header_filter(r);
    bool ours = slcf->enable || slcf->admin == 1 || ngx_http_scim_errors_apply(r, slcf);
    if (!ours) return ngx_http_scim_next_header_filter(r);
    ngx_http_scim_ctx_t *ctx = ngx_http_scim_get_ctx(r);
    if (ctx != nullptr && ctx->own_response) return ngx_http_scim_next_header_filter(r);
    scim::Response replacement;
    try {
        if (ctx == nullptr && (ctx = ngx_http_scim_create_ctx(r)) == nullptr) return NGX_ERROR;
        ngx_uint_t status = r->headers_out.status;
        scim::Error e{static_cast<int>(status), "", ngx_http_scim_error_detail(r, status)};
        // The admin API answers JSON errors of its own shape.
        replacement = slcf->admin == 1 ? scim::adminError(e) : scim::errorResponse(e);
        ctx->replacement = replacement.body;
        ctx->observed.error = scim::metrics::errorOf(static_cast<int>(status), replacement.body);
    } catch (...) {
        return NGX_ERROR;
    }
    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "scim: nginx's error page %ui replaced", r->headers_out.status);
    ctx->replace_body = true;
    if (replacement.contentType.empty()) {
        ngx_http_scim_set_scim_content_type(r);
    } else if (!ngx_http_scim_set_content_type(r, replacement.contentType)) {
        return NGX_ERROR;
    }
    ngx_http_clear_content_length(r);
    r->headers_out.content_length_n = static_cast<off_t>(ctx->replacement.size());
    return ngx_http_scim_next_header_filter(r);
}

ngx_int_t ngx_http_scim_error_body_filter(ngx_http_request_t *r, ngx_chain_t *in) noexcept {
    ngx_http_scim_ctx_t *ctx = ngx_http_scim_get_ctx(r);
    if (ctx == nullptr || !ctx->replace_body) return ngx_http_scim_next_body_filter(r, in);
    for (ngx_chain_t *cl = in; cl; cl = cl->next) {  // nginx's page is dropped
        cl->buf->pos = cl->buf->last;
        cl->buf->file_pos = cl->buf->file_last;
    }
    if (ctx->replacement_sent) return NGX_OK;
    ctx->replacement_sent = true;
    ngx_chain_t *out = ngx_http_scim_body_chain(r, ctx->replacement);
    if (out == nullptr) return NGX_ERROR;
    return ngx_http_scim_next_body_filter(r, out);
}

}  // namespace

ngx_int_t ngx_http_scim_init_filters(ngx_conf_t *) noexcept {
    ngx_http_scim_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_scim_error_header_filter;
    ngx_http_scim_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_scim_error_body_filter;
    return NGX_OK;
}
