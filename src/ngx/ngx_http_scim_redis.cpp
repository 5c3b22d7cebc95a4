#include "ngx_http_scim_redis.hpp"

#include "ngx_http_scim_metrics.hpp"

#include <sys/ioctl.h>

#include "scim/service.hpp"
#include "scim/store/keys.hpp"
#include "scim/store/reply.hpp"
#include "scim/store/scripts.hpp"

namespace {

constexpr ngx_msec_t kBackoffBase = 100;
constexpr ngx_msec_t kBackoffMax = 10000;

ngx_http_scim_redis_link *link_of(const redisAsyncContext *ac) {
    return static_cast<ngx_http_scim_redis_link *>(ac->data);
}

}  // namespace

// The hiredis ↔ ngx_event adapter. hiredis calls these to (un)register
// interest; nginx calls the handlers when the socket is ready.
struct ngx_http_scim_redis_events {
    static void on_read(ngx_event_t *ev) {
        auto *c = static_cast<ngx_connection_t *>(ev->data);
        auto *ac = static_cast<redisAsyncContext *>(c->data);
        ngx_http_scim_redis_link *link = link_of(ac);
        ngx_socket_t fd = c->fd;
        for (;;) {
            redisAsyncHandleRead(ac);
            if (link->ac_ != ac) return;  // freed while handling the reply
            int pending = 0;
            if (ioctl(fd, FIONREAD, &pending) == -1 || pending <= 0) return;
        }
    }

    static void on_write(ngx_event_t *ev) {
        auto *c = static_cast<ngx_connection_t *>(ev->data);
        redisAsyncHandleWrite(static_cast<redisAsyncContext *>(c->data));
    }

    static ngx_uint_t event_flags() {
        return (ngx_event_flags & NGX_USE_CLEAR_EVENT) ? static_cast<ngx_uint_t>(NGX_CLEAR_EVENT)
                                                       : static_cast<ngx_uint_t>(NGX_LEVEL_EVENT);
    }

    static void add_read(void *data) {
        auto *c = static_cast<ngx_connection_t *>(data);
        if (!c->read->active) ngx_add_event(c->read, NGX_READ_EVENT, event_flags());
    }

    static void del_read(void *data) {
        auto *c = static_cast<ngx_connection_t *>(data);
        if (c->read->active) ngx_del_event(c->read, NGX_READ_EVENT, 0);
    }

    static void add_write(void *data) {
        auto *c = static_cast<ngx_connection_t *>(data);
        if (!c->write->active) ngx_add_event(c->write, NGX_WRITE_EVENT, event_flags());
    }

    static void del_write(void *data) {
        auto *c = static_cast<ngx_connection_t *>(data);
        if (c->write->active) ngx_del_event(c->write, NGX_WRITE_EVENT, 0);
    }

    // hiredis is freeing the context: nginx closes the socket, and hiredis
    // must not close it a second time.
    static void cleanup(void *data) {
        auto *c = static_cast<ngx_connection_t *>(data);
        auto *ac = static_cast<redisAsyncContext *>(c->data);
        ngx_close_connection(c);
        ac->c.fd = -1;
        ac->ev.data = nullptr;
        ngx_http_scim_redis_link *link = link_of(ac);
        if (link->ac_ == ac) {
            link->ac_ = nullptr;
            link->on_gone();
        }
    }

    static bool attach(redisAsyncContext *ac, ngx_log_t *log) {
        ngx_connection_t *c = ngx_get_connection(ac->c.fd, log);
        if (c == nullptr) return false;
        c->data = ac;
        c->read->handler = on_read;
        c->write->handler = on_write;
        c->read->log = log;
        c->write->log = log;
        ac->ev.data = c;
        ac->ev.addRead = add_read;
        ac->ev.delRead = del_read;
        ac->ev.addWrite = add_write;
        ac->ev.delWrite = del_write;
        ac->ev.cleanup = cleanup;
        return true;
    }

    static void connected(const redisAsyncContext *ac, int status) {
        link_of(ac)->on_connected(status);
    }

    static void handshake_reply(redisAsyncContext *ac, void *reply, void *step) {
        if (reply == nullptr) return;  // the context is going away
        link_of(ac)->on_handshake_reply(static_cast<redisReply *>(reply),
                                        static_cast<const char *>(step));
    }

    static void connect_timeout(ngx_event_t *ev) {
        auto *link = static_cast<ngx_http_scim_redis_link *>(ev->data);
        link->reset("connect timed out");
    }

