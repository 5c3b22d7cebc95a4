#include "ngx_http_scim_redis_cluster.hpp"

#include "ngx_http_scim_metrics.hpp"

#include "scim/store/keys.hpp"
#include "scim/store/reply.hpp"

namespace {

constexpr ngx_uint_t kMaxRedirects = 5;  // as the Cluster spec's clients do
constexpr size_t kMaxNodes = 1024;       // addresses learnt from the cluster
// A full refresh after a MOVED waits at least this long after the last one.
constexpr ngx_msec_t kRefreshGap = 250;
constexpr ngx_msec_t kDiscoveryBackoffMax = 2000;
constexpr ngx_msec_t kRetryLaterBase = 25;  // TRYAGAIN / CLUSTERDOWN
constexpr ngx_msec_t kRetryLaterMax = 200;

ngx_msec_t ngx_http_scim_redis_cluster_backoff(ngx_uint_t step, ngx_msec_t base, ngx_msec_t cap) {
    ngx_msec_t delay = base << (step < 7 ? step : 7);
    if (delay > cap) delay = cap;
    return delay * 3 / 4 + static_cast<ngx_msec_t>(ngx_random()) % (delay / 2 + 1);
}

// An address Redis gave ("10.0.0.5", "[::1]") as a peer; false for a name.
bool peer_of(const std::string &host, unsigned port, ngx_http_scim_redis_peer_t &peer) {
    std::string bare = host;
    if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']') {
        bare = bare.substr(1, bare.size() - 2);
    }
    auto *text = reinterpret_cast<u_char *>(const_cast<char *>(bare.data()));
    in_addr_t a4 = ngx_inet_addr(text, bare.size());
    ngx_memzero(&peer.sockaddr, sizeof(peer.sockaddr));
    if (a4 != INADDR_NONE) {
        peer.sockaddr.sockaddr_in.sin_family = AF_INET;
        peer.sockaddr.sockaddr_in.sin_addr.s_addr = a4;
        peer.socklen = sizeof(struct sockaddr_in);
#if (NGX_HAVE_INET6)
    } else if (ngx_inet6_addr(text, bare.size(),
                              peer.sockaddr.sockaddr_in6.sin6_addr.s6_addr) == NGX_OK) {
        peer.sockaddr.sockaddr_in6.sin6_family = AF_INET6;
        peer.socklen = sizeof(struct sockaddr_in6);
#endif
    } else {
        return false;
    }
    ngx_inet_set_port(&peer.sockaddr.sockaddr, static_cast<in_port_t>(port));
    peer.name = host + ":" + std::to_string(port);
    return true;
}

void ignore_reply(redisReply *, void *) noexcept {}

// The name a node's certificate must carry (scim_redis_ssl_verify): the
// scim_redis_ssl_server_name when given; else the node's host name as the
// cluster announces it; else, for a node announced by address, the first
// seed's host name if the seeds were given by name (a managed cluster
// behind one endpoint name), or the node's own address.
std::string ngx_http_scim_redis_cluster_tls_name(const ngx_http_scim_redis_conf_t &conf,
                                                 const std::string &host) {
    if (conf.tls_name_given) return conf.tls.server_name;
    std::string bare = host;
    if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']') {
        bare = bare.substr(1, bare.size() - 2);
    }
    ngx_http_scim_redis_peer_t ignored;
    bool address = peer_of(bare, 1, ignored);
    if (!address || conf.tls.server_name.empty()) return bare;
    return conf.tls.server_name;
}

}  // namespace

// A routed command, kept until its final reply: a redirect or a retry
// sends the same argv again.
struct ngx_http_scim_redis_cluster::call_t {
    ngx_http_scim_redis_cluster *router;
    std::vector<std::string> argv;
    ngx_http_scim_redis_reply_fn fn;
    void *privdata;
    bool write;            // held for WAIT (scim_redis_wait_replicas)
    node_t *at = nullptr;  // where it was last sent
    ngx_uint_t redirects = 0;
    ngx_uint_t retries = 0;
    ngx_msec_t deadline = 0;
    ngx_event_t retry_timer{};
};

