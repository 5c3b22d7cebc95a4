// The request path: authenticate, route, read the body, drive the core's
// Exchange through Redis, write the response. Nothing here blocks: Redis
// commands go out on the worker's async link and come back in callbacks.
#include <sys/time.h>

#include "ngx_http_scim_auth.hpp"
#include "ngx_http_scim_base_url.hpp"
#include "ngx_http_scim_metrics.hpp"
#include "ngx_http_scim_module.hpp"
#include "scim/service/admin.hpp"
#include "scim/ids.hpp"
#include "scim/store/reply.hpp"
#include "scim/tenant.hpp"

namespace {

struct ngx_http_scim_call_t;

struct ngx_http_scim_ctx_t {
    ngx_http_request_t *request = nullptr;
    const ngx_http_scim_loc_conf_t *conf = nullptr;
    // While a Redis token is looked up: the request resumes from here.
    bool authenticating = false;
    ngx_http_scim_auth_t auth;
    std::string base, rest;  // the URI split at the SCIM base
    bool admin = false;      // a scim_admin location
    scim::AdminRoute admin_route;
    scim::Route route{};
    scim::Request scim_request;
    const scim::ServiceConfig *service = nullptr;
    std::unique_ptr<scim::Exchange> exchange;
    scim::store::Command command;  // in flight, kept for a NOSCRIPT re-send
    bool resent_as_eval = false;
    ngx_http_scim_call_t *call = nullptr;
    bool own_response = false;  // the handler wrote this response
    bool replace_body = false;  // the filter replaces nginx's error page
    bool replacement_sent = false;
    std::string replacement;
    // A command the exchange asked to send later (a retry's backoff).
    ngx_event_t backoff{};
    scim::store::Command delayed;
    ngx_http_scim_observed_t observed;  // for metrics and $scim_* variables

