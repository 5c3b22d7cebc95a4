#include "ngx_http_scim_redis.hpp"

#include "ngx_http_scim_document_cache.hpp"
#include "ngx_http_scim_metrics.hpp"
#include "ngx_http_scim_request.hpp"

#include "scim/service/service.hpp"
#include "scim/store/keys.hpp"
#include "scim/store/reply.hpp"
#include "scim/store/scripts.hpp"

namespace {

constexpr ngx_msec_t kBackoffBase = 100;
constexpr ngx_msec_t kBackoffMax = 10000;
// A read-only server is re-checked at least this often, so that a DNS or
// VIP failover is followed within about a second.
constexpr ngx_msec_t kRefreshMax = 1000;
// A deliberate reconnect waits this long for in-flight replies, this often.
constexpr ngx_msec_t kRefreshWait = 20;
constexpr ngx_uint_t kRefreshWaits = 10;

const char *ngx_http_scim_redis_step_name(int step) {
    static const char *const names[] = {"AUTH",        "SELECT", "ROLE", "SCRIPT LOAD",
                                        "layout check", "layout init", "layout check"};
    return names[step];
}

// Exponential, capped, with ±25 % jitter so that workers do not move in
// lockstep.
ngx_msec_t ngx_http_scim_redis_jittered(ngx_uint_t step, ngx_msec_t cap) {
    ngx_msec_t delay = kBackoffBase << (step < 7 ? step : 7);
    if (delay > cap) delay = cap;
    return delay * 3 / 4 + static_cast<ngx_msec_t>(ngx_random()) % (delay / 2 + 1);
}

}  // namespace

struct ngx_http_scim_redis_link::events {
    static void step_reply(redisReply *reply, void *privdata) {
        auto *ref = static_cast<step_ref_t *>(privdata);
        ref->link->on_step_reply(reply, ref->step);
    }

    static void connect_timeout(ngx_event_t *ev) {
        auto *link = static_cast<ngx_http_scim_redis_link *>(ev->data);
        const char *stage = link->resolving_ != nullptr ? "resolving the name"
                            : !link->conn_.up()         ? "connecting"
                                                        : "the handshake";
        char why[128];
        ngx_snprintf(reinterpret_cast<u_char *>(why), sizeof(why),
                     "%s did not finish within scim_redis_connect_timeout (%Mms)%Z", stage,
                     link->conf_->connect_timeout);
        link->fail(why);
    }

    static void reconnect(ngx_event_t *ev) {
        static_cast<ngx_http_scim_redis_link *>(ev->data)->connect();
    }

    static void refresh(ngx_event_t *ev) {
        static_cast<ngx_http_scim_redis_link *>(ev->data)->refresh();
    }

    static void resolved(ngx_resolver_ctx_t *ctx) {
        static_cast<ngx_http_scim_redis_link *>(ctx->data)->on_resolved(ctx);
    }
};

void ngx_http_scim_redis_link::start(const ngx_http_scim_redis_conf_t *conf, ngx_log_t *log) noexcept {
    conf_ = conf;
    log_ = log;
    exiting_ = false;
    // Cancelable: they must not hold a worker that is shutting down.
    for (ngx_event_t *t : {&connect_timer_, &reconnect_timer_, &refresh_timer_}) {
        ngx_memzero(t, sizeof(ngx_event_t));
        t->data = this;
        t->log = log;
        t->cancelable = 1;
    }
    connect_timer_.handler = events::connect_timeout;
    reconnect_timer_.handler = events::reconnect;
    refresh_timer_.handler = events::refresh;
    for (int i = 0; i < 7; i++) steps_[i] = {this, static_cast<Step>(i)};
    if (conf->sentinel != nullptr) sentinel_.start(conf->sentinel, log);
    connect();
}

void ngx_http_scim_redis_link::stop() noexcept {
    exiting_ = true;
    ngx_http_scim_metrics_redis_up(false);  // metrics hook
    for (ngx_event_t *t : {&connect_timer_, &reconnect_timer_, &refresh_timer_}) {
        if (t->timer_set) ngx_del_timer(t);
    }
    if (resolving_ != nullptr) {
        ngx_resolve_name_done(resolving_);
        resolving_ = nullptr;
    }
    sentinel_.stop();
    conn_.close();
    fail_waiting();
    state_ = State::Idle;
}

