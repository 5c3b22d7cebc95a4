// Writes the module's responses: status, headers, content type and body.
#include "ngx_http_scim_request.hpp"

namespace {

bool ngx_http_scim_add_header(ngx_http_request_t *r, std::string_view name,
                              std::string_view value) noexcept {
    auto *h = static_cast<ngx_table_elt_t *>(ngx_list_push(&r->headers_out.headers));
    if (h == nullptr) return false;
    h->hash = 1;
    return ngx_http_scim_pool_str(r->pool, name, h->key) &&
           ngx_http_scim_pool_str(r->pool, value, h->value);
}

}  // namespace

void ngx_http_scim_set_scim_content_type(ngx_http_request_t *r) noexcept {
    static ngx_str_t type = ngx_string("application/scim+json");
    r->headers_out.content_type = type;
    r->headers_out.content_type_len = type.len;
    r->headers_out.content_type_lowcase = nullptr;
    r->headers_out.charset.len = 0;
}

bool ngx_http_scim_set_content_type(ngx_http_request_t *r, std::string_view type) noexcept {
    if (!ngx_http_scim_pool_str(r->pool, type, r->headers_out.content_type)) return false;
    r->headers_out.content_type_len = type.size();
    r->headers_out.content_type_lowcase = nullptr;
    r->headers_out.charset.len = 0;
    return true;
}

ngx_chain_t *ngx_http_scim_body_chain(ngx_http_request_t *r, std::string_view body) noexcept {
    ngx_buf_t *b = ngx_create_temp_buf(r->pool, body.size());
    auto *out = static_cast<ngx_chain_t *>(ngx_alloc_chain_link(r->pool));
    if (b == nullptr || out == nullptr) return nullptr;
    b->last = ngx_cpymem(b->last, body.data(), body.size());
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;
    out->buf = b;
    out->next = nullptr;
    return out;
}

ngx_int_t ngx_http_scim_send_response(ngx_http_request_t *r, const scim::Response &response) {
    ngx_http_scim_ctx_t *ctx = ngx_http_scim_get_ctx(r);
    if (ctx == nullptr && (ctx = ngx_http_scim_create_ctx(r)) == nullptr) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    ctx->own_response = true;
    ctx->observed.error = scim::metrics::errorOf(response.status, response.body);
    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "scim: response status %i, %uz body bytes",
                   static_cast<ngx_int_t>(response.status),
                   response.body.size());

    r->headers_out.status = response.status;
    // Preconditions are the module's (versions, weak ETags); nginx's
    // not_modified filter would answer If-Match itself with a bare 412.
    r->disable_not_modified = 1;
    for (const auto &[name, value] : response.headers) {
        if (!ngx_http_scim_add_header(r, name, value)) return NGX_ERROR;
    }
    bool empty = response.body.empty() || response.status == NGX_HTTP_NO_CONTENT ||
                 response.status == NGX_HTTP_NOT_MODIFIED;
    if (!empty && response.contentType.empty()) ngx_http_scim_set_scim_content_type(r);
    if (!empty && !response.contentType.empty() &&
        !ngx_http_scim_set_content_type(r, response.contentType)) {
        return NGX_ERROR;
    }
    r->headers_out.content_length_n = empty ? 0 : static_cast<off_t>(response.body.size());
    if (empty || r->method == NGX_HTTP_HEAD) r->header_only = 1;

    ngx_int_t rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) return rc;
    ngx_chain_t *out = ngx_http_scim_body_chain(r, response.body);
    if (out == nullptr) return NGX_ERROR;
    return ngx_http_output_filter(r, out);
}

ngx_int_t ngx_http_scim_send_error(ngx_http_request_t *r, const scim::Error &e) {
    return ngx_http_scim_send_response(r, scim::errorResponse(e));
}

ngx_int_t ngx_http_scim_send_unauthorized(ngx_http_request_t *r, bool admin) {
    ngx_http_discard_request_body(r);
    scim::Error e = scim::unauthorized("a valid bearer token is required");
    scim::Response resp = admin ? scim::adminError(e) : scim::errorResponse(e);
    resp.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"scim\"");
    return ngx_http_scim_send_response(r, resp);
}

scim::Response ngx_http_scim_unavailable_response(const char *detail) {
    scim::Response resp = scim::errorResponse(scim::unavailable(detail));
    resp.headers.emplace_back("Retry-After", std::to_string(ngx_http_scim_redis().retry_after()));
    return resp;
}

void ngx_http_scim_finish(ngx_http_scim_ctx_t *ctx, const scim::Response &response) {
    ngx_http_request_t *r = ctx->request;
    ngx_http_finalize_request(r, ngx_http_scim_send_response(r, response));
}
