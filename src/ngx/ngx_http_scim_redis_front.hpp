// What the rest of the edge calls to reach the store, whatever stands
// behind it: one link to one server (ngx_http_scim_redis_link, which may
// find its master through sentinels) or a router over a Redis Cluster's
// masters (ngx_http_scim_redis_cluster).
#pragma once

#include "ngx_http_scim_redis_conn.hpp"

#include <string>
#include <vector>

struct ngx_http_scim_redis_conf_t;

class ngx_http_scim_redis_front {
public:
    // Called from init_process / exit_process.
    virtual void start(const ngx_http_scim_redis_conf_t *conf, ngx_log_t *log) noexcept = 0;
    virtual void stop() noexcept = 0;

    // False while the store is known to be unreachable: callers answer 503
    // at once instead of queueing.
    virtual bool accepting() const noexcept = 0;
    // Seconds until the next reconnect attempt, for Retry-After.
    virtual ngx_uint_t retry_after() const noexcept = 0;

    // Queues a command; `fn(reply, privdata)` runs exactly once, with
    // nullptr if the store cannot answer it. False (and `fn` never runs)
    // when it cannot be queued at all. A `write`'s reply is held until WAIT
    // confirms it when scim_redis_wait_replicas is set.
    virtual bool send(std::vector<std::string> argv, ngx_http_scim_redis_reply_fn fn,
                      void *privdata, bool write) noexcept = 0;

    // A command got READONLY: the server was demoted.
    virtual void on_readonly_reply() noexcept = 0;
    // A write got NOREPLICAS (min-replicas-to-write): under Sentinel, maybe
    // a master that has been replaced.
    virtual void on_noreplicas_reply() noexcept = 0;

    // The connection number, for log lines that name a request's command.
    virtual ngx_atomic_uint_t connection_number() const noexcept = 0;

    virtual bool exiting() const noexcept = 0;
    virtual ngx_msec_t command_timeout() const noexcept = 0;

protected:
    ~ngx_http_scim_redis_front() = default;
};

// The worker's front, chosen by the configuration at start.
ngx_http_scim_redis_front &ngx_http_scim_redis();
void ngx_http_scim_redis_start(const ngx_http_scim_redis_conf_t *conf, ngx_log_t *log) noexcept;
