// Drives a request's Exchange through Redis: sends each command the
// exchange asks for on the worker's link, feeds the reply back, re-sends a
// script as EVAL after NOSCRIPT, bounds each round trip by a deadline and
// sends a deferred command (a retry's backoff) on a timer. A batch's
// commands are queued together (the link writes them at once) and their
// replies go to the exchange together, once the last one is in. A request
// finalized while its reply is pending detaches from the call; the reply
// (every reply of a batch) is then read and dropped.
#include "ngx_http_scim_redis_reply.hpp"
#include "ngx_http_scim_request.hpp"

#include <memory>

#include "scim/store/group_commit.hpp"
#include "scim/store/query_scripts.hpp"
#include "scim/store/reply.hpp"
#include "scim/store/scripts.hpp"

// Lives on the heap until the link runs its callback, which it does exactly
// once (with NULL when the connection goes away). `ctx` is cleared when the
// request is finalized first, e.g. because the client went away.
struct ngx_http_scim_call_t;

// Which command of a batch a reply answers: the privdata of each.
struct ngx_http_scim_batch_slot_t {
    ngx_http_scim_call_t *call;
    size_t index;
};

struct ngx_http_scim_call_t {
    ngx_http_scim_call_t(ngx_http_scim_ctx_t *c, scim::metrics::RedisKind k) noexcept
        : ctx(c), sent_usec(ngx_http_scim_now_usec()), kind(k) {}

    ngx_http_scim_ctx_t *ctx;
    ngx_event_t timer{};
    uint64_t sent_usec;
    scim::metrics::RedisKind kind;
    // A batch's: one slot per command; the replies kept (copied: the link
    // frees its own after the callback) until the last arrives, which is
    // used in place; the callbacks still to run; whether a reply is missing.
    std::vector<ngx_http_scim_batch_slot_t> slots;
    std::vector<redisReply *> kept;
    size_t awaiting = 0;
    bool lost = false;

    ~ngx_http_scim_call_t() {
        for (redisReply *reply : kept) {
            if (reply != nullptr) ngx_http_scim_redis_reply_free(reply);
        }
    }
};

