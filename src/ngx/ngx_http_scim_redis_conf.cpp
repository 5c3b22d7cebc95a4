// scim_redis* directives turned into the link's configuration: the address
// (resolved now, or by nginx's resolver at run time), the ACL user and the
// TLS context (built the way proxy_ssl_* builds its own).
#include "ngx_http_scim_module.hpp"
#include "scim/store/keys.hpp"

ngx_conf_bitmask_t ngx_http_scim_redis_ssl_protocols[] = {
    {ngx_string("SSLv2"), NGX_SSL_SSLv2},     {ngx_string("SSLv3"), NGX_SSL_SSLv3},
    {ngx_string("TLSv1"), NGX_SSL_TLSv1},     {ngx_string("TLSv1.1"), NGX_SSL_TLSv1_1},
    {ngx_string("TLSv1.2"), NGX_SSL_TLSv1_2}, {ngx_string("TLSv1.3"), NGX_SSL_TLSv1_3},
    {ngx_null_string, 0},
};

namespace {

char *conf_error() { return static_cast<char *>(NGX_CONF_ERROR); }

bool ngx_http_scim_redis_is_address(const ngx_str_t &host) {
    if (ngx_inet_addr(host.data, host.len) != INADDR_NONE) return true;
#if (NGX_HAVE_INET6)
    struct in6_addr a6;
    if (host.len > 2 && host.data[0] == '[') return true;
    if (ngx_inet6_addr(host.data, host.len, a6.s6_addr) == NGX_OK) return true;
#endif
    return false;
}

void ngx_http_scim_redis_set_peer(ngx_http_scim_redis_peer_t &peer, const ngx_addr_t &addr) {
    ngx_memcpy(&peer.sockaddr, addr.sockaddr, addr.socklen);
    peer.socklen = addr.socklen;
    peer.name = ngx_http_scim_string(addr.name);
}

char *ngx_http_scim_redis_configure_address(ngx_conf_t *cf, ngx_http_scim_main_conf_t *smcf) {
    ngx_http_scim_redis_conf_t &redis = *smcf->redis;
    static ngx_str_t fallback = ngx_string("127.0.0.1:6379");
    ngx_url_t u;
    ngx_memzero(&u, sizeof(ngx_url_t));
    u.url = smcf->redis_address.data ? smcf->redis_address : fallback;
    u.default_port = 6379;
    u.no_resolve = 1;
    if (ngx_parse_url(cf->pool, &u) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid scim_redis address \"%V\": %s", &u.url,
                           u.err ? u.err : "cannot parse");
        return conf_error();
    }
    redis.display = ngx_http_scim_string(u.url);
    if (u.family == AF_UNIX) {
        ngx_http_scim_redis_set_peer(redis.peer, u.addrs[0]);
        return NGX_CONF_OK;
    }
    redis.port = u.port;
    redis.resolver = ngx_http_scim_redis_is_address(u.host) ? nullptr : ngx_http_scim_http_resolver(cf);
    if (redis.resolver != nullptr) {
        redis.host = ngx_http_scim_string(u.host);
        return NGX_CONF_OK;
    }
    // No resolver: resolve now, as nginx does for proxy_pass.
    u.no_resolve = 0;
    u.naddrs = 0;
    u.addrs = nullptr;
    if (ngx_parse_url(cf->pool, &u) != NGX_OK || u.naddrs == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "scim_redis host \"%V\" has no address%s%s",
                           &u.host, u.err ? ": " : "", u.err ? u.err : "");
        return conf_error();
    }
    ngx_http_scim_redis_set_peer(redis.peer, u.addrs[0]);
    return NGX_CONF_OK;
}

