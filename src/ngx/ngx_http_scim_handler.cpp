// The request's entry: authenticate, route, read the body, then hand the
// Exchange to the driver (ngx_http_scim_exchange.cpp). Nothing here
// blocks: a Redis token look-up resumes the request in
// ngx_http_scim_on_auth_reply.
#include "ngx_http_scim_base_url.hpp"
#include "ngx_http_scim_document_cache.hpp"
#include "ngx_http_scim_request.hpp"
#include "scim/tenant.hpp"

namespace {

std::unique_ptr<scim::Exchange> ngx_http_scim_make_exchange(ngx_http_scim_ctx_t *ctx) {
    // The exchange owns the request from here on.
    if (ctx->admin) {
        return scim::makeAdminExchange(ctx->admin_route, std::move(ctx->scim_request),
                                       *ctx->service);
    }
    return scim::makeExchange(ctx->route, std::move(ctx->scim_request), *ctx->service);
}

// The body, from memory buffers or nginx's temporary file.
bool ngx_http_scim_collect_body(ngx_http_request_t *r, std::string &out) {
    if (r->request_body == nullptr) return true;
    for (ngx_chain_t *cl = r->request_body->bufs; cl; cl = cl->next) {
        ngx_buf_t *b = cl->buf;
        if (b->in_file) {
            size_t size = static_cast<size_t>(b->file_last - b->file_pos);
            size_t at = out.size();
            out.resize(at + size);
            ssize_t n = ngx_read_file(b->file, reinterpret_cast<u_char *>(&out[at]), size,
                                      b->file_pos);
            if (n != static_cast<ssize_t>(size)) return false;
        } else {
            out.append(ngx_http_scim_view(b->pos, b->last));
        }
    }
    return true;
}

// Body read: run the exchange. The request is finalized by ngx_http_scim_finish().
void ngx_http_scim_body_handler(ngx_http_request_t *r) noexcept {
    ngx_http_scim_ctx_t *ctx = ngx_http_scim_get_ctx(r);
    try {
        if (!ngx_http_scim_collect_body(r, ctx->scim_request.body)) {
            ngx_http_scim_finish(
                ctx, scim::errorResponse(scim::internalError("cannot read the request body")));
            return;
        }
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0, "scim: body read, %uz bytes",
                       ctx->scim_request.body.size());
        ctx->exchange = ngx_http_scim_make_exchange(ctx);
        // Watch the client while Redis works, so an abort frees the request.
        r->read_event_handler = ngx_http_test_reading;
        ngx_http_scim_advance(ctx, ctx->exchange->start());
    } catch (const std::exception &e) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "scim: %s", e.what());
        ngx_http_scim_finish(ctx, scim::errorResponse(scim::internalError("internal error")));
    }
}

// A request header nginx does not parse into headers_in, or nullptr.
const ngx_str_t *ngx_http_scim_find_header(ngx_http_request_t *r, std::string_view name) {
    ngx_list_part_t *part = &r->headers_in.headers.part;
    auto *h = static_cast<ngx_table_elt_t *>(part->elts);
    for (ngx_uint_t i = 0;; i++) {
        if (i >= part->nelts) {
            if (part->next == nullptr) return nullptr;
            part = part->next;
            h = static_cast<ngx_table_elt_t *>(part->elts);
            i = 0;
        }
        if (h[i].key.len == name.size() &&
            ngx_strncasecmp(h[i].key.data, (u_char *)name.data(), name.size()) == 0) {
            return &h[i].value;
        }
    }
}

ngx_http_scim_ctx_t *ngx_http_scim_ensure_ctx(ngx_http_request_t *r) {
    ngx_http_scim_ctx_t *ctx = ngx_http_scim_get_ctx(r);
    return ctx != nullptr ? ctx : ngx_http_scim_create_ctx(r);
}

