// One Redis connection on nginx's own machinery.
//
// nginx opens it (ngx_event_connect_peer), carries TLS (ngx_ssl, as
// proxy_ssl_* does) and reads and writes it (c->recv, c->send). hiredis only
// does RESP: redisFormatCommandArgv formats commands and a redisReader
// parses replies, which are matched to callbacks in FIFO order.
//
// Commands queued during one turn of nginx's event loop leave in one write:
// send() appends to the output buffer and posts a flush event, which nginx
// runs after the turn's I/O events and timers (ngx_posted_events). So a
// batch of requests costs one send() here, one read() and one write() in
// Redis, and one recv() of the replies, instead of one each per request.
//
// Several can exist per worker (a link, later sentinels and cluster
// masters); none knows about SCIM or about the others.
#pragma once

extern "C" {
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>
#include <ngx_event_connect.h>
}

#include <hiredis/hiredis.h>

#include <deque>
#include <string>
#include <vector>

// Runs exactly once per command: with the reply, or with nullptr when the
// connection fails or is closed first. The reply is freed after it returns.
using ngx_http_scim_redis_reply_fn = void (*)(redisReply *reply, void *privdata);

struct ngx_http_scim_redis_tls_t {
    ngx_ssl_t *ssl = nullptr;  // nullptr: plain TCP or unix socket
    std::string server_name;   // SNI (unless an address) and the name verified
    bool verify = true;
};

// Where and how to connect.
struct ngx_http_scim_redis_peer_t {
    ngx_sockaddr_t sockaddr{};
    socklen_t socklen = 0;
    std::string name;  // for logs: "10.0.0.5:6379", "unix:/run/redis.sock"
};

class ngx_http_scim_redis_conn {
public:
    // The owner hears when the connection is usable (TCP and TLS done) and
    // when it failed on its own (not after close()).
    struct owner_t {
        virtual void on_conn_up(ngx_http_scim_redis_conn &conn) noexcept = 0;
        virtual void on_conn_down(ngx_http_scim_redis_conn &conn, const char *reason) noexcept = 0;

    protected:
        ~owner_t() = default;
    };

    explicit ngx_http_scim_redis_conn(owner_t &owner) noexcept : owner_(owner) {}
    ~ngx_http_scim_redis_conn() { close(); }
    ngx_http_scim_redis_conn(const ngx_http_scim_redis_conn &) = delete;
    ngx_http_scim_redis_conn &operator=(const ngx_http_scim_redis_conn &) = delete;

    // Starts connecting; false (with `reason` set) when it failed at once.
    // `idle_timeout`: the connection fails when the server sends nothing
    // for that long while commands are pending.
    bool open(const ngx_http_scim_redis_peer_t &peer, const ngx_http_scim_redis_tls_t *tls,
              ngx_msec_t idle_timeout, ngx_log_t *log, std::string &reason) noexcept;

    // Queues a command: it is written at the end of this event-loop turn
    // (or once the connection is up). False when closed.
    bool send(const std::vector<std::string> &argv, ngx_http_scim_redis_reply_fn fn,
              void *privdata) noexcept;

    // Where replies that answer no command go (Pub/Sub messages); without
    // one, such a reply is a protocol error.
    void on_push(ngx_http_scim_redis_reply_fn fn, void *privdata) noexcept {
        push_ = {fn, privdata};
    }

    // Called from a callback: the reply it was given is now the callback's
    // to free (ngx_http_scim_redis_reply_free), e.g. a write held until
    // WAIT answers.
    void adopt_reply() noexcept { adopted_ = true; }

    // Closes the socket and runs every pending callback with nullptr.
    void close() noexcept;

    bool opened() const noexcept { return c_ != nullptr; }
    bool up() const noexcept { return up_; }
    size_t pending() const noexcept { return pending_.size(); }
    // The nginx connection number, to tie log lines together.
    ngx_atomic_uint_t number() const noexcept { return c_ ? c_->number : 0; }
    const std::string &peer_name() const noexcept { return peer_.name; }
    const ngx_http_scim_redis_peer_t &peer() const noexcept { return peer_; }

private:
    struct callback_t {
        ngx_http_scim_redis_reply_fn fn;
        void *privdata;
    };
    struct events;
    friend struct events;

    void on_connected() noexcept;
    void start_tls() noexcept;
    void on_tls_done() noexcept;
    bool name_matches() const noexcept;
    void became_up() noexcept;
    void post_flush() noexcept;
    void flush() noexcept;
    void read() noexcept;
    bool dispatch() noexcept;
    void touch_idle_timer() noexcept;
    void fail(const char *reason) noexcept;

    owner_t &owner_;
    ngx_http_scim_redis_peer_t peer_;
    ngx_str_t peer_name_{};
    const ngx_http_scim_redis_tls_t *tls_ = nullptr;
    ngx_log_t *log_ = nullptr;
    ngx_log_t quiet_log_{};  // for connect(): failures are the owner's to report
    // The connection's own log: what nginx says about it (an SSL_read()
    // that failed on the server's alert, a handshake refused) becomes part
    // of the reason the owner reports, instead of a [crit] line of its own.
    ngx_log_t capture_log_{};
    std::string captured_;
    ngx_peer_connection_t pc_{};
    ngx_connection_t *c_ = nullptr;
    redisReader *reader_ = nullptr;
    bool up_ = false;
    bool adopted_ = false;       // see adopt_reply()
    ngx_uint_t generation_ = 0;  // bumped by close(): callbacks may close us
    std::string out_;
    size_t out_sent_ = 0;
    ngx_event_t flush_event_{};  // posted by send(); deleted by close()
    ngx_uint_t out_commands_ = 0;  // in out_, for the debug log
    ngx_uint_t out_writes_ = 0;    // writes that carried them
    std::deque<callback_t> pending_;
    callback_t push_{nullptr, nullptr};
    ngx_msec_t idle_timeout_ = 0;
    ngx_event_t idle_timer_{};
};
