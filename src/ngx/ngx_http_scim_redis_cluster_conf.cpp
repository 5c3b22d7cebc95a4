// scim_redis_cluster: the seed nodes of a Redis Cluster. TLS, the ACL user
// and the password of the scim_redis_* directives apply to every node; a
// cluster has database 0 only.
#include "ngx_http_scim_module.hpp"

namespace {

char *conf_error() { return static_cast<char *>(NGX_CONF_ERROR); }

// Seeds are resolved now, as nginx does for proxy_pass; the nodes the
// cluster names later are used as given.
bool ngx_http_scim_redis_cluster_add_seed(ngx_conf_t *cf, const ngx_str_t &text, ngx_http_scim_redis_conf_t &redis) {
    ngx_url_t u;
    ngx_memzero(&u, sizeof(ngx_url_t));
    u.url = text;
    u.default_port = 6379;
    if (ngx_parse_url(cf->pool, &u) != NGX_OK || u.naddrs == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid scim_redis_cluster node \"%V\": %s",
                           &u.url, u.err ? u.err : "no address");
        return false;
    }
    if (u.family == AF_UNIX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "scim_redis_cluster node \"%V\": a cluster is reached over TCP", &u.url);
        return false;
    }
    for (ngx_uint_t i = 0; i < u.naddrs; i++) {
        ngx_http_scim_redis_peer_t peer;
        ngx_memcpy(&peer.sockaddr, u.addrs[i].sockaddr, u.addrs[i].socklen);
        peer.socklen = u.addrs[i].socklen;
        peer.name = ngx_http_scim_string(u.addrs[i].name);
        redis.cluster_seeds.push_back(std::move(peer));
    }
    if (redis.display.empty()) {  // names the cluster in logs and in TLS
        redis.display = ngx_http_scim_string(u.url);
        redis.peer = redis.cluster_seeds.front();
    }
    return true;
}

}  // namespace

char *ngx_http_scim_redis_cluster_directive(ngx_conf_t *cf, ngx_command_t *, void *conf) noexcept {
    auto *smcf = static_cast<ngx_http_scim_main_conf_t *>(conf);
    if (smcf->redis_cluster != nullptr) return const_cast<char *>("is duplicate");
    smcf->redis_cluster = ngx_array_create(cf->pool, cf->args->nelts, sizeof(ngx_str_t));
    if (smcf->redis_cluster == nullptr) return conf_error();
    auto *value = static_cast<ngx_str_t *>(cf->args->elts);
    for (ngx_uint_t i = 1; i < cf->args->nelts; i++) {
        auto *seed = static_cast<ngx_str_t *>(ngx_array_push(smcf->redis_cluster));
        if (seed == nullptr) return conf_error();
        *seed = value[i];
    }
    return NGX_CONF_OK;
}

char *ngx_http_scim_redis_cluster_configure(ngx_conf_t *cf, ngx_http_scim_main_conf_t *smcf) noexcept {
    if (smcf->redis_address.data != nullptr) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "scim_redis_cluster and scim_redis are exclusive: use one of them");
        return conf_error();
    }
    if (smcf->redis_db != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "scim_redis_db %i: a Redis Cluster has database 0 only",
                           smcf->redis_db);
        return conf_error();
    }
    try {
        auto *seeds = static_cast<ngx_str_t *>(smcf->redis_cluster->elts);
        for (ngx_uint_t i = 0; i < smcf->redis_cluster->nelts; i++) {
            if (!ngx_http_scim_redis_cluster_add_seed(cf, seeds[i], *smcf->redis)) return conf_error();
        }
    } catch (...) {
        return conf_error();
    }
    return NGX_CONF_OK;
}