// Reads the body when the route needs one (the body handler goes on), else
// starts the exchange. Content-handler semantics: the caller finalizes the
// request with the result.
ngx_int_t ngx_http_scim_run(ngx_http_request_t *r, ngx_http_scim_ctx_t *ctx, bool needs_body) {
    if (needs_body) {
        ngx_int_t rc = ngx_http_read_client_request_body(r, ngx_http_scim_body_handler);
        if (rc >= NGX_HTTP_SPECIAL_RESPONSE) return rc;  // the error filter dresses it
        return NGX_DONE;
    }
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    ctx->exchange = ngx_http_scim_make_exchange(ctx);
    scim::Exchange::Step step = ctx->exchange->start();
    if (auto *response = std::get_if<scim::Response>(&step)) {
        return ngx_http_scim_send_response(r, *response);
    }
    if (!ngx_http_scim_send_command(ctx, std::move(std::get<scim::store::Command>(step)))) {
        return ngx_http_scim_send_response(
            r, ngx_http_scim_unavailable_response("the store is unavailable; retry later"));
    }
    r->main->count++;
    r->read_event_handler = ngx_http_test_reading;
    return NGX_DONE;
}

// Authenticated: route, then run the exchange.
ngx_int_t ngx_http_scim_serve(ngx_http_request_t *r, ngx_http_scim_ctx_t *ctx) {
    if (!ctx->routed) {
        auto matched = scim::matchRoute(ngx_http_scim_view(r->method_name), ctx->rest);
        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0, "scim: no route for %V \"%s\"",
                       &r->method_name, ctx->rest.c_str());
        ngx_http_discard_request_body(r);
        return ngx_http_scim_send_response(r, std::get<scim::Response>(matched));
    }
    ngx_log_debug4(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "scim: route %V \"%s\" (endpoint %d, body %d)", &r->method_name,
                   ctx->rest.c_str(), static_cast<int>(ctx->route.endpoint),
                   ctx->route.needsBody);
    scim::Request &req = ctx->scim_request;
    req.method = ngx_http_scim_string(r->method_name);
    req.path = std::move(ctx->rest);  // not needed after routing
    req.query = ngx_http_scim_string(r->args);
    req.baseUrl = ngx_http_scim_base_url(r, ctx->conf, ctx->base);
    if (r->headers_in.if_match) req.ifMatch = ngx_http_scim_string(r->headers_in.if_match->value);
    if (r->headers_in.if_none_match) {
        req.ifNoneMatch = ngx_http_scim_string(r->headers_in.if_none_match->value);
    }
    if (const ngx_str_t *prefer = ngx_http_scim_find_header(r, "Prefer")) {
        req.prefer = ngx_http_scim_string(*prefer);
    }
    req.tenant = ctx->auth.tenant;
    req.tokenName = ctx->auth.token_name;
    ctx->observed.tenant = ctx->auth.tenant;
    ctx->observed.token_name = ctx->auth.token_name;
    req.nowMillis = ngx_http_scim_now_millis();
    req.documentCache = ngx_http_scim_document_cache();
    req.storeFacts = ngx_http_scim_store_facts();
    return ngx_http_scim_run(r, ctx, ctx->route.needsBody);
}

// The token is accepted: the request is served as its tenant.
void ngx_http_scim_log_accepted(ngx_http_request_t *r, const ngx_http_scim_ctx_t *ctx) {
    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "scim: auth accepted: token \"%s\", tenant \"%s\"",
                   ctx->auth.token_name.c_str(), ctx->auth.tenant.c_str());
    (void)r;
    (void)ctx;
}

