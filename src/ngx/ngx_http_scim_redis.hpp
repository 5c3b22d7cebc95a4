// The worker's link to Redis: one connection (ngx_http_scim_redis_conn),
// its handshake (AUTH, SELECT, ROLE, SCRIPT LOAD, layout check), state,
// reconnects with backoff and jitter, and what to do on a read-only server.
//
// The rest of the module sees "send a command, get a reply or nullptr".
#pragma once

#include "ngx_http_scim_redis_conn.hpp"

#include <string>
#include <vector>

// scim_redis_connect_timeout and scim_redis_timeout when not set.
constexpr ngx_msec_t ngx_http_scim_redis_connect_timeout_default = 1000;
constexpr ngx_msec_t ngx_http_scim_redis_timeout_default = 2000;

struct ngx_http_scim_redis_conf_t {
    ngx_http_scim_redis_peer_t peer;  // fixed address (config-time resolution)
    std::string host;                 // a name to resolve at run time, else empty
    in_port_t port = 6379;
    ngx_resolver_t *resolver = nullptr;  // set when `host` resolves at run time
    std::string display;                 // as written in nginx.conf, for logs
    std::string username;
    std::string password;
    ngx_int_t db = 0;
    ngx_msec_t connect_timeout = ngx_http_scim_redis_connect_timeout_default;
    ngx_msec_t command_timeout = ngx_http_scim_redis_timeout_default;
    std::string layout_key;  // "<prefix>layout"
    ngx_http_scim_redis_tls_t tls;  // tls.ssl set when scim_redis_ssl is on
};

class ngx_http_scim_redis_link final : ngx_http_scim_redis_conn::owner_t {
public:
    enum class State { Idle, Resolving, Connecting, Ready, Down };

    ngx_http_scim_redis_link() noexcept : conn_(*this) {}

    // Called from init_process / exit_process.
    void start(const ngx_http_scim_redis_conf_t *conf, ngx_log_t *log) noexcept;
    void stop() noexcept;

    // False while the store is known to be unreachable: callers answer 503
    // at once instead of queueing.
    bool accepting() const noexcept;
    // Seconds until the next reconnect attempt, for Retry-After.
    ngx_uint_t retry_after() const noexcept;

    // Queues a command; `fn(reply, privdata)` runs exactly once, with
    // nullptr if the connection is lost first.
    bool send(const std::vector<std::string> &argv, ngx_http_scim_redis_reply_fn fn,
              void *privdata) noexcept;

    // A command got READONLY: the server was demoted. Reads go on; the link
    // reconnects (re-resolving) to find the master, once per backoff step.
    void on_readonly_reply() noexcept;
    bool read_only() const noexcept { return read_only_; }

    // The connection number, for log lines that name a request's command.
    ngx_atomic_uint_t connection_number() const noexcept { return conn_.number(); }

    bool exiting() const noexcept { return exiting_; }
    ngx_msec_t command_timeout() const noexcept {
        return conf_ ? conf_->command_timeout : ngx_http_scim_redis_timeout_default;
    }

private:
    enum class Step { Auth, Select, Role, Script, Layout, LayoutInit, LayoutRecheck };
    struct step_ref_t {
        ngx_http_scim_redis_link *link;
        Step step;
    };
    struct events;
    friend struct events;

    void connect() noexcept;
    void resolve() noexcept;
    void on_resolved(ngx_resolver_ctx_t *ctx) noexcept;
    void open(const ngx_http_scim_redis_peer_t &peer) noexcept;
    void handshake() noexcept;
    bool load_scripts();  // SCRIPT LOAD of every script; may throw bad_alloc
    bool send_step(const std::vector<std::string> &argv, Step step) noexcept;
    void on_step_reply(redisReply *reply, Step step) noexcept;
    void on_layout(redisReply *reply, Step step) noexcept;
    void on_conn_up(ngx_http_scim_redis_conn &conn) noexcept override;
    void on_conn_down(ngx_http_scim_redis_conn &conn, const char *reason) noexcept override;
    void fail(const char *reason, bool must_tell = false) noexcept;
    void ready() noexcept;
    void schedule_reconnect() noexcept;
    void schedule_refresh() noexcept;
    void refresh() noexcept;

    const ngx_http_scim_redis_conf_t *conf_ = nullptr;
    ngx_log_t *log_ = nullptr;
    ngx_http_scim_redis_conn conn_;
    ngx_resolver_ctx_t *resolving_ = nullptr;
    State state_ = State::Idle;
    bool exiting_ = false;
    bool failure_logged_ = false;
    std::string last_logged_;  // the reason the current burst's last line gave
    bool read_only_ = false;
    bool master_ = true;       // what ROLE said during this handshake
    bool refreshing_ = false;  // a deliberate reconnect: requests keep queueing
    ngx_uint_t attempts_ = 0;
    ngx_msec_t next_delay_ = 0;
    ngx_uint_t resolved_ = 0;  // round robin over a name's addresses
    ngx_uint_t refresh_step_ = 0;   // backoff of read-only re-checks
    ngx_uint_t refresh_waits_ = 0;  // for in-flight replies before one
    step_ref_t steps_[7]{};
    ngx_event_t connect_timer_{};
    ngx_event_t reconnect_timer_{};
    ngx_event_t refresh_timer_{};
};

// The worker's link.
ngx_http_scim_redis_link &ngx_http_scim_redis();
