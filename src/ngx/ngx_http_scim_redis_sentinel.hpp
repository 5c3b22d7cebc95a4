// Redis Sentinel discovery: where is the master called `name` now?
//
// Follows the Sentinel client rules: the sentinels are asked in order, each
// with a short timeout, `SENTINEL get-master-addr-by-name`; the first that
// answers moves to the front. The link connects to the address it gets and
// confirms it with ROLE (ngx_http_scim_redis.cpp). A separate connection
// subscribes to `+switch-master` on the front sentinel, so that a failover
// is followed at once rather than at the next disconnect.
//
// Everything runs on nginx's event loop over ngx_http_scim_redis_conn; names
// go through the nginx `resolver` when one is configured. With
// scim_redis_sentinel_ssl on, both connections speak TLS (the
// scim_redis_ssl_* context, each sentinel's own name verified).
#pragma once

#include "ngx_http_scim_redis_conn.hpp"

#include <string>
#include <vector>

struct ngx_http_scim_redis_sentinel_conf_t {
    struct sentinel_t {
        ngx_http_scim_redis_peer_t peer;  // fixed address, or
        std::string host;                 // a name to resolve at run time
        in_port_t port = 26379;
        std::string display;  // as written in nginx.conf
        // scim_redis_sentinel_ssl: the scim_redis_ssl_* context and the name
        // verified (scim_redis_sentinel_ssl_server_name, else its host).
        ngx_http_scim_redis_tls_t tls;
    };
    std::string master_name;
    std::vector<sentinel_t> sentinels;
    ngx_resolver_t *resolver = nullptr;  // for names: the sentinels' and the master's
    std::string username;                // scim_redis_sentinel_username
    std::string password;                // scim_redis_sentinel_password
    ngx_msec_t timeout = 1000;           // per sentinel: connect, AUTH and the answer
};

// A master's address as a sentinel gives it: an IP, or a name when the
// sentinels run with `resolve-hostnames yes`.
struct ngx_http_scim_redis_master_t {
    std::string host;
    in_port_t port = 0;
    std::string display() const;  // host:port, [v6]:port
};

// The address as a peer when `host` is an IP; false for a name.
bool ngx_http_scim_redis_peer_from_ip(const std::string &host, in_port_t port,
                                      ngx_http_scim_redis_peer_t &peer) noexcept;

class ngx_http_scim_redis_sentinel final : ngx_http_scim_redis_conn::owner_t {
public:
    struct listener_t {
        // The answer to locate(); exactly one of the two runs per call.
        virtual void on_master_located(const ngx_http_scim_redis_master_t &master) noexcept = 0;
        virtual void on_master_unknown(const char *reason) noexcept = 0;
        // A sentinel announced +switch-master for our master.
        virtual void on_master_switched(const ngx_http_scim_redis_master_t &master) noexcept = 0;

    protected:
        ~listener_t() = default;
    };

    explicit ngx_http_scim_redis_sentinel(listener_t &listener) noexcept
        : listener_(listener), ask_(*this), watch_(*this) {}

    void start(const ngx_http_scim_redis_sentinel_conf_t *conf, ngx_log_t *log) noexcept;
    void stop() noexcept;

    // Asks the sentinels; the listener hears the answer, possibly before
    // this returns.
    void locate() noexcept;
    void cancel() noexcept;
    bool locating() const noexcept { return asking_; }

private:
    enum class Reply { Auth, Address, WatchAuth, Subscribe, Event };
    struct reply_ref_t {
        ngx_http_scim_redis_sentinel *self;
        Reply kind;
    };
    struct events;
    friend struct events;

    void ask(size_t position) noexcept;
    void resolve(const ngx_http_scim_redis_sentinel_conf_t::sentinel_t &s) noexcept;
    void on_resolved(ngx_resolver_ctx_t *ctx) noexcept;
    void open_ask(const ngx_http_scim_redis_peer_t &peer) noexcept;
    void on_reply(redisReply *reply, Reply kind) noexcept;
    void on_address(const redisReply &reply);
    void give_up_on_current(const char *why) noexcept;
    void answered(const ngx_http_scim_redis_master_t &master) noexcept;
    void finish_asking() noexcept;
    void watch(const ngx_http_scim_redis_peer_t &peer, const ngx_http_scim_redis_tls_t *tls) noexcept;
    const ngx_http_scim_redis_tls_t *tls_of(size_t index) const noexcept;
    void on_event(const redisReply &reply);
    void on_conn_up(ngx_http_scim_redis_conn &conn) noexcept override;
    void on_conn_down(ngx_http_scim_redis_conn &conn, const char *reason) noexcept override;
    const std::string &display_of(size_t index) const noexcept;

    listener_t &listener_;
    const ngx_http_scim_redis_sentinel_conf_t *conf_ = nullptr;
    ngx_log_t *log_ = nullptr;
    ngx_http_scim_redis_conn ask_;    // one question at a time
    ngx_http_scim_redis_conn watch_;  // SUBSCRIBE +switch-master
    ngx_resolver_ctx_t *resolving_ = nullptr;
    std::vector<size_t> order_;  // indices into conf_->sentinels, front first
    size_t position_ = 0;        // the one being asked, in order_
    bool asking_ = false;
    std::string failures_;  // what each sentinel said this round, for the log
    ngx_uint_t attempt_ = 0;  // bumped per sentinel asked: a failure may start the next
    reply_ref_t refs_[5]{};
    ngx_event_t timer_{};  // per-sentinel timeout
};