ngx_int_t ngx_http_scim_authenticate(ngx_http_request_t *r, ngx_http_scim_ctx_t *ctx) {
    switch (ngx_http_scim_auth_start(r, ctx->conf, ctx->auth)) {
    case ngx_http_scim_auth_rc::refused:
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0, "scim: auth refused");
        return ngx_http_scim_send_unauthorized(r, false);
    case ngx_http_scim_auth_rc::accepted:
        ngx_http_scim_log_accepted(r, ctx);
        return ngx_http_scim_serve(r, ctx);
    case ngx_http_scim_auth_rc::lookup: break;
    }
    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "scim: auth looks the token up in redis");
    ctx->authenticating = true;
    if (!ngx_http_scim_send_command(ctx, ngx_http_scim_auth_lookup(ctx->conf, ctx->auth))) {
        // Not a 401: the token may well be valid.
        ctx->authenticating = false;
        ngx_http_discard_request_body(r);
        return ngx_http_scim_send_response(
            r, ngx_http_scim_unavailable_response("the store is unavailable; retry later"));
    }
    r->main->count++;
    r->read_event_handler = ngx_http_test_reading;
    return NGX_DONE;
}

// Routes the request, and labels it with what is known from its path and
// method before it is authenticated, so that refusals are labelled too.
// Without a route, ngx_http_scim_serve answers once authenticated.
void ngx_http_scim_route(ngx_http_scim_ctx_t *ctx, std::string_view method) {
    auto matched = scim::matchRoute(method, ctx->rest);
    auto *found = std::get_if<scim::Route>(&matched);
    if (found == nullptr) return;
    ctx->route = std::move(*found);
    ctx->routed = true;
    const scim::Route &route = ctx->route;
    ngx_http_scim_observed_t &o = ctx->observed;
    o.resource = scim::metrics::resourceOf(route.endpoint);
    o.operation = scim::metrics::operationName(route, method);
    if (route.endpoint == scim::Endpoint::Users || route.endpoint == scim::Endpoint::Groups) {
        o.resource_id = route.id;
    }
    o.write = scim::metrics::writeOp(route, method, o.write_op);
}

ngx_int_t ngx_http_scim_handle_scim(ngx_http_request_t *r, ngx_http_scim_ctx_t *ctx,
                                    const ngx_http_scim_loc_conf_t *slcf) {
    std::string_view base, rest;
    if (!scim::splitBase(ngx_http_scim_view(r->uri), base, rest)) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "scim: no SCIM endpoint at \"%V\"", &r->uri);
        ngx_http_discard_request_body(r);
        return ngx_http_scim_send_error(r, scim::notFound("no SCIM endpoint at this path"));
    }
    ctx->conf = slcf;
    ctx->service = slcf->service;
    ctx->base = std::string(base);
    ctx->rest = std::string(rest);
    ngx_http_scim_route(ctx, ngx_http_scim_view(r->method_name));
    if (slcf->tenant_value != nullptr) {
        ngx_str_t tenant;
        if (ngx_http_complex_value(r, slcf->tenant_value, &tenant) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        if (!scim::validTenant(ngx_http_scim_view(tenant))) {
            ngx_http_discard_request_body(r);
            return ngx_http_scim_send_error(r, scim::notFound("no such tenant"));
        }
        ctx->auth.required_tenant = ngx_http_scim_string(tenant);
        ctx->observed.tenant = ctx->auth.required_tenant;
    }
    return ngx_http_scim_authenticate(r, ctx);
}

const char *ngx_http_scim_admin_operation(scim::AdminRoute::Action action) {
    switch (action) {
    case scim::AdminRoute::Action::CreateToken: return "tokens.create";
    case scim::AdminRoute::Action::ListTokens: return "tokens.list";
    case scim::AdminRoute::Action::RotateToken: return "tokens.rotate";
    case scim::AdminRoute::Action::RevokeToken: return "tokens.revoke";
    }
    return "tokens.other";
}