bool ngx_http_scim_redis_link::accepting() const noexcept {
    // Queue behind the very first connect of a worker and behind a
    // deliberate reconnect; once the store has been lost, answer fast until
    // a reconnect has succeeded.
    bool connecting = state_ == State::Connecting || state_ == State::Resolving;
    return state_ == State::Ready || (connecting && (attempts_ == 0 || refreshing_));
}

ngx_uint_t ngx_http_scim_redis_link::retry_after() const noexcept {
    return next_delay_ / 1000 + 1;
}

// Before the connection is opened (a name or the master being looked up),
// commands wait in the link and go out right after the handshake.
bool ngx_http_scim_redis_link::send(std::vector<std::string> argv,
                                    ngx_http_scim_redis_reply_fn fn, void *privdata,
                                    bool write) noexcept {
    held_t *held = nullptr;
    if (write && conf_ != nullptr && conf_->wait_replicas > 0) {
        held = hold_write(fn, privdata);  // fn and privdata are now the link's
        if (held == nullptr) return false;
    }
    if (queue(std::move(argv), fn, privdata)) return true;
    drop_held(held);
    return false;
}

bool ngx_http_scim_redis_link::queue(std::vector<std::string> argv,
                                     ngx_http_scim_redis_reply_fn fn, void *privdata) noexcept {
    if (conn_.opened() || state_ != State::Resolving) return conn_.send(argv, fn, privdata);
    try {
        waiting_.push_back({std::move(argv), fn, privdata});
    } catch (...) {
        return false;
    }
    return true;
}

void ngx_http_scim_redis_link::send_waiting() noexcept {
    std::deque<waiting_t> waiting;
    waiting.swap(waiting_);
    for (waiting_t &w : waiting) {
        if (!conn_.send(w.argv, w.fn, w.privdata)) w.fn(nullptr, w.privdata);
    }
}

void ngx_http_scim_redis_link::fail_waiting() noexcept {
    std::deque<waiting_t> waiting;
    waiting.swap(waiting_);  // callbacks may send again
    for (const waiting_t &w : waiting) w.fn(nullptr, w.privdata);
}

void ngx_http_scim_redis_link::connect() noexcept {
    if (exiting_ || conn_.opened() || resolving_ != nullptr || sentinel_.locating()) return;
    if (connect_timer_.timer_set) ngx_del_timer(&connect_timer_);
    if (conf_->sentinel != nullptr) {
        state_ = State::Resolving;
        sentinel_.locate();  // each sentinel has its own timeout; then connect_to()
        return;
    }
    ngx_add_timer(&connect_timer_, conf_->connect_timeout);
    if (conf_->resolver != nullptr) {
        connect_to(conf_->host, conf_->port);
    } else {
        open(conf_->peer);
    }
}

// A name goes through the resolver, an address straight to open().
void ngx_http_scim_redis_link::connect_to(const std::string &host, in_port_t port) noexcept {
    try {
        target_host_ = host;
        target_port_ = port;
    } catch (...) {
        fail("out of memory");
        return;
    }
    ngx_http_scim_redis_peer_t peer;
    if (ngx_http_scim_redis_peer_from_ip(host, port, peer)) {
        open(peer);
    } else if (conf_->resolver != nullptr) {
        resolve();
    } else {
        std::string why = "the sentinels name the master \"" + host +
                          "\": a host name needs a `resolver` in the http{} block";
        fail(why.c_str(), true);
    }
}

// Every (re)connect resolves again: the resolver's cache honours the
// record's TTL and `valid=`.
void ngx_http_scim_redis_link::resolve() noexcept {
    state_ = State::Resolving;
    ngx_resolver_ctx_t *ctx = ngx_resolve_start(conf_->resolver, nullptr);
    if (ctx == nullptr || ctx == NGX_NO_RESOLVER) {
        fail("cannot start resolving the name");
        return;
    }
    ctx->name.data = reinterpret_cast<u_char *>(const_cast<char *>(target_host_.data()));
    ctx->name.len = target_host_.size();
    ctx->handler = events::resolved;
    ctx->data = this;
    ctx->timeout = conf_->connect_timeout;
    resolving_ = ctx;
    ngx_log_debug1(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: redis resolving \"%V\"", &ctx->name);
    if (ngx_resolve_name(ctx) != NGX_OK) {  // ctx is freed
        resolving_ = nullptr;
        fail("cannot resolve the name");
    }
}