    ~ngx_http_scim_ctx_t();
};

// Lives on the heap until the link runs its callback, which it does exactly
// once (with NULL when the connection goes away). `ctx` is cleared when the
// request is finalized first, e.g. because the client went away.
struct ngx_http_scim_call_t {
    ngx_http_scim_ctx_t *ctx;
    ngx_event_t timer;
    uint64_t sent_usec;
    scim::metrics::RedisKind kind;
};

ngx_http_output_header_filter_pt next_header_filter;
ngx_http_output_body_filter_pt next_body_filter;

void detach(ngx_http_scim_call_t *call) {
    call->ctx = nullptr;
    if (call->timer.timer_set) ngx_del_timer(&call->timer);
}

ngx_http_scim_ctx_t::~ngx_http_scim_ctx_t() {
    if (call != nullptr) detach(call);
    if (backoff.timer_set) ngx_del_timer(&backoff);
}

ngx_http_scim_ctx_t *get_ctx(ngx_http_request_t *r) {
    return static_cast<ngx_http_scim_ctx_t *>(ngx_http_get_module_ctx(r, ngx_http_scim_module));
}

ngx_http_scim_ctx_t *create_ctx(ngx_http_request_t *r) {
    auto *ctx = ngx_http_scim_pool_new<ngx_http_scim_ctx_t>(r->pool);
    if (ctx == nullptr) return nullptr;
    ctx->request = r;
    ngx_http_set_ctx(r, ctx, ngx_http_scim_module);
    return ctx;
}

std::string_view view(const ngx_str_t &s) {
    return {reinterpret_cast<const char *>(s.data), s.len};
}

ngx_int_t add_header(ngx_http_request_t *r, const std::string &name, const std::string &value) {
    auto *h = static_cast<ngx_table_elt_t *>(ngx_list_push(&r->headers_out.headers));
    if (h == nullptr) return NGX_ERROR;
    h->hash = 1;
    h->key.len = name.size();
    h->key.data = static_cast<u_char *>(ngx_pnalloc(r->pool, name.size()));
    h->value.len = value.size();
    h->value.data = static_cast<u_char *>(ngx_pnalloc(r->pool, value.size() + 1));
    if (h->key.data == nullptr || h->value.data == nullptr) return NGX_ERROR;
    ngx_memcpy(h->key.data, name.data(), name.size());
    ngx_memcpy(h->value.data, value.data(), value.size());
    h->value.data[value.size()] = '\0';
    return NGX_OK;
}

void set_scim_content_type(ngx_http_request_t *r) {
    static ngx_str_t type = ngx_string("application/scim+json");
    r->headers_out.content_type = type;
    r->headers_out.content_type_len = type.len;
    r->headers_out.content_type_lowcase = nullptr;
    r->headers_out.charset.len = 0;
}

ngx_int_t set_content_type(ngx_http_request_t *r, const std::string &type) {
    auto *data = static_cast<u_char *>(ngx_pnalloc(r->pool, type.size()));
    if (data == nullptr) return NGX_ERROR;
    ngx_memcpy(data, type.data(), type.size());
    r->headers_out.content_type.data = data;
    r->headers_out.content_type.len = type.size();
    r->headers_out.content_type_len = type.size();
    r->headers_out.content_type_lowcase = nullptr;
    r->headers_out.charset.len = 0;
    return NGX_OK;
}

ngx_chain_t *body_chain(ngx_http_request_t *r, const std::string &body) {
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

// Writes a complete response; returns what the handler or
// ngx_http_finalize_request expects.
ngx_int_t send_response(ngx_http_request_t *r, const scim::Response &response) {
    ngx_http_scim_ctx_t *ctx = get_ctx(r);
    if (ctx == nullptr && (ctx = create_ctx(r)) == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    ctx->own_response = true;
    ctx->observed.error = scim::metrics::errorOf(response.status, response.body);

    r->headers_out.status = response.status;
    // Preconditions are the module's (versions, weak ETags); nginx's
    // not_modified filter would answer If-Match itself with a bare 412.
    r->disable_not_modified = 1;
    for (const auto &[name, value] : response.headers) {
        if (add_header(r, name, value) != NGX_OK) return NGX_ERROR;
    }
    bool empty = response.body.empty() || response.status == NGX_HTTP_NO_CONTENT ||
                 response.status == NGX_HTTP_NOT_MODIFIED;
    if (!empty && response.contentType.empty()) set_scim_content_type(r);
    if (!empty && !response.contentType.empty() &&
        set_content_type(r, response.contentType) != NGX_OK) {
        return NGX_ERROR;
    }
    r->headers_out.content_length_n = empty ? 0 : static_cast<off_t>(response.body.size());
    if (empty || r->method == NGX_HTTP_HEAD) r->header_only = 1;

    ngx_int_t rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) return rc;
    ngx_chain_t *out = body_chain(r, response.body);
    if (out == nullptr) return NGX_ERROR;
    return ngx_http_output_filter(r, out);
}

ngx_int_t send_error(ngx_http_request_t *r, const scim::Error &e) {
    return send_response(r, scim::errorResponse(e));
}

scim::Response unavailable_response(const char *detail) {
    scim::Response resp = scim::errorResponse(scim::unavailable(detail));
    resp.headers.emplace_back("Retry-After", std::to_string(ngx_http_scim_redis().retry_after()));
    return resp;
}

void finish(ngx_http_scim_ctx_t *ctx, const scim::Response &response) {
    ngx_http_request_t *r = ctx->request;
    ngx_http_finalize_request(r, send_response(r, response));
}

void advance(ngx_http_scim_ctx_t *ctx, scim::Exchange::Step step);
void on_auth_reply(ngx_http_scim_ctx_t *ctx, const redisReply &reply);

std::unique_ptr<scim::Exchange> make_exchange(ngx_http_scim_ctx_t *ctx) {
    if (ctx->admin) {
        return scim::makeAdminExchange(ctx->admin_route, ctx->scim_request, *ctx->service);
    }
    return scim::makeExchange(ctx->route, ctx->scim_request, *ctx->service);
}

// The request's deadline passed: only this request gets 503. Its reply, if
// it comes, is read and dropped; the link resets the connection only when
// Redis sends nothing at all for scim_redis_timeout.
void on_command_timeout(ngx_event_t *ev) noexcept {
    auto *call = static_cast<ngx_http_scim_call_t *>(ev->data);
    ngx_http_scim_ctx_t *ctx = call->ctx;
    call->ctx = nullptr;
    ngx_http_scim_metrics_redis_error(scim::metrics::RedisError::Timeout);
    if (ctx == nullptr) return;
    ctx->call = nullptr;
    ngx_log_error(NGX_LOG_WARN, ctx->request->connection->log, 0,
                  "scim: redis did not answer this request's command in time (connection *%uA)",
                  ngx_http_scim_redis().connection_number());
    try {
        finish(ctx, unavailable_response("the store did not answer in time; retry later"));
    } catch (...) {
        ngx_http_finalize_request(ctx->request, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }
}

// Redis's own error text goes to the log, tied to the request, never to
// the client. READONLY means the server was demoted: 503 with Retry-After
// for this write, and the link goes looking for the master.
bool on_error_reply(ngx_http_scim_ctx_t *ctx, const redisReply &reply) {
    std::string_view text = scim::store::text(reply);
    bool read_only = text.substr(0, 8) == "READONLY" ||
                     text.find("-READONLY") != std::string_view::npos ||
                     text.find("read only replica") != std::string_view::npos;
    ngx_uint_t level = read_only ? NGX_LOG_WARN : NGX_LOG_ERR;
    ngx_log_error(level, ctx->request->connection->log, 0,
                  "scim: redis (connection *%uA) answered this request with an error: %*s",
                  ngx_http_scim_redis().connection_number(), text.size(), text.data());
    if (!read_only) return false;
    ngx_http_scim_redis().on_readonly_reply();
    finish(ctx, unavailable_response("the store is read-only for now; retry later"));
    return true;
}

// A round trip's duration, and the kind of error it came back with.
void observe_reply(ngx_http_scim_call_t *call, const redisReply *reply) {
    if (reply == nullptr) return;  // the link counts the disconnect
    uint64_t usec = ngx_http_scim_now_usec() - call->sent_usec;
    ngx_http_scim_metrics_redis_command(call->kind, usec);
    if (call->ctx != nullptr) call->ctx->observed.redis_usec += usec;
    if (scim::store::isError(*reply)) {
        ngx_http_scim_metrics_redis_error(
            scim::metrics::replyErrorKind(scim::store::text(*reply)));
    }
}

scim::metrics::RedisKind command_kind(const ngx_http_scim_ctx_t *ctx,
                                      const scim::store::Command &command) {
    if (ctx->authenticating) return scim::metrics::RedisKind::Auth;
    if (ctx->admin) return scim::metrics::RedisKind::Admin;
    return scim::metrics::commandKind(command);
}

void on_reply(redisReply *reply, void *privdata) noexcept {
    auto *call = static_cast<ngx_http_scim_call_t *>(privdata);
    ngx_http_scim_ctx_t *ctx = call->ctx;
    observe_reply(call, reply);
    if (call->timer.timer_set) ngx_del_timer(&call->timer);
    delete call;
    if (ctx == nullptr || ngx_http_scim_redis().exiting()) return;  // nobody waits any more
    ctx->call = nullptr;

    try {
        if (reply == nullptr) {
            finish(ctx, unavailable_response("the store is unavailable; retry later"));
            return;
        }
        bool no_script = scim::store::isNoScript(*reply);
        if (scim::store::isError(*reply) && !no_script && on_error_reply(ctx, *reply)) return;
        if (ctx->authenticating) {
            on_auth_reply(ctx, *reply);
            return;
        }
        if (no_script && ctx->command.script && !ctx->resent_as_eval) {
            ctx->resent_as_eval = true;  // the script cache was flushed
            advance(ctx, ctx->command);
            return;
        }
        advance(ctx, ctx->exchange->onReply(*reply));
    } catch (const std::exception &e) {
        ngx_log_error(NGX_LOG_ERR, ctx->request->connection->log, 0, "scim: %s", e.what());
        finish(ctx, scim::errorResponse(scim::internalError("internal error")));
    }
}

bool send_command(ngx_http_scim_ctx_t *ctx, scim::store::Command command) {
    ngx_http_scim_redis_front &link = ngx_http_scim_redis();
    if (!link.accepting()) return false;
    auto *call = new ngx_http_scim_call_t{ctx, {}, ngx_http_scim_now_usec(),
                                          command_kind(ctx, command)};
    call->timer.data = call;
    call->timer.handler = on_command_timeout;
    call->timer.log = ctx->request->connection->log;
    // Not cancelable: a graceful shutdown waits for in-flight requests.
    if (!link.send(command.argv(ctx->resent_as_eval), on_reply, call)) {
        delete call;
        return false;
    }
    ngx_add_timer(&call->timer, link.command_timeout());
    ctx->command = std::move(command);
    ctx->call = call;
    return true;
}

// The backoff wait is over: send the command the exchange deferred.
void on_backoff_done(ngx_event_t *ev) noexcept {
    auto *ctx = static_cast<ngx_http_scim_ctx_t *>(ev->data);
    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, ev->log, 0, "scim: backoff over, sending the retry");
    try {
        if (!send_command(ctx, std::move(ctx->delayed))) {
            finish(ctx, unavailable_response("the store is unavailable"));
        }
    } catch (const std::exception &e) {
        ngx_log_error(NGX_LOG_ERR, ev->log, 0, "scim: %s", e.what());
        finish(ctx, scim::errorResponse(scim::internalError("internal error")));
    }
}

// Waits on a timer instead of sending now. The timer belongs to the
// request context, so a request finalized meanwhile takes it along.
void defer_command(ngx_http_scim_ctx_t *ctx, scim::store::Command command) {
    unsigned wait = command.delayMillis;
    command.delayMillis = 0;
    ctx->delayed = std::move(command);
    ctx->backoff.data = ctx;
    ctx->backoff.handler = on_backoff_done;
    ctx->backoff.log = ctx->request->connection->log;
    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, ctx->backoff.log, 0, "scim: retry in %ui ms", wait);
    ngx_add_timer(&ctx->backoff, wait);
}

void advance(ngx_http_scim_ctx_t *ctx, scim::Exchange::Step step) {
    if (auto *response = std::get_if<scim::Response>(&step)) {
        finish(ctx, *response);
        return;
    }
    auto &command = std::get<scim::store::Command>(step);
    if (command.delayMillis > 0) {
        defer_command(ctx, std::move(command));
        return;
    }
    if (!send_command(ctx, std::move(command))) {
        finish(ctx, unavailable_response("the store is unavailable; retry later"));
    }
}

// The body, from memory buffers or nginx's temporary file.
bool collect_body(ngx_http_request_t *r, std::string &out) {
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
            out.append(reinterpret_cast<const char *>(b->pos), b->last - b->pos);
        }
    }
    return true;
}