// The name a data server's certificate must carry when
// scim_redis_ssl_server_name is not given: the host of scim_redis, or of
// the first cluster seed. A cluster seed given as an address gives none:
// each node is then verified against the address the cluster announces.
std::string ngx_http_scim_redis_default_server_name(const ngx_http_scim_main_conf_t *smcf) {
    const ngx_http_scim_redis_conf_t &redis = *smcf->redis;
    if (!redis.host.empty() || redis.peer.socklen == 0 ||
        redis.peer.sockaddr.sockaddr.sa_family == AF_UNIX) {
        return redis.host;
    }
    std::string display = redis.display;
    size_t colon = display.rfind(':');
    std::string host = display.substr(0, colon);
    if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
    ngx_str_t text{host.size(), reinterpret_cast<u_char *>(host.data())};
    if (smcf->redis_cluster != nullptr && ngx_http_scim_redis_is_address(text)) return "";
    return host;
}

// The scim_redis_ssl_* context (`ctx`), built when the data connection
// (scim_redis_ssl) or the sentinels (scim_redis_sentinel_ssl) speak TLS.
char *ngx_http_scim_redis_configure_tls(ngx_conf_t *cf, ngx_http_scim_main_conf_t *smcf,
                                        ngx_ssl_t *&ctx) {
    ngx_http_scim_redis_conf_t &redis = *smcf->redis;
    bool tls_directive = smcf->redis_ssl_trusted_certificate.data ||
                         smcf->redis_ssl_certificate.data || smcf->redis_ssl_server_name.data ||
                         smcf->redis_ssl_verify != NGX_CONF_UNSET;
    if (smcf->redis_ssl != 1 && smcf->redis_sentinel_ssl != 1) {
        if (tls_directive) {
            ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                               "scim_redis_ssl_* directives have no effect without scim_redis_ssl "
                               "on or scim_redis_sentinel_ssl on");
        }
        return NGX_CONF_OK;
    }
    ngx_conf_init_value(smcf->redis_ssl_verify, 1);
    ngx_conf_init_value(smcf->redis_ssl_verify_depth, 1);
    if (smcf->redis_ssl_protocols == 0) {
        smcf->redis_ssl_protocols = NGX_CONF_BITMASK_SET | NGX_SSL_TLSv1 | NGX_SSL_TLSv1_1 |
                                    NGX_SSL_TLSv1_2 | NGX_SSL_TLSv1_3;
    }
    static ngx_str_t default_ciphers = ngx_string("DEFAULT");
    ngx_str_t ciphers = smcf->redis_ssl_ciphers.data ? smcf->redis_ssl_ciphers : default_ciphers;

    auto *ssl = static_cast<ngx_ssl_t *>(ngx_pcalloc(cf->pool, sizeof(ngx_ssl_t)));
    if (ssl == nullptr) return conf_error();
    ssl->log = cf->log;
    if (ngx_ssl_create(ssl, smcf->redis_ssl_protocols, nullptr) != NGX_OK) return conf_error();
    ngx_pool_cleanup_t *cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == nullptr) {
        ngx_ssl_cleanup_ctx(ssl);
        return conf_error();
    }
    cln->handler = ngx_ssl_cleanup_ctx;
    cln->data = ssl;

    if (ngx_ssl_ciphers(cf, ssl, &ciphers, 0) != NGX_OK) return conf_error();
    if (smcf->redis_ssl_certificate.data) {
        if (smcf->redis_ssl_certificate_key.data == nullptr) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "no scim_redis_ssl_certificate_key for scim_redis_ssl_certificate "
                               "\"%V\"",
                               &smcf->redis_ssl_certificate);
            return conf_error();
        }
        if (ngx_ssl_certificate(cf, ssl, &smcf->redis_ssl_certificate,
                                &smcf->redis_ssl_certificate_key, nullptr) != NGX_OK) {
            return conf_error();
        }
    }

    std::string server_name = smcf->redis_ssl_server_name.data
                                  ? ngx_http_scim_string(smcf->redis_ssl_server_name)
                                  : ngx_http_scim_redis_default_server_name(smcf);
    if (smcf->redis_ssl_verify) {
        if (smcf->redis_ssl_trusted_certificate.data) {
            if (ngx_ssl_trusted_certificate(cf, ssl, &smcf->redis_ssl_trusted_certificate,
                                            smcf->redis_ssl_verify_depth) != NGX_OK) {
                return conf_error();
            }
        } else if (SSL_CTX_set_default_verify_paths(ssl->ctx) != 1) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "scim_redis_ssl_verify: cannot load the system's CA certificates; "
                               "set scim_redis_ssl_trusted_certificate");
            return conf_error();
        } else {
            SSL_CTX_set_verify_depth(ssl->ctx, static_cast<int>(smcf->redis_ssl_verify_depth));
        }
        // Under Sentinel or Cluster, an empty name verifies the address (or
        // name) the sentinels or the cluster announce.
        if (smcf->redis_ssl == 1 && server_name.empty() && smcf->redis_sentinel == nullptr &&
            smcf->redis_cluster == nullptr) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "scim_redis_ssl_verify needs scim_redis_ssl_server_name for \"%V\"",
                               &smcf->redis_address);
            return conf_error();
        }
    }
    ctx = ssl;
    if (smcf->redis_ssl != 1) return NGX_CONF_OK;  // for the sentinels only
    redis.tls.ssl = ssl;
    redis.tls.server_name = server_name;
    redis.tls.verify = smcf->redis_ssl_verify == 1;
    redis.tls_name_given = smcf->redis_ssl_server_name.data != nullptr;
    return NGX_CONF_OK;
}

}  // namespace