ngx_int_t ngx_http_scim_handle_admin(ngx_http_request_t *r, ngx_http_scim_ctx_t *ctx,
                                     const ngx_http_scim_loc_conf_t *slcf) {
    ctx->observed.resource = scim::metrics::Resource::Admin;
    if (!ngx_http_scim_admin_authenticate(r, slcf)) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0, "scim: admin auth refused");
        return ngx_http_scim_send_unauthorized(r, true);
    }
    auto matched =
        scim::matchAdminRoute(ngx_http_scim_view(r->method_name), ngx_http_scim_view(r->uri));
    if (auto *response = std::get_if<scim::Response>(&matched)) {
        ngx_http_discard_request_body(r);
        return ngx_http_scim_send_response(r, *response);
    }
    ctx->conf = slcf;
    ctx->service = slcf->service;
    ctx->admin = true;
    ctx->admin_route = std::get<scim::AdminRoute>(matched);
    ctx->observed.operation = ngx_http_scim_admin_operation(ctx->admin_route.action);
    ctx->observed.tenant = ctx->admin_route.tenant;
    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0, "scim: admin route %s",
                   ctx->observed.operation.c_str());
    ctx->scim_request.method = ngx_http_scim_string(r->method_name);
    ctx->scim_request.path = ngx_http_scim_string(r->uri);
    ctx->scim_request.nowMillis = ngx_http_scim_now_millis();
    return ngx_http_scim_run(r, ctx, ctx->admin_route.needsBody);
}

ngx_int_t ngx_http_scim_handle(ngx_http_request_t *r) {
    auto *slcf = static_cast<ngx_http_scim_loc_conf_t *>(
        ngx_http_get_module_loc_conf(r, ngx_http_scim_module));
    ngx_http_scim_ctx_t *ctx = ngx_http_scim_ensure_ctx(r);
    if (ctx == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    ctx->observed.scim = true;
    ctx->observed.start_usec = ngx_http_scim_now_usec();
    return slcf->admin ? ngx_http_scim_handle_admin(r, ctx, slcf)
                       : ngx_http_scim_handle_scim(r, ctx, slcf);
}

}  // namespace

ngx_http_scim_ctx_t *ngx_http_scim_get_ctx(ngx_http_request_t *r) noexcept {
    return static_cast<ngx_http_scim_ctx_t *>(ngx_http_get_module_ctx(r, ngx_http_scim_module));
}

ngx_http_scim_ctx_t *ngx_http_scim_create_ctx(ngx_http_request_t *r) noexcept {
    auto *ctx = ngx_http_scim_pool_new<ngx_http_scim_ctx_t>(r->pool);
    if (ctx == nullptr) return nullptr;
    ctx->request = r;
    ngx_http_set_ctx(r, ctx, ngx_http_scim_module);
    return ctx;
}

void ngx_http_scim_on_auth_reply(ngx_http_scim_ctx_t *ctx, const redisReply &reply) {
    ngx_http_request_t *r = ctx->request;
    ctx->authenticating = false;
    auto rc = ngx_http_scim_auth_reply(r, ctx->conf, ctx->auth, reply);
    if (!rc) {
        ngx_http_scim_finish(ctx, ngx_http_scim_unavailable_response(
                                      "the store answered a token look-up unexpectedly"));
        return;
    }
    if (*rc == ngx_http_scim_auth_rc::refused) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0, "scim: auth refused");
        ngx_http_finalize_request(r, ngx_http_scim_send_unauthorized(r, false));
        return;
    }
    ngx_http_scim_log_accepted(r, ctx);
    ngx_http_finalize_request(r, ngx_http_scim_serve(r, ctx));
}

ngx_http_scim_observed_t *ngx_http_scim_observed(ngx_http_request_t *r) noexcept {
    ngx_http_scim_ctx_t *ctx = ngx_http_scim_get_ctx(r);
    return ctx != nullptr ? &ctx->observed : nullptr;
}

ngx_int_t ngx_http_scim_handler(ngx_http_request_t *r) noexcept {
    try {
        return ngx_http_scim_handle(r);
    } catch (const std::exception &e) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "scim: %s", e.what());
    } catch (...) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "scim: unknown exception");
    }
    return NGX_HTTP_INTERNAL_SERVER_ERROR;
}