// Body read: run the exchange. The request is finalized by finish().
void body_handler(ngx_http_request_t *r) noexcept {
    ngx_http_scim_ctx_t *ctx = get_ctx(r);
    try {
        if (!collect_body(r, ctx->scim_request.body)) {
            finish(ctx, scim::errorResponse(scim::internalError("cannot read the request body")));
            return;
        }
        ctx->exchange = make_exchange(ctx);
        // Watch the client while Redis works, so an abort frees the request.
        r->read_event_handler = ngx_http_test_reading;
        advance(ctx, ctx->exchange->start());
    } catch (const std::exception &e) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "scim: %s", e.what());
        finish(ctx, scim::errorResponse(scim::internalError("internal error")));
    }
}

// A request header nginx does not parse into headers_in, or nullptr.
const ngx_str_t *find_header(ngx_http_request_t *r, std::string_view name) {
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

int64_t now_millis() {
    ngx_time_t *tp = ngx_timeofday();
    return static_cast<int64_t>(tp->sec) * 1000 + tp->msec;
}

ngx_http_scim_ctx_t *ensure_ctx(ngx_http_request_t *r) {
    ngx_http_scim_ctx_t *ctx = get_ctx(r);
    return ctx != nullptr ? ctx : create_ctx(r);
}

ngx_int_t send_unauthorized(ngx_http_request_t *r, bool admin) {
    ngx_http_discard_request_body(r);
    scim::Error e = scim::unauthorized("a valid bearer token is required");
    scim::Response resp = admin ? scim::adminError(e) : scim::errorResponse(e);
    resp.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"scim\"");
    return send_response(r, resp);
}

