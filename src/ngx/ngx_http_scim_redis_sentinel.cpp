#include "ngx_http_scim_redis_sentinel.hpp"

#include "scim/store/reply.hpp"

#include <algorithm>

namespace {

// The channel Sentinel announces failovers on: "<name> <old ip> <old port>
// <new ip> <new port>".
constexpr const char *kSwitchChannel = "+switch-master";
// What the log keeps of one round's failures.
constexpr size_t kMaxFailures = 512;

bool parse_port(std::string_view text, in_port_t &port) {
    if (text.empty() || text.size() > 5) return false;
    unsigned long v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<unsigned long>(c - '0');
    }
    if (v == 0 || v > 65535) return false;
    port = static_cast<in_port_t>(v);
    return true;
}

// A host as Sentinel writes it: an address or a name, never empty, no
// blanks or control bytes.
bool plausible_host(std::string_view host) {
    if (host.empty() || host.size() > 255) return false;
    return std::none_of(host.begin(), host.end(),
                        [](char c) { return static_cast<unsigned char>(c) <= ' '; });
}

}  // namespace

std::string ngx_http_scim_redis_master_t::display() const {
    bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool ngx_http_scim_redis_peer_from_ip(const std::string &host, in_port_t port,
                                      ngx_http_scim_redis_peer_t &peer) noexcept {
    auto *data = reinterpret_cast<u_char *>(const_cast<char *>(host.data()));
    in_addr_t v4 = ngx_inet_addr(data, host.size());
    if (v4 != INADDR_NONE) {
        ngx_memzero(&peer.sockaddr, sizeof(peer.sockaddr));
        peer.sockaddr.sockaddr_in.sin_family = AF_INET;
        peer.sockaddr.sockaddr_in.sin_addr.s_addr = v4;
        peer.socklen = sizeof(struct sockaddr_in);
#if (NGX_HAVE_INET6)
    } else if (host.find(':') != std::string::npos) {
        ngx_memzero(&peer.sockaddr, sizeof(peer.sockaddr));
        if (ngx_inet6_addr(data, host.size(), peer.sockaddr.sockaddr_in6.sin6_addr.s6_addr) !=
            NGX_OK) {
            return false;
        }
        peer.sockaddr.sockaddr_in6.sin6_family = AF_INET6;
        peer.socklen = sizeof(struct sockaddr_in6);
#endif
    } else {
        return false;
    }
    ngx_inet_set_port(&peer.sockaddr.sockaddr, port);
    try {
        peer.name = ngx_http_scim_redis_master_t{host, port}.display();
    } catch (...) {
        return false;
    }
    return true;
}

struct ngx_http_scim_redis_sentinel::events {
    static void reply(redisReply *reply, void *privdata) {
        auto *ref = static_cast<reply_ref_t *>(privdata);
        ref->self->on_reply(reply, ref->kind);
    }

    static void timeout(ngx_event_t *ev) {
        auto *self = static_cast<ngx_http_scim_redis_sentinel *>(ev->data);
        char why[96];
        ngx_snprintf(reinterpret_cast<u_char *>(why), sizeof(why), "no answer within %Mms%Z",
                     self->conf_->timeout);
        self->give_up_on_current(why);
    }

    static void resolved(ngx_resolver_ctx_t *ctx) {
        static_cast<ngx_http_scim_redis_sentinel *>(ctx->data)->on_resolved(ctx);
    }
};

void ngx_http_scim_redis_sentinel::start(const ngx_http_scim_redis_sentinel_conf_t *conf,
                                         ngx_log_t *log) noexcept {
    conf_ = conf;
    log_ = log;
    ngx_memzero(&timer_, sizeof(ngx_event_t));
    timer_.data = this;
    timer_.log = log;
    timer_.handler = events::timeout;
    timer_.cancelable = 1;
    for (int i = 0; i < 5; i++) refs_[i] = {this, static_cast<Reply>(i)};
    watch_.on_push(events::reply, &refs_[static_cast<int>(Reply::Event)]);
    try {
        order_.clear();
        for (size_t i = 0; i < conf->sentinels.size(); i++) order_.push_back(i);
    } catch (...) {
        order_.clear();  // locate() then says so
    }
}

void ngx_http_scim_redis_sentinel::stop() noexcept {
    cancel();
    watch_.close();
}

void ngx_http_scim_redis_sentinel::cancel() noexcept {
    asking_ = false;
    if (timer_.timer_set) ngx_del_timer(&timer_);
    if (resolving_ != nullptr) {
        ngx_resolve_name_done(resolving_);
        resolving_ = nullptr;
    }
    ask_.close();
}

void ngx_http_scim_redis_sentinel::locate() noexcept {
    cancel();
    if (order_.empty()) {
        listener_.on_master_unknown("no sentinel to ask");
        return;
    }
    asking_ = true;
    failures_.clear();
    ask(0);
}

const std::string &ngx_http_scim_redis_sentinel::display_of(size_t index) const noexcept {
    return conf_->sentinels[order_[index]].display;
}

void ngx_http_scim_redis_sentinel::ask(size_t position) noexcept {
    position_ = position;
    attempt_++;
    const auto &s = conf_->sentinels[order_[position]];
    ngx_log_debug2(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: asking sentinel %s where \"%s\" is",
                   s.display.c_str(), conf_->master_name.c_str());
    ngx_add_timer(&timer_, conf_->timeout);
    if (!s.host.empty()) {
        resolve(s);
    } else {
        open_ask(s.peer);
    }
}

void ngx_http_scim_redis_sentinel::resolve(const ngx_http_scim_redis_sentinel_conf_t::sentinel_t &s) noexcept {
    ngx_resolver_ctx_t *ctx = ngx_resolve_start(conf_->resolver, nullptr);
    if (ctx == nullptr || ctx == NGX_NO_RESOLVER) {
        give_up_on_current("cannot start resolving the name");
        return;
    }
    ctx->name.data = reinterpret_cast<u_char *>(const_cast<char *>(s.host.data()));
    ctx->name.len = s.host.size();
    ctx->handler = events::resolved;
    ctx->data = this;
    ctx->timeout = conf_->timeout;
    resolving_ = ctx;
    if (ngx_resolve_name(ctx) != NGX_OK) {  // ctx is freed
        resolving_ = nullptr;
        give_up_on_current("cannot resolve the name");
    }
}

void ngx_http_scim_redis_sentinel::on_resolved(ngx_resolver_ctx_t *ctx) noexcept {
    resolving_ = nullptr;
    if (ctx->state != 0 || ctx->naddrs == 0) {
        const char *why = ctx->state ? ngx_resolver_strerror(ctx->state) : "no address";
        ngx_resolve_name_done(ctx);
        give_up_on_current(why);
        return;
    }
    ngx_http_scim_redis_peer_t peer;
    const auto &s = conf_->sentinels[order_[position_]];
    try {
        ngx_memcpy(&peer.sockaddr, ctx->addrs[0].sockaddr, ctx->addrs[0].socklen);
        peer.socklen = ctx->addrs[0].socklen;
        ngx_inet_set_port(&peer.sockaddr.sockaddr, s.port);
        peer.name = s.display;
    } catch (...) {
        ngx_resolve_name_done(ctx);
        give_up_on_current("out of memory");
        return;
    }
    ngx_resolve_name_done(ctx);
    open_ask(peer);
}

// The sentinel's TLS settings (scim_redis_sentinel_ssl), or nullptr.
const ngx_http_scim_redis_tls_t *ngx_http_scim_redis_sentinel::tls_of(size_t index) const noexcept {
    const ngx_http_scim_redis_tls_t &tls = conf_->sentinels[order_[index]].tls;
    return tls.ssl != nullptr ? &tls : nullptr;
}

// AUTH (when configured) and the question go out together, after the TLS
// handshake when the sentinels speak TLS.
void ngx_http_scim_redis_sentinel::open_ask(const ngx_http_scim_redis_peer_t &peer) noexcept {
    std::string reason;
    ngx_uint_t attempt = attempt_;
    const ngx_http_scim_redis_tls_t *tls = tls_of(position_);
    ngx_log_debug2(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: sentinel %s: connecting%s",
                   peer.name.c_str(), tls ? " over TLS" : "");
    if (!ask_.open(peer, tls, conf_->timeout, log_, reason)) {
        give_up_on_current(reason.c_str());
        return;
    }
    if (attempt != attempt_ || !ask_.opened()) return;  // failed at once; on_conn_down moved on
    try {
        bool ok = true;
        if (!conf_->password.empty()) {
            ok = conf_->username.empty()
                     ? ask_.send({"AUTH", conf_->password}, events::reply, &refs_[0])
                     : ask_.send({"AUTH", conf_->username, conf_->password}, events::reply,
                                 &refs_[0]);
        }
        if (ok) {
            ok = ask_.send({"SENTINEL", "get-master-addr-by-name", conf_->master_name},
                           events::reply, &refs_[static_cast<int>(Reply::Address)]);
        }
        if (!ok && ask_.opened()) give_up_on_current("cannot queue the question");
    } catch (...) {
        give_up_on_current("out of memory");
    }
}

void ngx_http_scim_redis_sentinel::on_reply(redisReply *reply, Reply kind) noexcept {
    if (reply == nullptr) return;  // closed: whoever closed it knows why
    try {
        if (kind == Reply::Event) {
            on_event(*reply);
            return;
        }
        if (scim::store::isError(*reply)) {
            if (kind == Reply::WatchAuth || kind == Reply::Subscribe) {
                ngx_log_error(NGX_LOG_WARN, log_, 0,
                              "scim: redis sentinel %s refused the +switch-master subscription: "
                              "%s; failovers are noticed at the next disconnect",
                              watch_.peer_name().c_str(),
                              std::string(scim::store::text(*reply)).c_str());
                watch_.close();
                return;
            }
            std::string why = (kind == Reply::Auth ? "AUTH failed: " : "") +
                              std::string(scim::store::text(*reply));
            give_up_on_current(why.c_str());
            return;
        }
        if (kind == Reply::Address) on_address(*reply);
    } catch (...) {
        give_up_on_current("out of memory");
    }
}

void ngx_http_scim_redis_sentinel::on_address(const redisReply &reply) {
    if (scim::store::isNil(reply)) {
        give_up_on_current(("does not know a master called \"" + conf_->master_name + "\"").c_str());
        return;
    }
    ngx_http_scim_redis_master_t master;
    if (!scim::store::isArray(reply) || reply.elements != 2 ||
        !parse_port(scim::store::textAt(reply, 1), master.port)) {
        give_up_on_current("answered something other than an address");
        return;
    }
    master.host = std::string(scim::store::textAt(reply, 0));
    if (!plausible_host(master.host)) {
        give_up_on_current("answered something other than an address");
        return;
    }
    answered(master);
}

// The first that answers moves to the front: the next round asks it first.
void ngx_http_scim_redis_sentinel::answered(const ngx_http_scim_redis_master_t &master) noexcept {
    ngx_log_debug3(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: sentinel %s says \"%s\" is at %s",
                   display_of(position_).c_str(), conf_->master_name.c_str(),
                   master.display().c_str());
    std::rotate(order_.begin(), order_.begin() + position_, order_.begin() + position_ + 1);
    ngx_http_scim_redis_peer_t sentinel;
    try {
        sentinel = ask_.peer();
    } catch (...) {
    }
    finish_asking();
    if (sentinel.socklen != 0) watch(sentinel, tls_of(0));  // it is at the front now
    listener_.on_master_located(master);
}

void ngx_http_scim_redis_sentinel::finish_asking() noexcept {
    asking_ = false;
    if (timer_.timer_set) ngx_del_timer(&timer_);
    ask_.close();
}

// This sentinel failed: try the next one, or report the round's failures.
void ngx_http_scim_redis_sentinel::give_up_on_current(const char *why) noexcept {
    if (!asking_) return;
    try {
        if (failures_.size() < kMaxFailures) {
            if (!failures_.empty()) failures_ += "; ";
            failures_ += display_of(position_) + ": " + why;
        }
    } catch (...) {
    }
    if (timer_.timer_set) ngx_del_timer(&timer_);
    if (resolving_ != nullptr) {
        ngx_resolve_name_done(resolving_);
        resolving_ = nullptr;
    }
    ask_.close();
    if (position_ + 1 < order_.size()) {
        ask(position_ + 1);
        return;
    }
    asking_ = false;
    std::string reason;
    try {
        reason = "no sentinel knows where master \"" + conf_->master_name + "\" is (" +
                 failures_ + ")";
    } catch (...) {
    }
    listener_.on_master_unknown(reason.empty() ? "no sentinel answered" : reason.c_str());
}

// One subscription, to the sentinel that answered last. Its loss is not
// an error: disconnects and READONLY still lead to the new master.
void ngx_http_scim_redis_sentinel::watch(const ngx_http_scim_redis_peer_t &peer,
                                         const ngx_http_scim_redis_tls_t *tls) noexcept {
    if (watch_.opened() && watch_.peer_name() == peer.name) return;
    std::string reason;
    ngx_log_debug2(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: sentinel %s: subscribing%s",
                   peer.name.c_str(), tls ? " over TLS" : "");
    if (!watch_.open(peer, tls, conf_->timeout, log_, reason) || !watch_.opened()) {
        ngx_log_debug1(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: sentinel subscription failed: %s",
                       reason.c_str());
        return;
    }
    try {
        bool ok = true;
        if (!conf_->password.empty()) {
            ok = conf_->username.empty()
                     ? watch_.send({"AUTH", conf_->password}, events::reply,
                                   &refs_[static_cast<int>(Reply::WatchAuth)])
                     : watch_.send({"AUTH", conf_->username, conf_->password}, events::reply,
                                   &refs_[static_cast<int>(Reply::WatchAuth)]);
        }
        if (ok) {
            ok = watch_.send({"SUBSCRIBE", kSwitchChannel}, events::reply,
                             &refs_[static_cast<int>(Reply::Subscribe)]);
        }
        if (!ok) watch_.close();
    } catch (...) {
        watch_.close();
    }
}

// ["message", "+switch-master", "<name> <old ip> <old port> <new ip> <new port>"]
void ngx_http_scim_redis_sentinel::on_event(const redisReply &reply) {
    if (!scim::store::isArray(reply) || reply.elements != 3 ||
        scim::store::textAt(reply, 0) != "message" ||
        scim::store::textAt(reply, 1) != kSwitchChannel) {
        return;
    }
    std::string_view text = scim::store::textAt(reply, 2);
    std::vector<std::string_view> words;
    while (!text.empty() && words.size() < 6) {
        size_t end = text.find(' ');
        words.push_back(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    }
    ngx_http_scim_redis_master_t master;
    if (words.size() != 5 || words[0] != conf_->master_name || !plausible_host(words[3]) ||
        !parse_port(words[4], master.port)) {
        return;
    }
    master.host = std::string(words[3]);
    ngx_log_error(NGX_LOG_NOTICE, log_, 0, "scim: redis sentinel %s: +switch-master \"%s\" to %s",
                  watch_.peer_name().c_str(), conf_->master_name.c_str(),
                  master.display().c_str());
    listener_.on_master_switched(master);
}

void ngx_http_scim_redis_sentinel::on_conn_up(ngx_http_scim_redis_conn &conn) noexcept {
    ngx_log_debug1(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: sentinel %s connected",
                   conn.peer_name().c_str());
}

void ngx_http_scim_redis_sentinel::on_conn_down(ngx_http_scim_redis_conn &conn,
                                                const char *reason) noexcept {
    if (&conn == &ask_) {
        give_up_on_current(reason);
        return;
    }
    ngx_log_debug1(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: sentinel subscription lost: %s", reason);
}
