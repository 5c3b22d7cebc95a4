// The worker's link to Redis: one connection (ngx_http_scim_redis_conn),
// its handshake (AUTH, SELECT, ROLE, SCRIPT LOAD, layout check), state,
// reconnects with backoff and jitter, and what to do on a read-only server.
//
// Where it connects: a fixed address, a name (nginx `resolver`), or the
// master the sentinels name (ngx_http_scim_redis_sentinel).
//
// The rest of the module sees "send a command, get a reply or nullptr".
#pragma once

#include "ngx_http_scim_redis_conn.hpp"
#include "ngx_http_scim_redis_front.hpp"
#include "ngx_http_scim_redis_sentinel.hpp"

#include "scim/store/group_commit.hpp"

#include <deque>
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
    std::string layout_key;  // "<prefix>layout"; empty: no layout check (a cluster node)
    ngx_http_scim_redis_tls_t tls;  // tls.ssl set when scim_redis_ssl is on
    // scim_redis_ssl_server_name was given: every cluster node is verified
    // against it, not against the address or name the cluster announces.
    bool tls_name_given = false;
    // scim_redis_sentinel: the master is asked for before each connect.
    const ngx_http_scim_redis_sentinel_conf_t *sentinel = nullptr;
    // Redis Cluster (scim_redis_cluster): the seed nodes, else empty.
    std::vector<ngx_http_scim_redis_peer_t> cluster_seeds;
    // scim_redis_wait_replicas: a write is answered only once WAIT says
    // this many replicas have it (0: not held), waiting at most wait_timeout.
    ngx_uint_t wait_replicas = 0;
    ngx_msec_t wait_timeout = 0;
};

class ngx_http_scim_redis_link final : public ngx_http_scim_redis_front,
                                       ngx_http_scim_redis_conn::owner_t,
                                       ngx_http_scim_redis_sentinel::listener_t {
public:
    enum class State { Idle, Resolving, Connecting, Ready, Down };

    ngx_http_scim_redis_link() noexcept : conn_(*this), sentinel_(*this) {}

    // Called from init_process / exit_process.
    void start(const ngx_http_scim_redis_conf_t *conf, ngx_log_t *log) noexcept override;
    void stop() noexcept override;

    // False while the store is known to be unreachable: callers answer 503
    // at once instead of queueing.
    bool accepting() const noexcept override;
    // Seconds until the next reconnect attempt, for Retry-After.
    ngx_uint_t retry_after() const noexcept override;

    // Queues a command; `fn(reply, privdata)` runs exactly once, with
    // nullptr if the connection is lost first. A `write`'s reply is held
    // for WAIT (group commit) when scim_redis_wait_replicas is set.
    bool send(std::vector<std::string> argv, ngx_http_scim_redis_reply_fn fn,
              void *privdata, bool write) noexcept override;

    // A command got READONLY: the server was demoted. Reads go on; the link
    // reconnects (re-resolving) to find the master, once per backoff step.
    void on_readonly_reply() noexcept override;
    bool read_only() const noexcept { return read_only_; }
    // A write got NOREPLICAS: under Sentinel, the master may have been
    // replaced (min-replicas-to-write); ask the sentinels again.
    void on_noreplicas_reply() noexcept override;

    // The connection number, for log lines that name a request's command.
    ngx_atomic_uint_t connection_number() const noexcept override { return conn_.number(); }

    bool exiting() const noexcept override { return exiting_; }
    ngx_msec_t command_timeout() const noexcept override {
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
    // scim_redis_wait_replicas (ngx_http_scim_redis_wait.cpp).
    struct held_t;
    struct wait_events;
    friend struct wait_events;
    bool queue(std::vector<std::string> argv, ngx_http_scim_redis_reply_fn fn,
               void *privdata) noexcept;
    held_t *hold_write(ngx_http_scim_redis_reply_fn &fn, void *&privdata) noexcept;
    void drop_held(held_t *held) noexcept;
    void on_write_reply(redisReply *reply, held_t *held) noexcept;
    void send_wait() noexcept;
    void on_wait_reply(redisReply *reply) noexcept;
    void abandon_attempt() noexcept;
    void send_waiting() noexcept;
    void fail_waiting() noexcept;
    void refuses_writes(const char *what) noexcept;
    void ready() noexcept;
    void schedule_reconnect() noexcept;
    void schedule_refresh() noexcept;
    void refresh() noexcept;

    // Sentinel: the address comes from ngx_http_scim_redis_sentinel.
    void on_master_located(const ngx_http_scim_redis_master_t &master) noexcept override;
    void on_master_unknown(const char *reason) noexcept override;
    void on_master_switched(const ngx_http_scim_redis_master_t &master) noexcept override;
    void connect_to(const std::string &host, in_port_t port) noexcept;
    void note_master() noexcept;

    const ngx_http_scim_redis_conf_t *conf_ = nullptr;
    ngx_log_t *log_ = nullptr;
    ngx_http_scim_redis_conn conn_;
    ngx_resolver_ctx_t *resolving_ = nullptr;
    struct waiting_t {
        std::vector<std::string> argv;
        ngx_http_scim_redis_reply_fn fn;
        void *privdata;
    };
    std::deque<waiting_t> waiting_;  // sent while the address is looked up
    scim::store::GroupCommit<held_t *> commits_;  // writes held for WAIT
    // What connect() reaches: conf_'s address, or the master a sentinel named.
    std::string target_host_;
    in_port_t target_port_ = 0;
    ngx_http_scim_redis_sentinel sentinel_;
    ngx_http_scim_redis_tls_t master_tls_;  // verifies the master's announced address
    std::string last_master_;               // for counting switches
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