// Reads the body when the route needs one (body_handler goes on), else
// starts the exchange. Content-handler semantics: the caller finalizes the
// request with the result.
ngx_int_t run(ngx_http_request_t *r, ngx_http_scim_ctx_t *ctx, bool needs_body) {
    if (needs_body) {
        ngx_int_t rc = ngx_http_read_client_request_body(r, body_handler);
        if (rc >= NGX_HTTP_SPECIAL_RESPONSE) return rc;  // the error filter dresses it
        return NGX_DONE;
    }
    if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    ctx->exchange = make_exchange(ctx);
    scim::Exchange::Step step = ctx->exchange->start();
    if (auto *response = std::get_if<scim::Response>(&step)) return send_response(r, *response);
    if (!send_command(ctx, std::move(std::get<scim::store::Command>(step)))) {
        return send_response(r, unavailable_response("the store is unavailable; retry later"));
    }
    r->main->count++;
    r->read_event_handler = ngx_http_test_reading;
    return NGX_DONE;
}

// Authenticated: route, then run the exchange.
ngx_int_t serve(ngx_http_request_t *r, ngx_http_scim_ctx_t *ctx) {
    auto matched = scim::matchRoute(view(r->method_name), ctx->rest);
    if (auto *response = std::get_if<scim::Response>(&matched)) {
        ngx_http_discard_request_body(r);
        return send_response(r, *response);
    }
    ctx->route = std::get<scim::Route>(matched);
    scim::Request &req = ctx->scim_request;
    req.method = std::string(view(r->method_name));
    req.path = ctx->rest;
    req.query = std::string(view(r->args));
    req.baseUrl = ngx_http_scim_base_url(r, ctx->conf, ctx->base);
    if (r->headers_in.if_match) req.ifMatch = std::string(view(r->headers_in.if_match->value));
    if (r->headers_in.if_none_match) {
        req.ifNoneMatch = std::string(view(r->headers_in.if_none_match->value));
    }
    if (const ngx_str_t *prefer = find_header(r, "Prefer")) req.prefer = std::string(view(*prefer));
    req.tenant = ctx->auth.tenant;
    req.tokenName = ctx->auth.token_name;
    ctx->observed.tenant = ctx->auth.tenant;
    ctx->observed.token_name = ctx->auth.token_name;
    req.nowMillis = now_millis();
    return run(r, ctx, ctx->route.needsBody);
}

