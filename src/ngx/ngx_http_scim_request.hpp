// A SCIM request at the edge: its context, and what the files of the
// request path offer each other.
//
//   ngx_http_scim_handler.cpp       entry, authentication, routing, body
//   ngx_http_scim_exchange.cpp      drives the Exchange through Redis
//   ngx_http_scim_response.cpp      writes responses
//   ngx_http_scim_error_filter.cpp  nginx's own error pages in SCIM form
#pragma once

#include <memory>
#include <string>

#include "ngx_http_scim_auth.hpp"
#include "ngx_http_scim_metrics.hpp"
#include "ngx_http_scim_module.hpp"
#include "scim/service/admin.hpp"
#include "scim/service/service.hpp"

struct ngx_http_scim_call_t;  // a command in flight (ngx_http_scim_exchange.cpp)

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
    bool routed = false;  // `route` is matched (once, before authentication)
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

    // Detaches a pending call and stops the backoff timer: a request
    // finalized while Redis works leaves nothing behind that points at it.
    ~ngx_http_scim_ctx_t();
};

/* ngx_http_scim_handler.cpp */

ngx_http_scim_ctx_t *ngx_http_scim_get_ctx(ngx_http_request_t *r) noexcept;
ngx_http_scim_ctx_t *ngx_http_scim_create_ctx(ngx_http_request_t *r) noexcept;
// A Redis token's look-up came back: the request goes on from where the
// authentication left it.
void ngx_http_scim_on_auth_reply(ngx_http_scim_ctx_t *ctx, const redisReply &reply);

/* ngx_http_scim_exchange.cpp */

// Sends the command now; false when the store is not accepting commands.
bool ngx_http_scim_send_command(ngx_http_scim_ctx_t *ctx, scim::store::Command command);
// Acts on the exchange's next step: a response finalizes the request, a
// command is sent (or deferred by its delay).
void ngx_http_scim_advance(ngx_http_scim_ctx_t *ctx, scim::Exchange::Step step);
// The worker's scim::StoreFacts (Request::storeFacts).
scim::StoreFacts *ngx_http_scim_store_facts() noexcept;

/* ngx_http_scim_response.cpp */

// Writes a complete response; returns what the handler or
// ngx_http_finalize_request expects.
ngx_int_t ngx_http_scim_send_response(ngx_http_request_t *r, const scim::Response &response);
ngx_int_t ngx_http_scim_send_error(ngx_http_request_t *r, const scim::Error &e);
// 401 with a Bearer challenge, in the SCIM or the admin API's shape.
ngx_int_t ngx_http_scim_send_unauthorized(ngx_http_request_t *r, bool admin);
// 503 with Retry-After: when the Redis link expects to be back.
scim::Response ngx_http_scim_unavailable_response(const char *detail);
// Sends `response` and finalizes the request (after a Redis round trip).
void ngx_http_scim_finish(ngx_http_scim_ctx_t *ctx, const scim::Response &response);
// application/scim+json, or `type`; false when out of memory.
void ngx_http_scim_set_scim_content_type(ngx_http_request_t *r) noexcept;
bool ngx_http_scim_set_content_type(ngx_http_request_t *r, std::string_view type) noexcept;
// `body` as the last buffer of the response, copied into the request pool.
ngx_chain_t *ngx_http_scim_body_chain(ngx_http_request_t *r, std::string_view body) noexcept;