    static void reconnect(ngx_event_t *ev) {
        static_cast<ngx_http_scim_redis_link *>(ev->data)->connect();
    }
};

using events = ngx_http_scim_redis_events;

ngx_http_scim_redis_link &ngx_http_scim_redis() {
    static ngx_http_scim_redis_link link;
    return link;
}

void ngx_http_scim_redis_link::start(const ngx_http_scim_redis_conf_t *conf, ngx_log_t *log) noexcept {
    conf_ = conf;
    log_ = log;
    exiting_ = false;
    // Both timers are cancelable: they must not hold a worker that is
    // shutting down gracefully.
    for (ngx_event_t *t : {&connect_timer_, &reconnect_timer_}) {
        ngx_memzero(t, sizeof(ngx_event_t));
        t->data = this;
        t->log = log;
        t->cancelable = 1;
    }
    connect_timer_.handler = events::connect_timeout;
    reconnect_timer_.handler = events::reconnect;
    connect();
}

void ngx_http_scim_redis_link::stop() noexcept {
    exiting_ = true;
    ngx_http_scim_metrics_redis_up(false);  // metrics hook
    if (connect_timer_.timer_set) ngx_del_timer(&connect_timer_);
    if (reconnect_timer_.timer_set) ngx_del_timer(&reconnect_timer_);
    if (ac_ != nullptr) redisAsyncFree(ac_);
    ac_ = nullptr;
}

bool ngx_http_scim_redis_link::accepting() const noexcept {
    // Queue behind the very first connect of a worker; once the store has
    // been lost, answer fast until a reconnect has succeeded.
    return state_ == State::Ready || (state_ == State::Connecting && attempts_ == 0);
}

ngx_uint_t ngx_http_scim_redis_link::retry_after() const noexcept {
    return next_delay_ / 1000 + 1;
}

bool ngx_http_scim_redis_link::send(const std::vector<std::string> &argv, redisCallbackFn *fn,
                                    void *privdata) noexcept {
    if (ac_ == nullptr || (ac_->c.flags & (REDIS_DISCONNECTING | REDIS_FREEING))) return false;
    std::vector<const char *> args;
    std::vector<size_t> lens;
    args.reserve(argv.size());
    lens.reserve(argv.size());
    for (const std::string &a : argv) {
        args.push_back(a.data());
        lens.push_back(a.size());
    }
    return redisAsyncCommandArgv(ac_, fn, privdata, static_cast<int>(args.size()), args.data(),
                                 lens.data()) == REDIS_OK;
}

void ngx_http_scim_redis_link::reset(const char *reason) noexcept {
    if (ac_ == nullptr) return;
    if (state_ == State::Ready) {
        ngx_log_error(NGX_LOG_ERR, log_, 0, "scim: redis %s: %s, reconnecting",
                      conf_->display.c_str(), reason);
        failure_logged_ = true;
    } else if (!failure_logged_) {
        ngx_log_error(NGX_LOG_ERR, log_, 0, "scim: redis %s: %s", conf_->display.c_str(), reason);
        failure_logged_ = true;
    }
    redisAsyncFree(ac_);  // runs pending callbacks with NULL, then cleanup → on_gone
}

void ngx_http_scim_redis_link::connect() noexcept {
    if (exiting_ || ac_ != nullptr) return;
    redisAsyncContext *ac = conf_->unix_path.empty()
                                ? redisAsyncConnect(conf_->host.c_str(), conf_->port)
                                : redisAsyncConnectUnix(conf_->unix_path.c_str());
    if (ac == nullptr || ac->err) {
        if (!failure_logged_) {
            ngx_log_error(NGX_LOG_ERR, log_, 0, "scim: redis %s: cannot connect: %s",
                          conf_->display.c_str(), ac ? ac->errstr : "out of memory");
            failure_logged_ = true;
        }
        if (ac) redisAsyncFree(ac);
        state_ = State::Down;
        schedule_reconnect();
        return;
    }
    ac->data = this;
    if (!events::attach(ac, log_)) {
        redisAsyncFree(ac);
        state_ = State::Down;
        schedule_reconnect();
        return;
    }
    ac_ = ac;
    state_ = State::Connecting;
    redisAsyncSetConnectCallback(ac, events::connected);
    ngx_add_timer(&connect_timer_, conf_->connect_timeout);
    handshake();
}

