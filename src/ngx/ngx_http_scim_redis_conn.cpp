#include "ngx_http_scim_redis_conn.hpp"
#include "ngx_http_scim_redis_reply.hpp"

#include <cstdlib>
#include <string_view>

namespace {

// One read's worth; replies larger than this arrive over several reads.
constexpr size_t kReadChunk = 64 * 1024;
// The sent prefix of the output buffer is dropped past this size.
constexpr size_t kCompactAt = 64 * 1024;

}  // namespace

struct ngx_http_scim_redis_conn::events {
    static ngx_http_scim_redis_conn *of(ngx_event_t *ev) {
        auto *c = static_cast<ngx_connection_t *>(ev->data);
        return static_cast<ngx_http_scim_redis_conn *>(c->data);
    }

    // Until connect() completes, either event means "look at SO_ERROR".
    static void connecting(ngx_event_t *ev) {
        ngx_http_scim_redis_conn *conn = of(ev);
        int err = 0;
        socklen_t len = sizeof(int);
        if (getsockopt(conn->c_->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1) err = ngx_socket_errno;
        if (err != 0) {
            std::string why = std::string("connect() failed: ") + strerror(err);
            conn->fail(why.c_str());
            return;
        }
        conn->on_connected();
    }

    static void tls_done(ngx_connection_t *c) {
        static_cast<ngx_http_scim_redis_conn *>(c->data)->on_tls_done();
    }

    static void readable(ngx_event_t *ev) { of(ev)->read(); }
    static void writable(ngx_event_t *ev) { of(ev)->flush(); }

    // The posted flush: every command this turn queued, in one write.
    static void posted_flush(ngx_event_t *ev) {
        static_cast<ngx_http_scim_redis_conn *>(ev->data)->flush();
    }

    // capture_log_'s writer: keeps the message of nginx's line, without its
    // time, level and pid ("... [crit] 12#12: SSL_read() failed (...)").
    static void capture(ngx_log_t *log, ngx_uint_t, u_char *buf, size_t len) {
        auto *conn = static_cast<ngx_http_scim_redis_conn *>(log->wdata);
        std::string_view line(reinterpret_cast<const char *>(buf), len);
        size_t level_end = line.find("] ");
        size_t start = level_end == std::string_view::npos ? 0 : line.find(": ", level_end);
        start = start == std::string_view::npos ? 0 : start + 2;
        while (len > start && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        try {
            conn->captured_.assign(line.substr(start, len - start));
        } catch (...) {
        }
    }

    static void idle(ngx_event_t *ev) {
        auto *conn = static_cast<ngx_http_scim_redis_conn *>(ev->data);
        char why[128];
        ngx_snprintf(reinterpret_cast<u_char *>(why), sizeof(why),
                     "timed out: the server sent nothing for %Mms with %uz commands pending%Z",
                     conn->idle_timeout_, conn->pending_.size());
        conn->fail(why);
    }
};

bool ngx_http_scim_redis_conn::open(const ngx_http_scim_redis_peer_t &peer,
                                    const ngx_http_scim_redis_tls_t *tls, ngx_msec_t idle_timeout,
                                    ngx_log_t *log, std::string &reason) noexcept {
    close();
    try {
        peer_ = peer;
    } catch (...) {
        reason = "out of memory";
        return false;
    }
    tls_ = tls;
    log_ = log;
    idle_timeout_ = idle_timeout;
    peer_name_.data = reinterpret_cast<u_char *>(peer_.name.data());
    peer_name_.len = peer_.name.size();

    ngx_memzero(&idle_timer_, sizeof(ngx_event_t));
    idle_timer_.handler = events::idle;
    idle_timer_.data = this;
    idle_timer_.log = log;
    idle_timer_.cancelable = 1;

    ngx_memzero(&flush_event_, sizeof(ngx_event_t));  // close() left it unposted
    flush_event_.handler = events::posted_flush;
    flush_event_.data = this;
    flush_event_.log = log;

    reader_ = ngx_http_scim_redis_reader_create();
    if (reader_ == nullptr) {
        reason = "out of memory";
        return false;
    }

    // nginx logs a failed connect() itself at [error] or [crit], once per
    // attempt; the owner reports failures once per burst instead.
    quiet_log_ = *log;
    quiet_log_.log_level = NGX_LOG_EMERG;

    ngx_memzero(&pc_, sizeof(ngx_peer_connection_t));
    pc_.sockaddr = &peer_.sockaddr.sockaddr;
    pc_.socklen = peer_.socklen;
    pc_.name = &peer_name_;
    pc_.get = ngx_event_get_peer;
    pc_.log = &quiet_log_;
    pc_.log_error = NGX_ERROR_ERR;

    ngx_log_debug1(NGX_LOG_DEBUG_EVENT, log, 0, "scim: redis connecting to %V", &peer_name_);
    ngx_int_t rc = ngx_event_connect_peer(&pc_);
    ngx_err_t err = ngx_socket_errno;
    if (rc == NGX_ERROR || rc == NGX_BUSY || rc == NGX_DECLINED) {
        if (pc_.connection != nullptr) ngx_close_connection(pc_.connection);
        reason = std::string("connect() failed: ") + (err ? strerror(err) : "no socket");
        ngx_http_scim_redis_reader_free(reader_);
        reader_ = nullptr;
        return false;
    }

    captured_.clear();
    capture_log_ = *log;
    capture_log_.log_level = NGX_LOG_WARN;
    capture_log_.writer = events::capture;
    capture_log_.wdata = this;
    capture_log_.handler = nullptr;
    capture_log_.next = nullptr;

    c_ = pc_.connection;
    c_->data = this;
    c_->log = &capture_log_;
    c_->read->log = log;
    c_->write->log = log;
    c_->pool = ngx_create_pool(1024, log);  // ngx_ssl_create_connection allocates from it
    if (c_->pool == nullptr) {
        reason = "out of memory";
        close();
        return false;
    }
    up_ = false;
    if (rc == NGX_AGAIN) {
        c_->read->handler = events::connecting;
        c_->write->handler = events::connecting;
        return true;
    }
    on_connected();  // may fail(): the owner hears about it
    return true;
}

void ngx_http_scim_redis_conn::on_connected() noexcept {
    ngx_log_debug1(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: redis connected to %V", &peer_name_);
    if (tls_ != nullptr && tls_->ssl != nullptr) {
        start_tls();
        return;
    }
    became_up();
}

void ngx_http_scim_redis_conn::start_tls() noexcept {
    if (ngx_ssl_create_connection(tls_->ssl, c_, NGX_SSL_BUFFER | NGX_SSL_CLIENT) != NGX_OK) {
        fail("cannot create a TLS connection");
        return;
    }
    const std::string &name = tls_->server_name;
    // SNI carries host names only (RFC 6066).
    if (!name.empty() && ngx_inet_addr((u_char *)name.data(), name.size()) == INADDR_NONE &&
        name.find(':') == std::string::npos) {
        if (SSL_set_tlsext_host_name(c_->ssl->connection, name.c_str()) == 0) {
            fail("cannot set the TLS server name");
            return;
        }
    }
    ngx_int_t rc = ngx_ssl_handshake(c_);
    if (rc == NGX_AGAIN) {
        c_->ssl->handler = events::tls_done;
        return;
    }
    on_tls_done();
}

void ngx_http_scim_redis_conn::on_tls_done() noexcept {
    if (!c_->ssl->handshaked) {
        fail("TLS handshake failed");
        return;
    }
    if (tls_->verify) {
        long rc = SSL_get_verify_result(c_->ssl->connection);
        if (rc != X509_V_OK) {
            std::string why = std::string("TLS certificate verify error: ") +
                              X509_verify_cert_error_string(rc);
            fail(why.c_str());
            return;
        }
        if (!name_matches()) {
            std::string why = "TLS certificate does not match \"" + tls_->server_name + "\"";
            fail(why.c_str());
            return;
        }
    }
    ngx_log_debug1(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: redis TLS established with %V",
                   &peer_name_);
    became_up();
}

// ngx_ssl_check_host matches host names only; an address is matched
// against the certificate's IP subjectAltNames.
bool ngx_http_scim_redis_conn::name_matches() const noexcept {
    const std::string &name = tls_->server_name;
    bool address = ngx_inet_addr((u_char *)name.data(), name.size()) != INADDR_NONE ||
                   name.find(':') != std::string::npos;
    if (!address) {
        ngx_str_t host{name.size(), (u_char *)name.data()};
        return ngx_ssl_check_host(c_, &host) == NGX_OK;
    }
    X509 *cert = SSL_get_peer_certificate(c_->ssl->connection);
    if (cert == nullptr) return false;
    bool ok = X509_check_ip_asc(cert, name.c_str(), 0) == 1;
    X509_free(cert);
    return ok;
}

void ngx_http_scim_redis_conn::became_up() noexcept {
    up_ = true;
    c_->read->handler = events::readable;
    c_->write->handler = events::writable;
    ngx_uint_t generation = generation_;
    owner_.on_conn_up(*this);
    if (generation != generation_) return;
    flush();
    // Bytes may have arrived with the handshake's last read.
    if (generation == generation_ && c_->read->ready) read();
}

bool ngx_http_scim_redis_conn::send(const std::vector<std::string> &argv,
                                    ngx_http_scim_redis_reply_fn fn, void *privdata) noexcept {
    if (c_ == nullptr) return false;
    std::vector<const char *> args;
    std::vector<size_t> lens;
    try {
        args.reserve(argv.size());
        lens.reserve(argv.size());
        for (const std::string &a : argv) {
            args.push_back(a.data());
            lens.push_back(a.size());
        }
        char *cmd = nullptr;
        int len = redisFormatCommandArgv(&cmd, static_cast<int>(args.size()), args.data(),
                                         lens.data());
        if (len < 0 || cmd == nullptr) return false;
        try {
            out_.append(cmd, static_cast<size_t>(len));
        } catch (...) {
            free(cmd);
            return false;
        }
        free(cmd);
        pending_.push_back({fn, privdata});
    } catch (...) {
        return false;
    }
    out_commands_++;
    if (!idle_timer_.timer_set) ngx_add_timer(&idle_timer_, idle_timeout_);
    if (up_) post_flush();
    return true;
}

// Once per turn: nginx runs posted events after the turn's I/O events and
// timers, so every command queued meanwhile shares the write. Before the
// connection is up, became_up() flushes instead. Outside the loop
// (init_process) the connection is new, and epoll reports a new socket
// once, which runs the posted write too (t/030 TEST 19). The worker drains
// ngx_posted_events before it can exit; close() unposts the event.
void ngx_http_scim_redis_conn::post_flush() noexcept {
    if (flush_event_.posted) return;
    ngx_log_debug1(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: redis write to %V posted", &peer_name_);
    ngx_post_event(&flush_event_, &ngx_posted_events);
}

// Writes what the socket takes now; the write event continues a partial
// write (c->send returns NGX_AGAIN and nginx arms the event).
void ngx_http_scim_redis_conn::flush() noexcept {
    if (c_ == nullptr || !up_) return;
    while (out_sent_ < out_.size()) {
        ssize_t n = c_->send(c_, reinterpret_cast<u_char *>(&out_[out_sent_]),
                             out_.size() - out_sent_);
        if (n > 0) {
            out_sent_ += static_cast<size_t>(n);
            out_writes_++;
            continue;
        }
        if (n == NGX_AGAIN) {
            if (out_sent_ >= kCompactAt) {
                out_.erase(0, out_sent_);  // TLS retries accept a moved buffer
                out_sent_ = 0;
            }
            if (ngx_handle_write_event(c_->write, 0) != NGX_OK) fail("cannot arm the write event");
            return;
        }
        fail("write failed");
        return;
    }
    if (out_commands_ > 0) {
        ngx_log_debug4(NGX_LOG_DEBUG_EVENT, log_, 0,
                       "scim: redis sent %ui commands (%uz bytes) in %ui writes to %V",
                       out_commands_, out_.size(), out_writes_, &peer_name_);
    }
    out_.clear();
    out_sent_ = 0;
    out_commands_ = 0;
    out_writes_ = 0;
}

// Edge-triggered: read until the socket (and, over TLS, OpenSSL's buffer:
// ngx_ssl_recv returns NGX_AGAIN only once SSL_read wants more) is empty.
void ngx_http_scim_redis_conn::read() noexcept {
    static u_char buf[kReadChunk];
    ngx_uint_t generation = generation_;
    for (;;) {
        ssize_t n = c_->recv(c_, buf, sizeof(buf));
        if (n == NGX_AGAIN) break;
        if (n == 0) {
            fail("the server closed the connection");
            return;
        }
        if (n < 0) {
            fail("read failed");
            return;
        }
        if (redisReaderFeed(reader_, reinterpret_cast<const char *>(buf), static_cast<size_t>(n)) !=
            REDIS_OK) {
            fail("out of memory");
            return;
        }
        if (!dispatch() || generation != generation_) return;
        touch_idle_timer();
    }
    if (ngx_handle_read_event(c_->read, 0) != NGX_OK) fail("cannot arm the read event");
}

// Hands every complete reply to its callback; false once the connection
// is gone (a callback may close it).
bool ngx_http_scim_redis_conn::dispatch() noexcept {
    ngx_uint_t generation = generation_;
    for (;;) {
        void *reply = nullptr;
        if (redisReaderGetReply(reader_, &reply) != REDIS_OK) {
            std::string why = std::string("protocol error: ") + reader_->errstr;
            fail(why.c_str());
            return false;
        }
        if (reply == nullptr) return true;
        if (pending_.empty() && push_.fn == nullptr) {
            ngx_http_scim_redis_reply_free(static_cast<redisReply *>(reply));
            fail("a reply nobody asked for");
            return false;
        }
        callback_t cb = push_;
        if (!pending_.empty()) {
            cb = pending_.front();
            pending_.pop_front();
        }
        adopted_ = false;
        cb.fn(static_cast<redisReply *>(reply), cb.privdata);
        if (!adopted_) ngx_http_scim_redis_reply_free(static_cast<redisReply *>(reply));
        adopted_ = false;
        if (generation != generation_) return false;
    }
}

void ngx_http_scim_redis_conn::touch_idle_timer() noexcept {
    if (pending_.empty()) {
        if (idle_timer_.timer_set) ngx_del_timer(&idle_timer_);
    } else {
        ngx_add_timer(&idle_timer_, idle_timeout_);
    }
}

void ngx_http_scim_redis_conn::fail(const char *reason) noexcept {
    ngx_log_debug2(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: redis %V failed: %s", &peer_name_, reason);
    std::string why;
    try {
        why = reason;  // `reason` may point into something close() frees
        if (!captured_.empty()) why += ": " + captured_;  // what nginx saw, e.g. a TLS alert
    } catch (...) {
    }
    captured_.clear();
    close();
    owner_.on_conn_down(*this, why.c_str());
}

void ngx_http_scim_redis_conn::close() noexcept {
    generation_++;
    if (idle_timer_.timer_set) ngx_del_timer(&idle_timer_);
    if (flush_event_.posted) {
        ngx_delete_posted_event(&flush_event_);  // a macro of several statements
    }
    if (c_ != nullptr) {
        ngx_connection_t *c = c_;
        c_ = nullptr;
        c->log = log_;  // closing problems are nginx's to report
        if (c->ssl != nullptr) {
            c->ssl->no_wait_shutdown = 1;
            c->ssl->no_send_shutdown = 1;
            ngx_ssl_shutdown(c);  // frees the SSL object
        }
        ngx_pool_t *pool = c->pool;
        ngx_close_connection(c);
        if (pool != nullptr) ngx_destroy_pool(pool);
    }
    if (reader_ != nullptr) {
        ngx_http_scim_redis_reader_free(reader_);
        reader_ = nullptr;
    }
    up_ = false;
    out_.clear();
    out_sent_ = 0;
    out_commands_ = 0;
    out_writes_ = 0;
    // Callbacks may queue new commands elsewhere; take the list first.
    std::deque<callback_t> failed;
    failed.swap(pending_);
    for (const callback_t &cb : failed) cb.fn(nullptr, cb.privdata);
}
