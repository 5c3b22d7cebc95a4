// The worker's router over a Redis Cluster (scim_redis_cluster): a map of
// the 16,384 slots to masters, learnt with CLUSTER SLOTS from the seeds and
// fixed by redirects, and one link (handshake, backoff, scripts) per master.
// Replicas get nothing.
//
// A command goes to the master of its first key's slot (routingKey). MOVED
// fixes that slot, schedules a full refresh and resends; ASK sends ASKING
// and the command to the target once; TRYAGAIN and CLUSTERDOWN are retried
// after a short delay until scim_redis_timeout, then answered as a lost
// store (503). A dead master only fails the commands for its own slots.
#pragma once

#include "ngx_http_scim_redis.hpp"

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "scim/store/cluster.hpp"

class ngx_http_scim_redis_cluster final : public ngx_http_scim_redis_front {
public:
    void start(const ngx_http_scim_redis_conf_t *conf, ngx_log_t *log) noexcept override;
    void stop() noexcept override;
    bool accepting() const noexcept override;
    ngx_uint_t retry_after() const noexcept override { return 1; }
    bool send(std::vector<std::string> argv, ngx_http_scim_redis_reply_fn fn,
              void *privdata, bool write) noexcept override;
    void on_readonly_reply() noexcept override { schedule_refresh(); }
    // A cluster master without enough replicas: the write fails (503), the
    // slot map is unchanged.
    void on_noreplicas_reply() noexcept override {}
    ngx_atomic_uint_t connection_number() const noexcept override { return last_number_; }
    bool exiting() const noexcept override { return exiting_; }
    ngx_msec_t command_timeout() const noexcept override {
        return conf_ ? conf_->command_timeout : ngx_http_scim_redis_timeout_default;
    }

private:
    struct node_t {
        std::string name;  // "host:port", as Redis names it
        std::string host;
        ngx_http_scim_redis_conf_t conf;
        ngx_http_scim_redis_link link;
    };
    struct call_t;
    struct layout_ref_t {
        ngx_http_scim_redis_cluster *router;
        int step;  // 0: GET, 1: SET NX, 2: GET again
    };
    struct events;
    friend struct events;

    node_t *find_node(const std::string &host, unsigned port) noexcept;
    node_t *add_node(const ngx_http_scim_redis_peer_t &peer, const std::string &host,
                     unsigned port) noexcept;
    call_t *new_call(std::vector<std::string> argv, ngx_http_scim_redis_reply_fn fn,
                     void *privdata, bool write = false) noexcept;
    bool route(call_t *call) noexcept;
    bool dispatch(call_t *call, node_t *node, bool asking) noexcept;
    void on_reply(call_t *call, redisReply *reply) noexcept;
    bool on_redirect(call_t *call, const scim::store::Redirect &to) noexcept;
    bool retry_later(call_t *call) noexcept;
    void answer(call_t *call, redisReply *reply) noexcept;

    void schedule_refresh() noexcept;
    void refresh() noexcept;
    void on_slots(redisReply *reply) noexcept;
    void apply_slots(const std::vector<scim::store::SlotRange> &ranges) noexcept;
    void discovery_failed(const char *why) noexcept;
    void check_layout() noexcept;
    void on_layout(redisReply *reply, int step) noexcept;
    void ready() noexcept;
    void release_waiting() noexcept;

    const ngx_http_scim_redis_conf_t *conf_ = nullptr;
    ngx_log_t *log_ = nullptr;
    std::vector<std::unique_ptr<node_t>> nodes_;  // never shrinks: links keep their address
    std::vector<node_t *> slots_;                 // kClusterSlots owners, nullptr: none
    std::deque<call_t *> waiting_;                // before the first map and layout check
    node_t *asked_ = nullptr;                     // the node CLUSTER SLOTS went to
    bool exiting_ = false;
    bool mapped_ = false;        // a slot map arrived once
    bool layout_ok_ = false;     // the layout version was checked
    bool refreshing_ = false;    // a CLUSTER SLOTS is in flight
    bool failed_once_ = false;   // discovery failed before it ever succeeded
    bool failure_logged_ = false;
    ngx_uint_t next_node_ = 0;   // round robin over nodes for CLUSTER SLOTS
    ngx_uint_t attempts_ = 0;    // failed discoveries in a row
    ngx_msec_t last_refresh_ = 0;
    ngx_atomic_uint_t last_number_ = 0;
    layout_ref_t layout_refs_[3]{};
    ngx_event_t refresh_timer_{};
};