// A Redis token's look-up came back: the request goes on from where
// authenticate() left it.
void on_auth_reply(ngx_http_scim_ctx_t *ctx, const redisReply &reply) {
    ngx_http_request_t *r = ctx->request;
    ctx->authenticating = false;
    auto rc = ngx_http_scim_auth_reply(r, ctx->conf, ctx->auth, reply);
    if (!rc) {
        finish(ctx, unavailable_response("the store answered a token look-up unexpectedly"));
        return;
    }
    if (*rc == ngx_http_scim_auth_rc::refused) {
        ngx_http_finalize_request(r, send_unauthorized(r, false));
        return;
    }
    ngx_http_finalize_request(r, serve(r, ctx));
}

ngx_int_t authenticate(ngx_http_request_t *r, ngx_http_scim_ctx_t *ctx) {
    switch (ngx_http_scim_auth_start(r, ctx->conf, ctx->auth)) {
    case ngx_http_scim_auth_rc::refused: return send_unauthorized(r, false);
    case ngx_http_scim_auth_rc::accepted: return serve(r, ctx);
    case ngx_http_scim_auth_rc::lookup: break;
    }
    ctx->authenticating = true;
    if (!send_command(ctx, ngx_http_scim_auth_lookup(ctx->conf, ctx->auth))) {
        // Not a 401: the token may well be valid.
        ctx->authenticating = false;
        ngx_http_discard_request_body(r);
        return send_response(r, unavailable_response("the store is unavailable; retry later"));
    }
    r->main->count++;
    r->read_event_handler = ngx_http_test_reading;
    return NGX_DONE;
}