namespace {

void ngx_http_scim_detach_call(ngx_http_scim_call_t *call) {
    call->ctx = nullptr;
    if (call->timer.timer_set) ngx_del_timer(&call->timer);
}

[[maybe_unused]] const char *ngx_http_scim_reply_type(const redisReply &reply) {
    switch (reply.type) {
    case REDIS_REPLY_STRING: return "string";
    case REDIS_REPLY_ARRAY: return "array";
    case REDIS_REPLY_INTEGER: return "integer";
    case REDIS_REPLY_NIL: return "nil";
    case REDIS_REPLY_STATUS: return "status";
    case REDIS_REPLY_ERROR: return "error";
    default: return "other";
    }
}

// The request's deadline passed: only this request gets 503. Its reply, if
// it comes, is read and dropped; the link resets the connection only when
// Redis sends nothing at all for scim_redis_timeout.
void ngx_http_scim_on_command_timeout(ngx_event_t *ev) noexcept {
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
        ngx_http_scim_finish(ctx, ngx_http_scim_unavailable_response(
                                      "the store did not answer in time; retry later"));
    } catch (...) {
        ngx_http_finalize_request(ctx->request, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }
}

// Redis's own error text goes to the log, tied to the request, never to
// the client. READONLY means the server was demoted: 503 with Retry-After
// for this write, and the link goes looking for the master.
bool ngx_http_scim_on_error_reply(ngx_http_scim_ctx_t *ctx, const redisReply &reply) {
    std::string_view text = scim::store::text(reply);
    bool read_only = text.substr(0, 8) == "READONLY" ||
                     text.find("-READONLY") != std::string_view::npos ||
                     text.find("read only replica") != std::string_view::npos;
    // min-replicas-to-write: maybe a master the sentinels have replaced.
    bool no_replicas = text.find("NOREPLICAS") != std::string_view::npos;
    if (scim::store::isUnconfirmedWrite(text)) {
        // The write ran on the master but WAIT did not confirm it: its
        // outcome is unknown, so 503 and never a resend.
        ngx_log_error(NGX_LOG_WARN, ctx->request->connection->log, 0,
                      "scim: redis (connection *%uA) did not confirm this request's write on "
                      "enough replicas: %*s",
                      ngx_http_scim_redis().connection_number(), text.size(), text.data());
        ngx_http_scim_redis().on_noreplicas_reply();
        ngx_http_scim_finish(ctx, ngx_http_scim_unavailable_response(
                                      "the store could not confirm the write on its replicas; "
                                      "its outcome is unknown; retry later"));
        return true;
    }
    if (scim::store::isSortGetRefusal(text)) {
        // The service reads this page, and this worker's later ones, with
        // the page script (scim::StoreFacts::sortGetRefused).
        ngx_log_error(NGX_LOG_WARN, ctx->request->connection->log, 0,
                      "scim: redis (connection *%uA) refused SORT_RO's GET (%*s): "
                      "this worker reads pages with the page script",
                      ngx_http_scim_redis().connection_number(), text.size(), text.data());
        return false;
    }
    ngx_uint_t level = read_only || no_replicas ? NGX_LOG_WARN : NGX_LOG_ERR;
    ngx_log_error(level, ctx->request->connection->log, 0,
                  "scim: redis (connection *%uA) answered this request with an error: %*s",
                  ngx_http_scim_redis().connection_number(), text.size(), text.data());
    if (no_replicas) {
        ngx_http_scim_redis().on_noreplicas_reply();
        ngx_http_scim_finish(ctx, ngx_http_scim_unavailable_response(
                                      "the store cannot confirm writes for now; retry later"));
        return true;
    }
    if (!read_only) return false;
    ngx_http_scim_redis().on_readonly_reply();
    ngx_http_scim_finish(
        ctx, ngx_http_scim_unavailable_response("the store is read-only for now; retry later"));
    return true;
}

// A command's duration, and the kind of error it came back with. The
// request's Redis time counts a batch's round trip once, at its last reply.
void ngx_http_scim_observe_reply(ngx_http_scim_call_t *call, const redisReply *reply) {
    if (reply == nullptr) return;  // the link counts the disconnect
    uint64_t usec = ngx_http_scim_now_usec() - call->sent_usec;
    ngx_http_scim_metrics_redis_command(call->kind, usec);
    if (call->ctx != nullptr && call->awaiting <= 1) call->ctx->observed.redis_usec += usec;
    if (scim::store::isError(*reply)) {
        ngx_http_scim_metrics_redis_error(
            scim::metrics::replyErrorKind(scim::store::text(*reply)));
    }
}

scim::metrics::RedisKind ngx_http_scim_command_kind(const ngx_http_scim_ctx_t *ctx,
                                                    const scim::store::Command &command) {
    if (ctx->authenticating) return scim::metrics::RedisKind::Auth;
    if (ctx->admin) return scim::metrics::RedisKind::Admin;
    return scim::metrics::commandKind(command);
}

// The reply (or nullptr: the connection is gone) of a request's command.
void ngx_http_scim_on_reply(redisReply *reply, void *privdata) noexcept {
    auto *call = static_cast<ngx_http_scim_call_t *>(privdata);
    ngx_http_scim_ctx_t *ctx = call->ctx;
    ngx_http_scim_observe_reply(call, reply);
    if (call->timer.timer_set) ngx_del_timer(&call->timer);
    delete call;
    if (ctx == nullptr || ngx_http_scim_redis().exiting()) return;  // nobody waits any more
    ctx->call = nullptr;
    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, ctx->request->connection->log, 0,
                   "scim: redis reply: %s", reply ? ngx_http_scim_reply_type(*reply) : "none");

    try {
        if (reply == nullptr) {
            ngx_http_scim_finish(
                ctx, ngx_http_scim_unavailable_response("the store is unavailable; retry later"));
            return;
        }
        bool no_script = scim::store::isNoScript(*reply);
        if (scim::store::isError(*reply) && !no_script &&
            ngx_http_scim_on_error_reply(ctx, *reply)) {
            return;
        }
        if (ctx->authenticating) {
            ngx_http_scim_on_auth_reply(ctx, *reply);
            return;
        }
        if (no_script && ctx->command.script && !ctx->resent_as_eval) {
            ctx->resent_as_eval = true;  // the script cache was flushed
            ngx_log_debug0(NGX_LOG_DEBUG_HTTP, ctx->request->connection->log, 0,
                           "scim: NOSCRIPT, re-sending the script as EVAL");
            ngx_http_scim_advance(ctx, ctx->command);
            return;
        }
        ngx_http_scim_advance(ctx, ctx->exchange->onReply(*reply));
    } catch (const std::exception &e) {
        ngx_log_error(NGX_LOG_ERR, ctx->request->connection->log, 0, "scim: %s", e.what());
        ngx_http_scim_finish(ctx, scim::errorResponse(scim::internalError("internal error")));
    }
}

