// One hiredis async connection per worker, driven by nginx's event loop.
//
// hiredis 0.14 facts this file is built around:
//  - it has no timeouts: connect and command timeouts are nginx timers;
//  - on any free it runs every pending callback with a NULL reply, then
//    calls the adapter's cleanup hook: that hook is the one place where the
//    connection is known to be gone (a failed connect never calls the
//    disconnect callback);
//  - it reads at most 16 KiB per call while nginx's epoll is edge-triggered,
//    so the read handler loops while FIONREAD reports pending bytes;
//  - it resolves names synchronously, so addresses are resolved at
//    configuration time and only numeric hosts or unix sockets reach it.
#pragma once

extern "C" {
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>
}

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <string>
#include <vector>

struct ngx_http_scim_redis_conf_t {
    std::string host;         // numeric IP, resolved at configuration time
    int port = 6379;
    std::string unix_path;    // set for "unix:/path"
    std::string display;      // as written in nginx.conf, for logs
    std::string password;
    ngx_int_t db = 0;
    ngx_msec_t connect_timeout = 1000;
    ngx_msec_t command_timeout = 2000;
    std::string layout_key;   // "<prefix>layout"
};

class ngx_http_scim_redis_link {
public:
    enum class State { Idle, Connecting, Ready, Down };

    // Called from init_process / exit_process.
    void start(const ngx_http_scim_redis_conf_t *conf, ngx_log_t *log) noexcept;
    void stop() noexcept;

    // False while the store is known to be unreachable: callers answer 503
    // at once instead of queueing.
    bool accepting() const noexcept;
    // Seconds until the next reconnect attempt, for Retry-After.
    ngx_uint_t retry_after() const noexcept;

    // Queues a command; `fn(ac, reply, privdata)` runs exactly once, with a
    // NULL reply if the connection is lost first.
    bool send(const std::vector<std::string> &argv, redisCallbackFn *fn, void *privdata) noexcept;

    // Drops the connection (e.g. after a command timeout) and reconnects.
    void reset(const char *reason) noexcept;

    bool exiting() const noexcept { return exiting_; }
    ngx_msec_t command_timeout() const noexcept { return conf_ ? conf_->command_timeout : 2000; }

private:
    friend struct ngx_http_scim_redis_events;

    void connect() noexcept;
    void handshake() noexcept;
    void on_connected(int status) noexcept;
    void on_handshake_reply(redisReply *reply, const char *step) noexcept;
    void on_gone() noexcept;
    void schedule_reconnect() noexcept;
    void set_state(State s, const char *reason) noexcept;

    const ngx_http_scim_redis_conf_t *conf_ = nullptr;
    ngx_log_t *log_ = nullptr;
    redisAsyncContext *ac_ = nullptr;
    State state_ = State::Idle;
    bool exiting_ = false;
    bool failure_logged_ = false;
    ngx_uint_t attempts_ = 0;
    ngx_msec_t next_delay_ = 0;
    ngx_event_t connect_timer_{};
    ngx_event_t reconnect_timer_{};
};

// The worker's link.
ngx_http_scim_redis_link &ngx_http_scim_redis();