struct ngx_http_scim_redis_cluster::events {
    static void reply(redisReply *reply, void *privdata) {
        auto *call = static_cast<call_t *>(privdata);
        call->router->on_reply(call, reply);
    }
    static void slots(redisReply *reply, void *privdata) {
        static_cast<ngx_http_scim_redis_cluster *>(privdata)->on_slots(reply);
    }
    static void layout(redisReply *reply, void *privdata) {
        auto *ref = static_cast<layout_ref_t *>(privdata);
        ref->router->on_layout(reply, ref->step);
    }
    static void refresh(ngx_event_t *ev) {
        static_cast<ngx_http_scim_redis_cluster *>(ev->data)->refresh();
    }
    // Not cancelable: the request waits for its answer.
    static void retry(ngx_event_t *ev) {
        auto *call = static_cast<call_t *>(ev->data);
        ngx_http_scim_redis_cluster *router = call->router;
        if (router->exiting_ || !router->route(call)) router->answer(call, nullptr);
    }
};

void ngx_http_scim_redis_cluster::start(const ngx_http_scim_redis_conf_t *conf,
                                        ngx_log_t *log) noexcept {
    conf_ = conf;
    log_ = log;
    exiting_ = false;
    ngx_memzero(&refresh_timer_, sizeof(ngx_event_t));
    refresh_timer_.data = this;
    refresh_timer_.log = log;
    refresh_timer_.cancelable = 1;
    refresh_timer_.handler = events::refresh;
    for (int i = 0; i < 3; i++) layout_refs_[i] = {this, i};
    try {
        slots_.assign(scim::store::kClusterSlots, nullptr);
        for (const ngx_http_scim_redis_peer_t &seed : conf->cluster_seeds) {
            size_t colon = seed.name.rfind(':');
            add_node(seed, seed.name.substr(0, colon),
                     static_cast<unsigned>(ngx_inet_get_port(
                         const_cast<struct sockaddr *>(&seed.sockaddr.sockaddr))));
        }
    } catch (...) {
        ngx_log_error(NGX_LOG_ERR, log_, 0, "scim: redis cluster: out of memory");
        return;
    }
    refresh();
}

void ngx_http_scim_redis_cluster::stop() noexcept {
    exiting_ = true;
    if (refresh_timer_.timer_set) ngx_del_timer(&refresh_timer_);
    for (auto &node : nodes_) node->link.stop();  // pending calls end with nullptr
    release_waiting();
}

bool ngx_http_scim_redis_cluster::accepting() const noexcept {
    if (exiting_) return false;
    // Requests queue behind the first discovery, and are refused at once
    // once it has failed; afterwards each master's link decides.
    return layout_ok_ || !failed_once_;
}

bool ngx_http_scim_redis_cluster::send(std::vector<std::string> argv,
                                       ngx_http_scim_redis_reply_fn fn, void *privdata,
                                       bool write) noexcept {
    if (!accepting()) return false;
    call_t *call = new_call(std::move(argv), fn, privdata, write);
    if (call == nullptr) return false;
    if (!layout_ok_) {
        try {
            waiting_.push_back(call);
            return true;
        } catch (...) {
            delete call;
            return false;
        }
    }
    if (route(call)) return true;
    delete call;
    return false;
}

ngx_http_scim_redis_cluster::call_t *ngx_http_scim_redis_cluster::new_call(
    std::vector<std::string> argv, ngx_http_scim_redis_reply_fn fn, void *privdata,
    bool write) noexcept {
    auto *call = new (std::nothrow) call_t{this, std::move(argv), fn, privdata, write};
    if (call == nullptr) return nullptr;
    call->deadline = ngx_current_msec + conf_->command_timeout;
    call->retry_timer.data = call;
    call->retry_timer.handler = events::retry;
    call->retry_timer.log = log_;
    return call;
}