// The labels of a request, known from its path and method before it is
// authenticated, so that refusals are labelled too.
void observe_route(ngx_http_scim_ctx_t *ctx, std::string_view method) {
    auto matched = scim::matchRoute(method, ctx->rest);
    const scim::Route *route = std::get_if<scim::Route>(&matched);
    if (route == nullptr) return;
    ngx_http_scim_observed_t &o = ctx->observed;
    o.resource = scim::metrics::resourceOf(route->endpoint);
    o.operation = scim::metrics::operationName(*route, method);
    if (route->endpoint == scim::Endpoint::Users || route->endpoint == scim::Endpoint::Groups) {
        o.resource_id = route->id;
    }
    o.write = scim::metrics::writeOp(*route, method, o.write_op);
}

ngx_int_t handle_scim(ngx_http_request_t *r, ngx_http_scim_ctx_t *ctx,
                      const ngx_http_scim_loc_conf_t *slcf) {
    std::string_view base, rest;
    if (!scim::splitBase(view(r->uri), base, rest)) {
        ngx_http_discard_request_body(r);
        return send_error(r, scim::notFound("no SCIM endpoint at this path"));
    }
    ctx->conf = slcf;
    ctx->service = slcf->service;
    ctx->base = std::string(base);
    ctx->rest = std::string(rest);
    observe_route(ctx, view(r->method_name));
    if (slcf->tenant_value != nullptr) {
        ngx_str_t tenant;
        if (ngx_http_complex_value(r, slcf->tenant_value, &tenant) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        if (!scim::validTenant(view(tenant))) {
            ngx_http_discard_request_body(r);
            return send_error(r, scim::notFound("no such tenant"));
        }
        ctx->auth.required_tenant = std::string(view(tenant));
        ctx->observed.tenant = ctx->auth.required_tenant;
    }
    return authenticate(r, ctx);
}

const char *admin_operation(scim::AdminRoute::Action action) {
    switch (action) {
    case scim::AdminRoute::Action::CreateToken: return "tokens.create";
    case scim::AdminRoute::Action::ListTokens: return "tokens.list";
    case scim::AdminRoute::Action::RotateToken: return "tokens.rotate";
    case scim::AdminRoute::Action::RevokeToken: return "tokens.revoke";
    }
    return "tokens.other";
}

ngx_int_t handle_admin(ngx_http_request_t *r, ngx_http_scim_ctx_t *ctx,
                       const ngx_http_scim_loc_conf_t *slcf) {
    ctx->observed.resource = scim::metrics::Resource::Admin;
    if (!ngx_http_scim_admin_authenticate(r, slcf)) return send_unauthorized(r, true);
    auto matched = scim::matchAdminRoute(view(r->method_name), view(r->uri));
    if (auto *response = std::get_if<scim::Response>(&matched)) {
        ngx_http_discard_request_body(r);
        return send_response(r, *response);
    }
    ctx->conf = slcf;
    ctx->service = slcf->service;
    ctx->admin = true;
    ctx->admin_route = std::get<scim::AdminRoute>(matched);
    ctx->observed.operation = admin_operation(ctx->admin_route.action);
    ctx->observed.tenant = ctx->admin_route.tenant;
    ctx->scim_request.method = std::string(view(r->method_name));
    ctx->scim_request.path = std::string(view(r->uri));
    ctx->scim_request.nowMillis = now_millis();
    return run(r, ctx, ctx->admin_route.needsBody);
}

ngx_int_t handle(ngx_http_request_t *r) {
    auto *slcf = static_cast<ngx_http_scim_loc_conf_t *>(
        ngx_http_get_module_loc_conf(r, ngx_http_scim_module));
    ngx_http_scim_ctx_t *ctx = ensure_ctx(r);
    if (ctx == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    ctx->observed.scim = true;
    ctx->observed.start_usec = ngx_http_scim_now_usec();
    return slcf->admin ? handle_admin(r, ctx, slcf) : handle_scim(r, ctx, slcf);
}

/* nginx's own error pages (413, 400, 408, …) in SCIM form */

std::string error_detail(ngx_http_request_t *r, ngx_uint_t status) {
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
    std::string_view path = view(r->uri);
    if (path.empty() && r->uri_start != nullptr && r->uri_end > r->uri_start) {
        // Refused while nginx decoded it (e.g. "%00"): the raw request URI.
        path = {reinterpret_cast<const char *>(r->uri_start),
                static_cast<size_t>(r->uri_end - r->uri_start)};
    }
    if (path.empty()) return true;
    if (size_t query = path.find('?'); query != std::string_view::npos) path = path.substr(0, query);
    std::string_view base, rest;
    bool scim = scim::splitBase(path, base, rest);
    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0, "scim: error page under base: %d",
                   scim);
    return scim;
}

ngx_int_t error_header_filter(ngx_http_request_t *r) noexcept {
    if (r != r->main || r->headers_out.status < NGX_HTTP_BAD_REQUEST) return next_header_filter(r);
    auto *slcf = static_cast<ngx_http_scim_loc_conf_t *>(
        ngx_http_get_module_loc_conf(r, ngx_http_scim_module));
    if (slcf == nullptr) return next_header_filter(r);
    bool ours = slcf->enable || slcf->admin == 1 || ngx_http_scim_errors_apply(r, slcf);
    if (!ours) return next_header_filter(r);
    ngx_http_scim_ctx_t *ctx = get_ctx(r);
    if (ctx != nullptr && ctx->own_response) return next_header_filter(r);
    scim::Response replacement;
    try {
        if (ctx == nullptr && (ctx = create_ctx(r)) == nullptr) return NGX_ERROR;
        ngx_uint_t status = r->headers_out.status;
        scim::Error e{static_cast<int>(status), "", error_detail(r, status)};
        // The admin API answers JSON errors of its own shape.
        replacement = slcf->admin == 1 ? scim::adminError(e) : scim::errorResponse(e);
        ctx->replacement = replacement.body;
        ctx->observed.error = scim::metrics::errorOf(static_cast<int>(status), replacement.body);
    } catch (...) {
        return NGX_ERROR;
    }
    ctx->replace_body = true;
    if (replacement.contentType.empty()) {
        set_scim_content_type(r);
    } else if (set_content_type(r, replacement.contentType) != NGX_OK) {
        return NGX_ERROR;
    }
    ngx_http_clear_content_length(r);
    r->headers_out.content_length_n = static_cast<off_t>(ctx->replacement.size());
    return next_header_filter(r);
}

ngx_int_t error_body_filter(ngx_http_request_t *r, ngx_chain_t *in) noexcept {
    ngx_http_scim_ctx_t *ctx = get_ctx(r);
    if (ctx == nullptr || !ctx->replace_body) return next_body_filter(r, in);
    for (ngx_chain_t *cl = in; cl; cl = cl->next) {  // nginx's page is dropped
        cl->buf->pos = cl->buf->last;
        cl->buf->file_pos = cl->buf->file_last;
    }
    if (ctx->replacement_sent) return NGX_OK;
    ctx->replacement_sent = true;
    ngx_chain_t *out = body_chain(r, ctx->replacement);
    if (out == nullptr) return NGX_ERROR;
    return next_body_filter(r, out);
}

}  // namespace

ngx_http_scim_observed_t *ngx_http_scim_observed(ngx_http_request_t *r) noexcept {
    ngx_http_scim_ctx_t *ctx = get_ctx(r);
    return ctx != nullptr ? &ctx->observed : nullptr;
}

ngx_int_t ngx_http_scim_handler(ngx_http_request_t *r) noexcept {
    try {
        return handle(r);
    } catch (const std::exception &e) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "scim: %s", e.what());
    } catch (...) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "scim: unknown exception");
    }
    return NGX_HTTP_INTERNAL_SERVER_ERROR;
}

ngx_int_t ngx_http_scim_init_filters(ngx_conf_t *) noexcept {
    next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = error_header_filter;
    next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = error_body_filter;
    return NGX_OK;
}