// Every reply of a batch is in (`last` at `index`, nullptr when the
// connection went): the exchange gets them in order, or the request 503.
void ngx_http_scim_on_batch_done(ngx_http_scim_ctx_t *ctx, ngx_http_scim_call_t *call,
                                 redisReply *last, size_t index) {
    if (last == nullptr || call->lost) {
        ngx_http_scim_finish(
            ctx, ngx_http_scim_unavailable_response("the store is unavailable; retry later"));
        return;
    }
    std::vector<const redisReply *> replies(call->kept.begin(), call->kept.end());
    replies[index] = last;
    bool no_script = false;
    for (const redisReply *reply : replies) {
        if (scim::store::isNoScript(*reply)) {
            no_script = true;
        } else if (scim::store::isError(*reply) && ngx_http_scim_on_error_reply(ctx, *reply)) {
            return;
        }
    }
    if (no_script && !ctx->resent_as_eval) {
        ctx->resent_as_eval = true;  // the script cache was flushed
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, ctx->request->connection->log, 0,
                       "scim: NOSCRIPT in a batch, re-sending it with EVAL");
        ngx_http_scim_advance(ctx, ctx->command);
        return;
    }
    ngx_http_scim_advance(ctx, ctx->exchange->onReplies(replies));
}

// One reply (or nullptr: the connection is gone) of a batch's command.
// The call lives until every command's callback has run.
void ngx_http_scim_on_batch_reply(redisReply *reply, void *privdata) noexcept {
    auto *slot = static_cast<ngx_http_scim_batch_slot_t *>(privdata);
    ngx_http_scim_call_t *call = slot->call;
    const size_t index = slot->index;
    ngx_http_scim_observe_reply(call, reply);
    if (--call->awaiting > 0) {
        if (reply == nullptr) {
            call->lost = true;
        } else if (call->ctx != nullptr && !call->lost) {
            call->kept[index] = ngx_http_scim_redis_reply_copy(*reply);
            call->lost = call->kept[index] == nullptr;
            ngx_log_debug2(NGX_LOG_DEBUG_HTTP, call->timer.log, 0,
                           "scim: redis reply %uz of a batch kept, %uz to come", index,
                           call->awaiting);
        }
        return;
    }
    std::unique_ptr<ngx_http_scim_call_t> done(call);
    ngx_http_scim_ctx_t *ctx = call->ctx;
    if (call->timer.timer_set) ngx_del_timer(&call->timer);
    if (ctx == nullptr || ngx_http_scim_redis().exiting()) {  // nobody waits any more
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, ngx_cycle->log, 0,
                       "scim: redis replies of a batch of %uz dropped: the request is gone",
                       call->kept.size());
        return;
    }
    ctx->call = nullptr;
    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, ctx->request->connection->log, 0,
                   "scim: redis replies of a batch of %uz: last %s", call->kept.size(),
                   reply ? ngx_http_scim_reply_type(*reply) : "none");
    try {
        ngx_http_scim_on_batch_done(ctx, call, reply, index);
    } catch (const std::exception &e) {
        ngx_log_error(NGX_LOG_ERR, ctx->request->connection->log, 0, "scim: %s", e.what());
        ngx_http_scim_finish(ctx, scim::errorResponse(scim::internalError("internal error")));
    }
}

// Queues every command of a batch on the link, which writes them together.
// Commands queued before one that fails still get their callbacks: the
// call, detached, outlives the failure until they have run.
bool ngx_http_scim_send_batch(ngx_http_scim_ctx_t *ctx, scim::store::Command command) {
    auto &link = ngx_http_scim_redis();
    if (!link.accepting()) return false;
    const size_t n = command.batch.size();
    auto *call = new ngx_http_scim_call_t(ctx, ngx_http_scim_command_kind(ctx, command.batch.front()));
    call->timer.data = call;
    call->timer.handler = ngx_http_scim_on_command_timeout;
    call->timer.log = ctx->request->connection->log;
    try {
        call->slots.reserve(n);  // the slots' addresses go to the link
        for (size_t i = 0; i < n; ++i) call->slots.push_back({call, i});
        call->kept.assign(n, nullptr);
    } catch (...) {
        delete call;
        throw;
    }
    for (size_t i = 0; i < n; ++i) {
        // Reads only: no reply is held for WAIT.
        if (!link.send(command.batch[i].argv(ctx->resent_as_eval), ngx_http_scim_on_batch_reply,
                       &call->slots[i], false)) {
            call->ctx = nullptr;
            if (call->awaiting == 0) delete call;
            return false;
        }
        call->awaiting++;
    }
    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, call->timer.log, 0,
                   "scim: redis batch of %uz commands sent on connection *%uA", n,
                   link.connection_number());
    ngx_add_timer(&call->timer, link.command_timeout());
    ctx->command = std::move(command);
    ctx->call = call;
    return true;
}