ngx_resolver_t *ngx_http_scim_http_resolver(ngx_conf_t *cf) noexcept {
    auto *clcf = static_cast<ngx_http_core_loc_conf_t *>(
        ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));
    ngx_resolver_t *r = clcf->resolver;
    if (r == nullptr || r == NGX_CONF_UNSET_PTR || r->connections.nelts == 0) return nullptr;
    return r;
}

char *ngx_http_scim_redis_configure(ngx_conf_t *cf, ngx_http_scim_main_conf_t *smcf) noexcept {
    try {
        ngx_http_scim_redis_conf_t &redis = *smcf->redis;
        if (!smcf->redis_sentinel && smcf->redis_sentinel_ssl == 1) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "scim_redis_sentinel_ssl on needs scim_redis_sentinel");
            return conf_error();
        }
        if (!smcf->redis_sentinel &&
            (smcf->redis_sentinel_password.data || smcf->redis_sentinel_username.data ||
             smcf->redis_sentinel_ssl_server_name.data)) {
            ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                               "scim_redis_sentinel_* directives have no effect without "
                               "scim_redis_sentinel");
        }
        if (smcf->redis_sentinel && smcf->redis_cluster) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "scim_redis_sentinel and scim_redis_cluster are exclusive: "
                               "use one of them");
            return conf_error();
        }
        char *rv = smcf->redis_cluster    ? ngx_http_scim_redis_cluster_configure(cf, smcf)
                   : smcf->redis_sentinel ? NGX_CONF_OK  // after TLS: it may use the context
                                          : ngx_http_scim_redis_configure_address(cf, smcf);
        if (rv != NGX_CONF_OK) return rv;
        ngx_ssl_t *ssl = nullptr;
        rv = ngx_http_scim_redis_configure_tls(cf, smcf, ssl);
        if (rv != NGX_CONF_OK) return rv;
        if (smcf->redis_sentinel) {
            rv = ngx_http_scim_redis_sentinel_configure(cf, smcf, ssl);
            if (rv != NGX_CONF_OK) return rv;
        }
        redis.username = ngx_http_scim_string(smcf->redis_username);
        redis.password = ngx_http_scim_string(smcf->redis_password);
        if (!redis.username.empty() && redis.password.empty()) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "scim_redis_username \"%V\" needs scim_redis_password",
                               &smcf->redis_username);
            return conf_error();
        }
        redis.db = smcf->redis_db;
        redis.connect_timeout = smcf->redis_connect_timeout;
        redis.command_timeout = smcf->redis_timeout;
        rv = ngx_http_scim_redis_wait_configure(cf, smcf);
        if (rv != NGX_CONF_OK) return rv;
        std::string prefix = ngx_http_scim_string(smcf->redis_prefix);  // set by init_main_conf
        redis.layout_key = scim::store::KeySpace(prefix, "").layout();
    } catch (...) {
        return conf_error();
    }
    return NGX_CONF_OK;
}
