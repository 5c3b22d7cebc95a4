// scim_redis_wait_replicas: group commit behind WAIT on a link.
//
// A write's reply is held instead of answered; one WAIT goes out for every
// write whose reply is held and none is in flight, and covers them all
// (scim::store::GroupCommit). When WAIT says enough replicas have them,
// they are answered as Redis answered them; otherwise each gets an
// UNCONFIRMED error (503 with Retry-After: the write ran on the master but
// may be lost in a failover, so it is never resent). Error replies (no
// write happened) and reads are answered at once. A lost connection answers
// the held writes with nullptr (503), as any command in flight.
#include "ngx_http_scim_redis.hpp"
#include "ngx_http_scim_redis_reply.hpp"

#include "scim/store/reply.hpp"

struct ngx_http_scim_redis_link::held_t {
    ngx_http_scim_redis_link *link;
    ngx_http_scim_redis_reply_fn fn;
    void *privdata;
    redisReply *reply = nullptr;  // adopted from the connection
};

struct ngx_http_scim_redis_link::wait_events {
    static void write_reply(redisReply *reply, void *privdata) noexcept {
        auto *held = static_cast<held_t *>(privdata);
        held->link->on_write_reply(reply, held);
    }

    static void wait_reply(redisReply *reply, void *privdata) noexcept {
        static_cast<ngx_http_scim_redis_link *>(privdata)->on_wait_reply(reply);
    }
};

ngx_http_scim_redis_link::held_t *ngx_http_scim_redis_link::hold_write(
    ngx_http_scim_redis_reply_fn &fn, void *&privdata) noexcept {
    auto *held = new (std::nothrow) held_t{this, fn, privdata};
    if (held == nullptr) return nullptr;
    fn = wait_events::write_reply;
    privdata = held;
    return held;
}

void ngx_http_scim_redis_link::drop_held(held_t *held) noexcept {
    delete held;  // never sent: its callback never runs
}

void ngx_http_scim_redis_link::on_write_reply(redisReply *reply, held_t *held) noexcept {
    if (reply == nullptr || scim::store::isError(*reply) || exiting_) {
        ngx_http_scim_redis_reply_fn fn = held->fn;
        void *privdata = held->privdata;
        delete held;
        fn(reply, privdata);
        return;
    }
    conn_.adopt_reply();
    held->reply = reply;
    bool send_now = false;
    try {
        send_now = commits_.hold(held);
    } catch (...) {
        ngx_http_scim_redis_reply_free(reply);
        ngx_http_scim_redis_reply_fn fn = held->fn;
        void *privdata = held->privdata;
        delete held;
        fn(nullptr, privdata);  // out of memory: unknown outcome, 503
        return;
    }
    ngx_log_debug2(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: redis write reply held for WAIT (%uz held%s)",
                   commits_.held(), send_now ? ", sending WAIT" : "");
    if (send_now) send_wait();
}

void ngx_http_scim_redis_link::send_wait() noexcept {
    bool sent = false;
    try {
        sent = conn_.send(scim::store::waitCommand(conf_->wait_replicas, conf_->wait_timeout),
                          wait_events::wait_reply, this);
    } catch (...) {
    }
    if (!sent) on_wait_reply(nullptr);
}

void ngx_http_scim_redis_link::on_wait_reply(redisReply *reply) noexcept {
    std::vector<held_t *> held = commits_.release();  // callbacks may hold new writes
    bool confirmed = reply != nullptr && scim::store::waitConfirms(*reply, conf_->wait_replicas);
    std::string why;
    redisReply refusal{};
    if (reply != nullptr && !confirmed) {
        try {
            why = scim::store::unconfirmedWriteText(*reply, conf_->wait_replicas, conf_->wait_timeout);
        } catch (...) {
            reply = nullptr;  // out of memory: answer as a lost connection
        }
        refusal.type = REDIS_REPLY_ERROR;
        refusal.str = why.data();
        refusal.len = why.size();
        ngx_log_error(NGX_LOG_WARN, log_, 0, "scim: redis %s: %s: %uz writes get 503",
                      conf_->display.c_str(), why.c_str(), held.size());
    }
    ngx_log_debug2(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: redis WAIT %s for %uz writes",
                   confirmed ? "confirmed" : "did not confirm", held.size());
    for (held_t *h : held) {
        redisReply *answer = reply == nullptr ? nullptr : confirmed ? h->reply : &refusal;
        h->fn(answer, h->privdata);
        ngx_http_scim_redis_reply_free(h->reply);
        delete h;
    }
}