// To the master of the first key's slot; a command without a key (none
// of ours) goes to any master.
bool ngx_http_scim_redis_cluster::route(call_t *call) noexcept {
    auto key = scim::store::routingKey(call->argv);
    node_t *node = nullptr;
    if (key) {
        node = slots_[scim::store::keySlot(*key)];
    } else {
        for (node_t *owner : slots_) {
            if (owner != nullptr && owner->link.accepting()) {
                node = owner;
                break;
            }
        }
    }
    if (node == nullptr) {
        ngx_log_debug0(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: redis cluster: no master for the slot");
        return false;
    }
    return dispatch(call, node, false);
}

bool ngx_http_scim_redis_cluster::dispatch(call_t *call, node_t *node, bool asking) noexcept {
    if (!node->link.accepting()) return false;
    try {
        if (asking && !node->link.send({"ASKING"}, ignore_reply, nullptr, false)) return false;
        if (!node->link.send(call->argv, events::reply, call, call->write)) return false;
    } catch (...) {
        return false;
    }
    ngx_log_debug2(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: redis cluster: sent to %s%s",
                   node->name.c_str(), asking ? " after ASKING" : "");
    call->at = node;
    last_number_ = node->link.connection_number();
    return true;
}

void ngx_http_scim_redis_cluster::answer(call_t *call, redisReply *reply) noexcept {
    ngx_http_scim_redis_reply_fn fn = call->fn;
    void *privdata = call->privdata;
    delete call;
    fn(reply, privdata);
}

void ngx_http_scim_redis_cluster::on_reply(call_t *call, redisReply *reply) noexcept {
    if (reply == nullptr && !exiting_) schedule_refresh();  // a master lost: failed over?
    if (reply == nullptr || exiting_ || !scim::store::isError(*reply)) {
        answer(call, reply);
        return;
    }
    std::string_view text = scim::store::text(*reply);
    bool handled = false;
    try {
        if (auto to = scim::store::parseRedirect(text)) {
            handled = on_redirect(call, *to);
        } else if (scim::store::isRetryLater(text)) {
            handled = retry_later(call);
        } else {
            answer(call, reply);  // the caller's to judge (NOSCRIPT, …)
            return;
        }
    } catch (...) {
    }
    if (!handled) {
        ngx_log_error(NGX_LOG_WARN, log_, 0, "scim: redis cluster: gave up on a command after %*s",
                      text.size(), text.data());
        answer(call, nullptr);  // a lost store for the caller: 503 with Retry-After
    }
}

// A node answers MOVED or ASK before executing anything, so resending is safe.
bool ngx_http_scim_redis_cluster::on_redirect(call_t *call, const scim::store::Redirect &to) noexcept {
    ngx_http_scim_metrics_redis_error(to.ask ? scim::metrics::RedisError::Ask
                                             : scim::metrics::RedisError::Moved);
    if (++call->redirects > kMaxRedirects) return false;
    std::string host = to.host.empty() && call->at ? call->at->host : to.host;
    node_t *node = find_node(host, to.port);
    if (node == nullptr) return false;
    ngx_log_debug3(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: redis cluster: %s slot %ui to %s",
                   to.ask ? "ASK" : "MOVED", static_cast<ngx_uint_t>(to.slot), node->name.c_str());
    if (!to.ask) {
        slots_[to.slot] = node;
        schedule_refresh();
    }
    return dispatch(call, node, to.ask);
}

// TRYAGAIN (a migration in progress) or CLUSTERDOWN: the same command a
// moment later, while the request's deadline allows.
bool ngx_http_scim_redis_cluster::retry_later(call_t *call) noexcept {
    ngx_http_scim_metrics_redis_error(scim::metrics::RedisError::ClusterDown);
    ngx_msec_t delay = ngx_http_scim_redis_cluster_backoff(call->retries++, kRetryLaterBase, kRetryLaterMax);
    if (static_cast<ngx_msec_int_t>(call->deadline - ngx_current_msec - delay) <= 0) return false;
    call->redirects = 0;  // ASK, TRYAGAIN, ASK … is a migration, not a loop
    ngx_add_timer(&call->retry_timer, delay);
    return true;
}

ngx_http_scim_redis_cluster::node_t *ngx_http_scim_redis_cluster::find_node(const std::string &host,
                                                                          unsigned port) noexcept {
    try {
        std::string name = host + ":" + std::to_string(port);
        for (auto &node : nodes_) {
            if (node->name == name) return node.get();
        }
        ngx_http_scim_redis_peer_t peer;
        if (!peer_of(host, port, peer) && conf_->resolver == nullptr) {
            ngx_log_error(NGX_LOG_ERR, log_, 0,
                          "scim: redis cluster: node \"%s\" is not an address and no resolver "
                          "is configured",
                          name.c_str());
            return nullptr;
        }
        return add_node(peer, host, port);
    } catch (...) {
        return nullptr;
    }
}

// Starts the node's link at once: it connects, authenticates and loads the
// scripts, and queues commands meanwhile.
ngx_http_scim_redis_cluster::node_t *ngx_http_scim_redis_cluster::add_node(
    const ngx_http_scim_redis_peer_t &peer, const std::string &host, unsigned port) noexcept {
    if (nodes_.size() >= kMaxNodes) return nullptr;
    try {
        auto node = std::make_unique<node_t>();
        node->host = host;
        node->name = host + ":" + std::to_string(port);
        node->conf = *conf_;
        node->conf.cluster_seeds.clear();
        node->conf.layout_key.clear();  // checked once, where it lives
        node->conf.display = "cluster node " + node->name;
        node->conf.peer = peer;
        node->conf.port = static_cast<in_port_t>(port);
        node->conf.host = peer.socklen == 0 ? host : std::string();
        node->conf.resolver = peer.socklen == 0 ? conf_->resolver : nullptr;
        if (node->conf.tls.ssl != nullptr) {
            node->conf.tls.server_name = ngx_http_scim_redis_cluster_tls_name(*conf_, host);
        }
        nodes_.push_back(std::move(node));
    } catch (...) {
        return nullptr;
    }
    node_t *added = nodes_.back().get();
    ngx_log_debug2(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: redis cluster: node %s%s",
                   added->name.c_str(), added->conf.tls.ssl ? " over TLS" : "");
    added->link.start(&added->conf, log_);
    return added;
}

// Rate-limited: a burst of MOVED during a resharding asks once.
void ngx_http_scim_redis_cluster::schedule_refresh() noexcept {
    if (exiting_ || refreshing_ || refresh_timer_.timer_set) return;
    ngx_msec_t since = ngx_current_msec - last_refresh_;
    ngx_add_timer(&refresh_timer_, since >= kRefreshGap ? 1 : kRefreshGap - since);
}

// CLUSTER SLOTS to the next master that is up, round robin.
void ngx_http_scim_redis_cluster::refresh() noexcept {
    if (exiting_ || refreshing_) return;
    size_t n = nodes_.size();
    for (size_t i = 0; i < n; i++) {
        node_t *node = nodes_[next_node_++ % n].get();
        if (!node->link.accepting()) continue;
        try {
            if (!node->link.send({"CLUSTER", "SLOTS"}, events::slots, this, false)) continue;
        } catch (...) {
            continue;
        }
        ngx_log_debug1(NGX_LOG_DEBUG_EVENT, log_, 0, "scim: redis cluster: CLUSTER SLOTS to %s",
                       node->name.c_str());
        refreshing_ = true;
        asked_ = node;
        last_refresh_ = ngx_current_msec;
        return;
    }
    discovery_failed("no node is reachable");
}

void ngx_http_scim_redis_cluster::on_slots(redisReply *reply) noexcept {
    refreshing_ = false;
    if (exiting_) return;
    if (reply == nullptr) {
        discovery_failed("the node went away during CLUSTER SLOTS");
        return;
    }
    try {
        std::vector<scim::store::SlotRange> ranges;
        if (!scim::store::parseClusterSlots(*reply, ranges) || ranges.empty()) {
            std::string why = "CLUSTER SLOTS failed: " +
                              std::string(scim::store::isError(*reply) ? scim::store::text(*reply)
                                                                      : "no slot map");
            discovery_failed(why.c_str());
            return;
        }
        apply_slots(ranges);
    } catch (...) {
        discovery_failed("out of memory");
        return;
    }
    ngx_http_scim_metrics_redis_cluster_refresh();  // metrics hook
    attempts_ = 0;
    failure_logged_ = false;
    // Again after each refresh: a master restarted empty gets its layout key back.
    check_layout();
}

void ngx_http_scim_redis_cluster::apply_slots(const std::vector<scim::store::SlotRange> &ranges) noexcept {
    std::vector<node_t *> map(scim::store::kClusterSlots, nullptr);
    for (const scim::store::SlotRange &range : ranges) {
        // An unknown endpoint is the one of the node that answered.
        bool same_host = range.host.empty() || range.host == "?";
        node_t *node = find_node(same_host ? asked_->host : range.host, range.port);
        if (node == nullptr) continue;
        for (unsigned s = range.first; s <= range.last; s++) map[s] = node;
    }
    slots_.swap(map);
    if (!mapped_) {
        ngx_log_error(NGX_LOG_INFO, log_, 0, "scim: redis cluster: %uz ranges of slots mapped",
                      ranges.size());
    }
    mapped_ = true;
}

// Before the first map (or layout check) requests wait; once every node
// has been tried, they get 503 until the cluster answers.
void ngx_http_scim_redis_cluster::discovery_failed(const char *why) noexcept {
    if (exiting_) return;
    if (!failure_logged_) {
        ngx_log_error(NGX_LOG_ERR, log_, 0, "scim: redis cluster: %s", why);
        failure_logged_ = true;
    }
    if (++attempts_ >= nodes_.size() && !layout_ok_) {
        failed_once_ = true;
        release_waiting();
    }
    if (refresh_timer_.timer_set) ngx_del_timer(&refresh_timer_);
    ngx_add_timer(&refresh_timer_, ngx_http_scim_redis_cluster_backoff(attempts_, 100, kDiscoveryBackoffMax));
}

// GET, then SET NX where no layout key exists yet, on the master that owns
// the key's slot (routed like any command, so redirects are followed).
void ngx_http_scim_redis_cluster::check_layout() noexcept {
    call_t *call = nullptr;
    try {
        call = new_call({"GET", conf_->layout_key}, events::layout, &layout_refs_[0]);
    } catch (...) {
    }
    if (call != nullptr && route(call)) return;
    delete call;
    discovery_failed("the master of the layout key is unreachable");
}

void ngx_http_scim_redis_cluster::on_layout(redisReply *reply, int step) noexcept {
    if (exiting_ || step == 1) return;  // SET NX: the GET after it tells
    if (reply == nullptr || scim::store::isError(*reply)) {
        std::string why = "layout check failed";
        try {
            if (reply != nullptr) why += ": " + std::string(scim::store::text(*reply));
        } catch (...) {
        }
        discovery_failed(why.c_str());
        return;
    }
    std::string want = std::to_string(scim::store::kLayoutVersion);
    try {
        if (scim::store::isNil(*reply) && step == 0) {
            call_t *set = new_call({"SET", conf_->layout_key, want, "NX"}, events::layout,
                                   &layout_refs_[1]);
            call_t *get = new_call({"GET", conf_->layout_key}, events::layout, &layout_refs_[2]);
            bool sent = set != nullptr && get != nullptr && route(set);
            if (!sent) delete set;
            if (sent && route(get)) return;
            delete get;
            discovery_failed("cannot queue the layout check");
            return;
        }
        if (scim::store::text(*reply) != want) {
            std::string why = "store layout version \"" + std::string(scim::store::text(*reply)) +
                              "\" is incompatible with this module's version " + want;
            failure_logged_ = false;  // always say why
            discovery_failed(why.c_str());
            return;
        }
    } catch (...) {
        discovery_failed("out of memory");
        return;
    }
    ready();
}

void ngx_http_scim_redis_cluster::ready() noexcept {
    if (layout_ok_) return;  // a re-check after a refresh
    layout_ok_ = true;
    failed_once_ = false;
    attempts_ = 0;
    failure_logged_ = false;
    ngx_log_error(NGX_LOG_INFO, log_, 0, "scim: redis cluster: ready");
    release_waiting();
}

// Sends what waited for the first map, or fails it when there is none.
void ngx_http_scim_redis_cluster::release_waiting() noexcept {
    std::deque<call_t *> calls;
    calls.swap(waiting_);
    for (call_t *call : calls) {
        if (exiting_ || !layout_ok_ || !route(call)) answer(call, nullptr);
    }
}