void ngx_http_scim_redis_link::on_resolved(ngx_resolver_ctx_t *ctx) noexcept {
    resolving_ = nullptr;
    if (ctx->state != 0 || ctx->naddrs == 0) {
        std::string why = "cannot resolve \"" + target_host_ + "\": " +
                          (ctx->state ? ngx_resolver_strerror(ctx->state) : "no address");
        ngx_resolve_name_done(ctx);
        fail(why.c_str());
        return;
    }
    ngx_resolver_addr_t &a = ctx->addrs[resolved_++ % ctx->naddrs];
    ngx_http_scim_redis_peer_t peer;
    try {
        ngx_memcpy(&peer.sockaddr, a.sockaddr, a.socklen);
        peer.socklen = a.socklen;
        ngx_inet_set_port(&peer.sockaddr.sockaddr, target_port_);
        u_char text[NGX_SOCKADDR_STRLEN];
        size_t len = ngx_sock_ntop(&peer.sockaddr.sockaddr, peer.socklen, text,
                                   NGX_SOCKADDR_STRLEN, 1);
        peer.name.assign(reinterpret_cast<char *>(text), len);
    } catch (...) {
        ngx_resolve_name_done(ctx);
        fail("out of memory");
        return;
    }
    ngx_resolve_name_done(ctx);
    ngx_log_debug1(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: redis resolved to %s", peer.name.c_str());
    open(peer);
}

void ngx_http_scim_redis_link::open(const ngx_http_scim_redis_peer_t &peer) noexcept {
    state_ = State::Connecting;
    master_ = true;
    std::string reason;
    const ngx_http_scim_redis_tls_t *tls = conf_->tls.ssl ? &conf_->tls : nullptr;
    if (tls != nullptr && conf_->sentinel != nullptr && tls->server_name.empty()) {
        try {
            master_tls_ = *tls;
            master_tls_.server_name = target_host_;  // as the sentinel announced it
        } catch (...) {
            fail("out of memory");
            return;
        }
        tls = &master_tls_;
    }
    if (!conn_.open(peer, tls, conf_->command_timeout, log_, reason)) {
        fail(reason.c_str());
        return;
    }
    if (!conn_.opened()) return;  // it failed at once; fail() ran
    handshake();
    send_waiting();
}

// Queued at once, so that they go out first on the new connection, before
// any request's command.
void ngx_http_scim_redis_link::handshake() noexcept {
    try {
        bool ok = true;
        if (!conf_->password.empty()) {
            ok = conf_->username.empty()
                     ? send_step({"AUTH", conf_->password}, Step::Auth)
                     : send_step({"AUTH", conf_->username, conf_->password}, Step::Auth);
        }
        if (ok && conf_->db != 0) ok = send_step({"SELECT", std::to_string(conf_->db)}, Step::Select);
        if (ok) ok = send_step({"ROLE"}, Step::Role);
        // Loaded only once authenticated: Redis drops an unauthenticated
        // client that sends a command this large, before its AUTH error
        // can say why.
        if (ok && conf_->password.empty()) ok = load_scripts();
        if (ok && !conf_->layout_key.empty()) ok = send_step({"GET", conf_->layout_key}, Step::Layout);
        if (!ok && conn_.opened()) fail("cannot queue the handshake");
    } catch (...) {
        fail("out of memory");
    }
}

bool ngx_http_scim_redis_link::load_scripts() {
    for (const scim::store::Script *s : scim::store::allScripts()) {
        if (!send_step({"SCRIPT", "LOAD", s->source}, Step::Script)) return false;
    }
    return true;
}

bool ngx_http_scim_redis_link::send_step(const std::vector<std::string> &argv, Step step) noexcept {
    return conn_.send(argv, events::step_reply, &steps_[static_cast<int>(step)]);
}

void ngx_http_scim_redis_link::on_step_reply(redisReply *reply, Step step) noexcept {
    if (reply == nullptr) return;  // the connection is going away; its owner knows
    try {
        if (scim::store::isError(*reply)) {
            std::string why = std::string(ngx_http_scim_redis_step_name(static_cast<int>(step))) +
                              " failed: " + std::string(scim::store::text(*reply));
            fail(why.c_str(), step == Step::Auth);
            return;
        }
        if (step == Step::Auth) {
            if (!load_scripts()) fail("cannot queue the handshake");
            return;
        }
        if (step == Step::Role) {
            master_ = scim::store::isArray(*reply) && scim::store::textAt(*reply, 0) == "master";
            if (!master_ && conf_->sentinel != nullptr) {
                fail("the server the sentinels named is not a master (yet); asking them again");
            } else if (conf_->layout_key.empty()) {
                ready();  // a cluster node: the router checks the layout
            }
            return;
        }
        if (step == Step::Layout || step == Step::LayoutRecheck) on_layout(reply, step);
    } catch (...) {
        fail("out of memory");
    }
}

// GET first; SET NX only on a master that has no layout key yet (a replica
// refuses writes, and a fresh replica would get its key from its master).
void ngx_http_scim_redis_link::on_layout(redisReply *reply, Step step) noexcept {
    std::string want = std::to_string(scim::store::kLayoutVersion);
    if (scim::store::isNil(*reply) && step == Step::Layout) {
        if (!master_) {
            fail("the store has no layout version and the server is a replica", true);
            return;
        }
        if (!send_step({"SET", conf_->layout_key, want, "NX"}, Step::LayoutInit) ||
            !send_step({"GET", conf_->layout_key}, Step::LayoutRecheck)) {
            fail("cannot queue the layout check");
        }
        return;
    }
    if (scim::store::text(*reply) != want) {
        std::string why = "store layout version \"" + std::string(scim::store::text(*reply)) +
                          "\" is incompatible with this module's version " + want;
        fail(why.c_str(), true);  // always say why
        return;
    }
    ready();
}

void ngx_http_scim_redis_link::ready() noexcept {
    if (connect_timer_.timer_set) ngx_del_timer(&connect_timer_);
    bool was_read_only = read_only_;
    read_only_ = !master_;
    if (refreshing_) {
        if (was_read_only && !read_only_) {
            ngx_log_error(NGX_LOG_NOTICE, log_, 0, "scim: redis %s: connected to a master at %s",
                          conf_->display.c_str(), conn_.peer_name().c_str());
        }
    } else {
        ngx_uint_t level = attempts_ ? NGX_LOG_NOTICE : NGX_LOG_INFO;
        ngx_log_error(level, log_, 0,
                      attempts_ ? "scim: redis %s: connection restored (%s%s)"
                                : "scim: redis %s: connected (%s%s)",
                      conf_->display.c_str(), conn_.peer_name().c_str(),
                      read_only_ ? ", a read-only replica" : "");
    }
    if (attempts_) ngx_http_scim_metrics_redis_reconnect();  // metrics hook
    ngx_http_scim_metrics_redis_up(true);                  // metrics hook
    refreshing_ = false;
    attempts_ = 0;
    next_delay_ = 0;
    failure_logged_ = false;
    last_logged_.clear();
    state_ = State::Ready;
    note_master();
    scim::onStoreConnected();
    ngx_http_scim_document_cache_clear();
    *ngx_http_scim_store_facts() = scim::StoreFacts{};  // maybe another server now
    if (read_only_) {
        schedule_refresh();
    } else {
        refresh_step_ = 0;
    }
}

void ngx_http_scim_redis_link::on_readonly_reply() noexcept {
    if (state_ != State::Ready) return;
    refuses_writes("is now a read-only replica: reads go on, writes get 503 until a master is found");
}

void ngx_http_scim_redis_link::on_noreplicas_reply() noexcept {
    if (conf_ == nullptr || conf_->sentinel == nullptr || state_ != State::Ready) return;
    refuses_writes("refuses writes for want of replicas: asking the sentinels whether it was replaced");
}

void ngx_http_scim_redis_link::refuses_writes(const char *what) noexcept {
    if (!read_only_) {
        ngx_log_error(NGX_LOG_WARN, log_, 0, "scim: redis %s: the server at %s %s",
                      conf_->display.c_str(), conn_.peer_name().c_str(), what);
        read_only_ = true;
    }
    schedule_refresh();
}

void ngx_http_scim_redis_link::schedule_refresh() noexcept {
    if (exiting_ || refresh_timer_.timer_set) return;
    ngx_msec_t delay = ngx_http_scim_redis_jittered(refresh_step_++, kRefreshMax);
    next_delay_ = delay;
    refresh_waits_ = 0;
    ngx_add_timer(&refresh_timer_, delay);
}

// Reconnects (re-resolving) to look for the master; in-flight replies get
// a moment to come back first.
void ngx_http_scim_redis_link::refresh() noexcept {
    if (state_ != State::Ready || !read_only_) return;
    if (conn_.pending() > 0 && refresh_waits_++ < kRefreshWaits) {
        ngx_add_timer(&refresh_timer_, kRefreshWait);
        return;
    }
    ngx_log_debug0(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: redis reconnecting to look for a master");
    refreshing_ = true;
    conn_.close();
    connect();
}

void ngx_http_scim_redis_link::on_conn_up(ngx_http_scim_redis_conn &) noexcept {
    ngx_log_debug0(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: redis connection up, handshake follows");
}

void ngx_http_scim_redis_link::on_conn_down(ngx_http_scim_redis_conn &, const char *reason) noexcept {
    // A certificate problem needs the operator, whatever came before it.
    fail(reason, ngx_strncmp(reason, "TLS", 3) == 0);
}

// Logs once per burst of failures, drops the connection and schedules the
// next attempt. A reason an operator must act on (`must_tell`: a wrong
// password, a foreign certificate, an incompatible layout) is logged too
// when it is not what the burst's line already said.
void ngx_http_scim_redis_link::fail(const char *reason, bool must_tell) noexcept {
    bool told = false;
    try {
        told = last_logged_ == reason;
    } catch (...) {
    }
    if (!exiting_) ngx_http_scim_metrics_redis_up(false);  // metrics hook
    if (state_ == State::Ready) {
        ngx_http_scim_metrics_redis_error(scim::metrics::RedisError::Disconnect);  // metrics hook
        ngx_log_error(NGX_LOG_ERR, log_, 0, "scim: redis %s: %s, reconnecting",
                      conf_->display.c_str(), reason);
    } else if (!failure_logged_ || (must_tell && !told)) {
        ngx_log_error(NGX_LOG_ERR, log_, 0, "scim: redis %s: %s", conf_->display.c_str(), reason);
    } else {
        told = true;
    }
    if (!told) {
        try {
            last_logged_ = reason;
        } catch (...) {
        }
    }
    failure_logged_ = true;
    abandon_attempt();
    state_ = State::Down;
    refreshing_ = false;
    conn_.close();  // pending callbacks run with nullptr
    fail_waiting();
    if (exiting_) return;
    schedule_reconnect();
}

// Stops whatever the current attempt is waiting for (not the connection).
void ngx_http_scim_redis_link::abandon_attempt() noexcept {
    if (connect_timer_.timer_set) ngx_del_timer(&connect_timer_);
    if (refresh_timer_.timer_set) ngx_del_timer(&refresh_timer_);
    if (resolving_ != nullptr) {
        ngx_resolve_name_done(resolving_);
        resolving_ = nullptr;
    }
    sentinel_.cancel();
}

void ngx_http_scim_redis_link::schedule_reconnect() noexcept {
    if (exiting_ || reconnect_timer_.timer_set) return;
    next_delay_ = ngx_http_scim_redis_jittered(attempts_++, kBackoffMax);
    ngx_add_timer(&reconnect_timer_, next_delay_);
}

void ngx_http_scim_redis_link::on_master_located(const ngx_http_scim_redis_master_t &master) noexcept {
    if (exiting_) return;
    ngx_add_timer(&connect_timer_, conf_->connect_timeout);
    try {
        connect_to(master.host, master.port);
    } catch (...) {
        fail("out of memory");
    }
}

void ngx_http_scim_redis_link::on_master_unknown(const char *reason) noexcept {
    fail(reason);
}

// A sentinel announced a failover: leave the old master now. Commands in
// flight there get nullptr (503 to their requests) and are never resent.
void ngx_http_scim_redis_link::on_master_switched(const ngx_http_scim_redis_master_t &master) noexcept {
    if (exiting_ || state_ == State::Idle) return;
    try {
        if (state_ == State::Ready && conn_.peer_name() == master.display()) return;
    } catch (...) {
    }
    if (state_ == State::Ready) refreshing_ = true;
    if (reconnect_timer_.timer_set) ngx_del_timer(&reconnect_timer_);
    abandon_attempt();
    conn_.close();
    connect();
}

// Counts and logs a new master address (the first one is not a switch).
void ngx_http_scim_redis_link::note_master() noexcept {
    if (conf_->sentinel == nullptr) return;
    try {
        const std::string &now = conn_.peer_name();
        if (!last_master_.empty() && last_master_ != now) {
            ngx_log_error(NGX_LOG_NOTICE, log_, 0, "scim: redis %s: the master is now %s (was %s)",
                          conf_->display.c_str(), now.c_str(), last_master_.c_str());
            ngx_http_scim_metrics_redis_master_switch();  // metrics hook
        }
        last_master_ = now;
    } catch (...) {
    }
}