// The backoff wait is over: send the command the exchange deferred.
void ngx_http_scim_on_backoff_done(ngx_event_t *ev) noexcept {
    auto *ctx = static_cast<ngx_http_scim_ctx_t *>(ev->data);
    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, ev->log, 0, "scim: backoff over, sending the retry");
    try {
        if (!ngx_http_scim_send_command(ctx, std::move(ctx->delayed))) {
            ngx_http_scim_finish(ctx,
                                 ngx_http_scim_unavailable_response("the store is unavailable"));
        }
    } catch (const std::exception &e) {
        ngx_log_error(NGX_LOG_ERR, ev->log, 0, "scim: %s", e.what());
        ngx_http_scim_finish(ctx, scim::errorResponse(scim::internalError("internal error")));
    }
}

// Waits on a timer instead of sending now. The timer belongs to the
// request context, so a request finalized meanwhile takes it along.
void ngx_http_scim_defer_command(ngx_http_scim_ctx_t *ctx, scim::store::Command command) {
    unsigned wait = command.delayMillis;
    command.delayMillis = 0;
    ctx->delayed = std::move(command);
    ctx->backoff.data = ctx;
    ctx->backoff.handler = ngx_http_scim_on_backoff_done;
    ctx->backoff.log = ctx->request->connection->log;
    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, ctx->backoff.log, 0, "scim: retry in %ui ms",
                   static_cast<ngx_uint_t>(wait));
    ngx_add_timer(&ctx->backoff, wait);
}

}  // namespace

ngx_http_scim_ctx_t::~ngx_http_scim_ctx_t() {
    if (call != nullptr) ngx_http_scim_detach_call(call);
    if (backoff.timer_set) ngx_del_timer(&backoff);
}

bool ngx_http_scim_send_command(ngx_http_scim_ctx_t *ctx, scim::store::Command command) {
    if (command.isBatch()) return ngx_http_scim_send_batch(ctx, std::move(command));
    auto &link = ngx_http_scim_redis();
    if (!link.accepting()) return false;
    auto *call = new ngx_http_scim_call_t(ctx, ngx_http_scim_command_kind(ctx, command));
    call->timer.data = call;
    call->timer.handler = ngx_http_scim_on_command_timeout;
    call->timer.log = ctx->request->connection->log;
    // Not cancelable: a graceful shutdown waits for in-flight requests.
    // A write's reply may be held until WAIT confirms it; the timer above
    // still bounds the request.
    bool write = call->kind == scim::metrics::RedisKind::Write &&
                 !(command.script && command.script->readOnly);
    if (!link.send(command.argv(ctx->resent_as_eval), ngx_http_scim_on_reply, call, write)) {
        delete call;
        return false;
    }
    // The command's name only: its arguments may hold secrets and personal data.
    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, call->timer.log, 0,
                   "scim: redis command %s sent on connection *%uA%s",
                   command.script ? command.script->name
                   : command.args.empty() ? "(none)" : command.args[0].c_str(),
                   link.connection_number(), command.script ? " (script)" : "");
    ngx_add_timer(&call->timer, link.command_timeout());
    ctx->command = std::move(command);
    ctx->call = call;
    return true;
}

void ngx_http_scim_advance(ngx_http_scim_ctx_t *ctx, scim::Exchange::Step step) {
    if (auto *response = std::get_if<scim::Response>(&step)) {
        ngx_http_scim_finish(ctx, *response);
        return;
    }
    auto &command = std::get<scim::store::Command>(step);
    if (command.delayMillis > 0) {
        ngx_http_scim_defer_command(ctx, std::move(command));
        return;
    }
    if (!ngx_http_scim_send_command(ctx, std::move(command))) {
        ngx_http_scim_finish(
            ctx, ngx_http_scim_unavailable_response("the store is unavailable; retry later"));
    }
}

scim::StoreFacts *ngx_http_scim_store_facts() noexcept {
    static scim::StoreFacts facts;  // per process: each worker learns its own
    return &facts;
}