// Queued right away, so these go out first on the new connection, before
// any request's command.
void ngx_http_scim_redis_link::handshake() noexcept {
    static const char *const kAuth = "AUTH", *const kSelect = "SELECT",
                             *const kScript = "SCRIPT LOAD", *const kLayoutInit = "layout init",
                             *const kLayout = "layout";
    if (!conf_->password.empty()) send({"AUTH", conf_->password}, events::handshake_reply, (void *)kAuth);
    if (conf_->db != 0) send({"SELECT", std::to_string(conf_->db)}, events::handshake_reply, (void *)kSelect);
    for (const scim::store::Script *s : scim::store::allScripts()) {
        send({"SCRIPT", "LOAD", s->source}, events::handshake_reply, (void *)kScript);
    }
    std::string version = std::to_string(scim::store::kLayoutVersion);
    send({"SET", conf_->layout_key, version, "NX"}, events::handshake_reply, (void *)kLayoutInit);
    send({"GET", conf_->layout_key}, events::handshake_reply, (void *)kLayout);
}

void ngx_http_scim_redis_link::on_connected(int status) noexcept {
    if (connect_timer_.timer_set) ngx_del_timer(&connect_timer_);
    if (status != REDIS_OK && !failure_logged_) {
        ngx_log_error(NGX_LOG_ERR, log_, 0, "scim: redis %s: connect failed: %s",
                      conf_->display.c_str(), ac_ ? ac_->errstr : "unknown error");
        failure_logged_ = true;
    }
    // On failure hiredis frees the context next; cleanup → on_gone.
}

void ngx_http_scim_redis_link::on_handshake_reply(redisReply *reply, const char *step) noexcept {
    if (scim::store::isError(*reply)) {
        std::string why = std::string(step) + " failed: " + std::string(scim::store::text(*reply));
        reset(why.c_str());
        return;
    }
    if (std::string_view(step) != "layout") return;
    std::string want = std::to_string(scim::store::kLayoutVersion);
    if (scim::store::text(*reply) != want) {
        std::string why = "store layout version \"" + std::string(scim::store::text(*reply)) +
                          "\" is incompatible with this module's version " + want;
        failure_logged_ = false;  // always say why
        reset(why.c_str());
        return;
    }
    set_state(State::Ready, nullptr);
}

void ngx_http_scim_redis_link::set_state(State s, const char *) noexcept {
    if (s == State::Ready) {
        ngx_uint_t level = attempts_ ? NGX_LOG_NOTICE : NGX_LOG_INFO;
        ngx_log_error(level, log_, 0,
                      attempts_ ? "scim: redis %s: connection restored" : "scim: redis %s: connected",
                      conf_->display.c_str());
        if (attempts_) ngx_http_scim_metrics_redis_reconnect();  // metrics hook
        ngx_http_scim_metrics_redis_up(true);                  // metrics hook
        attempts_ = 0;
        next_delay_ = 0;
        failure_logged_ = false;
        scim::onStoreConnected();
    }
    state_ = s;
}

void ngx_http_scim_redis_link::on_gone() noexcept {
    if (connect_timer_.timer_set) ngx_del_timer(&connect_timer_);
    if (exiting_) return;
    ngx_http_scim_metrics_redis_up(false);  // metrics hook
    if (state_ == State::Ready) {
        ngx_http_scim_metrics_redis_error(scim::metrics::RedisError::Disconnect);  // metrics hook
    }
    if (state_ == State::Ready && !failure_logged_) {
        ngx_log_error(NGX_LOG_ERR, log_, 0, "scim: redis %s: connection lost, reconnecting",
                      conf_->display.c_str());
        failure_logged_ = true;
    }
    state_ = State::Down;
    schedule_reconnect();
}

void ngx_http_scim_redis_link::schedule_reconnect() noexcept {
    if (exiting_ || reconnect_timer_.timer_set) return;
    // Exponential backoff with ±25 % jitter, so that workers do not
    // reconnect in lockstep.
    ngx_msec_t delay = kBackoffBase << (attempts_ < 7 ? attempts_ : 7);
    if (delay > kBackoffMax) delay = kBackoffMax;
    delay = delay * 3 / 4 + static_cast<ngx_msec_t>(ngx_random()) % (delay / 2 + 1);
    attempts_++;
    next_delay_ = delay;
    ngx_add_timer(&reconnect_timer_, delay);
}
