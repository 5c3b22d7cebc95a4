// scim_redis_sentinel* directives turned into the sentinels' configuration
// (ngx_http_scim_redis_sentinel_conf_t): the master's name, each sentinel's
// address (resolved now, or by nginx's resolver at run time) and the
// credentials the sentinels want.
#include "ngx_http_scim_module.hpp"

namespace {

constexpr ngx_uint_t kMaxSentinels = 32;

char *conf_error() { return static_cast<char *>(NGX_CONF_ERROR); }

bool ngx_http_scim_redis_parse_sentinel(ngx_conf_t *cf, const ngx_str_t &text, ngx_url_t &u, bool resolve) {
    ngx_memzero(&u, sizeof(ngx_url_t));
    u.url = text;
    u.default_port = 26379;
    u.no_resolve = resolve ? 0 : 1;
    return ngx_parse_url(cf->pool, &u) == NGX_OK;
}

// A master name as Sentinel accepts it in `sentinel monitor`: one word.
bool ngx_http_scim_redis_valid_master_name(const ngx_str_t &name) {
    if (name.len == 0 || name.len > 128) return false;
    for (size_t i = 0; i < name.len; i++) {
        if (name.data[i] <= ' ' || name.data[i] == 0x7f) return false;
    }
    return true;
}

bool ngx_http_scim_redis_add_sentinel(ngx_conf_t *cf, ngx_http_scim_redis_sentinel_conf_t &conf, ngx_str_t text) {
    ngx_url_t u;
    ngx_http_scim_redis_parse_sentinel(cf, text, u, false);  // checked by the directive
    ngx_http_scim_redis_sentinel_conf_t::sentinel_t s;
    s.display = ngx_http_scim_string(text);
    if (u.family != AF_UNIX) {
        s.port = u.port;
        std::string host = ngx_http_scim_string(u.host);
        if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
        s.tls.server_name = host;  // verified when scim_redis_sentinel_ssl is on
        if (ngx_http_scim_redis_peer_from_ip(host, u.port, s.peer)) {
            s.peer.name = s.display;
        } else if (conf.resolver != nullptr) {
            s.host = host;  // resolved at each question
        } else if (!ngx_http_scim_redis_parse_sentinel(cf, text, u, true) || u.naddrs == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "scim_redis_sentinel host \"%V\" has no address%s%s",
                               &u.host, u.err ? ": " : "", u.err ? u.err : "");
            return false;
        }
    }
    if (s.peer.socklen == 0 && s.host.empty()) {  // a unix socket, or a name resolved now
        ngx_memcpy(&s.peer.sockaddr, u.addrs[0].sockaddr, u.addrs[0].socklen);
        s.peer.socklen = u.addrs[0].socklen;
        s.peer.name = s.display;
    }
    conf.sentinels.push_back(std::move(s));
    return true;
}

// scim_redis_sentinel_ssl on: every sentinel is spoken to over TLS with the
// scim_redis_ssl_* context; its certificate must carry
// scim_redis_sentinel_ssl_server_name, else the sentinel's host as written.
bool ngx_http_scim_redis_sentinel_tls(ngx_conf_t *cf, ngx_http_scim_main_conf_t *smcf, ngx_ssl_t *ssl,
                                      ngx_http_scim_redis_sentinel_conf_t &conf) {
    if (smcf->redis_sentinel_ssl != 1) {
        if (smcf->redis_sentinel_ssl_server_name.data) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "scim_redis_sentinel_ssl_server_name \"%V\" needs "
                               "scim_redis_sentinel_ssl on",
                               &smcf->redis_sentinel_ssl_server_name);
            return false;
        }
        return true;
    }
    for (auto &s : conf.sentinels) {
        if (s.peer.socklen != 0 && s.peer.sockaddr.sockaddr.sa_family == AF_UNIX) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "scim_redis_sentinel_ssl: sentinel \"%s\" is a unix socket; "
                               "TLS needs a TCP address",
                               s.display.c_str());
            return false;
        }
        s.tls.ssl = ssl;
        s.tls.verify = smcf->redis_ssl_verify == 1;
        if (smcf->redis_sentinel_ssl_server_name.data) {
            s.tls.server_name = ngx_http_scim_string(smcf->redis_sentinel_ssl_server_name);
        }
    }
    return true;
}

}  // namespace

// scim_redis_sentinel <master name> <host:port> [<host:port> ...]
// Only the syntax here; addresses are turned into peers once the http{}
// block (and its `resolver`) is read.
char *ngx_http_scim_redis_sentinel_directive(ngx_conf_t *cf, ngx_command_t *, void *conf) noexcept {
    auto *smcf = static_cast<ngx_http_scim_main_conf_t *>(conf);
    if (smcf->redis_sentinel != nullptr) return const_cast<char *>("is duplicate");
    auto *value = static_cast<ngx_str_t *>(cf->args->elts);
    if (!ngx_http_scim_redis_valid_master_name(value[1])) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid scim_redis_sentinel master name \"%V\": one word of up to 128 "
                           "bytes is expected",
                           &value[1]);
        return conf_error();
    }
    if (cf->args->nelts - 2 > kMaxSentinels) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "scim_redis_sentinel: at most %ui sentinels",
                           kMaxSentinels);
        return conf_error();
    }
    for (ngx_uint_t i = 2; i < cf->args->nelts; i++) {
        ngx_url_t u;
        if (!ngx_http_scim_redis_parse_sentinel(cf, value[i], u, false)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid scim_redis_sentinel address \"%V\": %s",
                               &value[i], u.err ? u.err : "cannot parse");
            return conf_error();
        }
        for (ngx_uint_t j = 2; j < i; j++) {
            if (value[j].len == value[i].len &&
                ngx_strncmp(value[j].data, value[i].data, value[i].len) == 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "scim_redis_sentinel address \"%V\" is given twice", &value[i]);
                return conf_error();
            }
        }
    }
    smcf->redis_sentinel = ngx_array_create(cf->pool, cf->args->nelts - 1, sizeof(ngx_str_t));
    if (smcf->redis_sentinel == nullptr) return conf_error();
    for (ngx_uint_t i = 1; i < cf->args->nelts; i++) {
        auto *slot = static_cast<ngx_str_t *>(ngx_array_push(smcf->redis_sentinel));
        *slot = value[i];
    }
    return NGX_CONF_OK;
}

// Called instead of the scim_redis address's configuration, after the TLS
// context (`ssl`, nullptr when neither side speaks TLS) is built.
char *ngx_http_scim_redis_sentinel_configure(ngx_conf_t *cf, ngx_http_scim_main_conf_t *smcf,
                                             ngx_ssl_t *ssl) {
    if (smcf->redis_address.data != nullptr) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "scim_redis \"%V\" and scim_redis_sentinel are exclusive: the sentinels "
                           "name the master",
                           &smcf->redis_address);
        return conf_error();
    }
    if (smcf->redis_sentinel_username.data && !smcf->redis_sentinel_password.data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "scim_redis_sentinel_username \"%V\" needs scim_redis_sentinel_password",
                           &smcf->redis_sentinel_username);
        return conf_error();
    }
    auto *conf = ngx_http_scim_pool_new<ngx_http_scim_redis_sentinel_conf_t>(cf->pool);
    if (conf == nullptr) return conf_error();
    auto *value = static_cast<ngx_str_t *>(smcf->redis_sentinel->elts);
    ngx_http_scim_redis_conf_t &redis = *smcf->redis;
    redis.resolver = ngx_http_scim_http_resolver(cf);  // for a master named by host name
    conf->resolver = redis.resolver;
    conf->master_name = ngx_http_scim_string(value[0]);
    conf->username = ngx_http_scim_string(smcf->redis_sentinel_username);
    conf->password = ngx_http_scim_string(smcf->redis_sentinel_password);
    conf->timeout = smcf->redis_connect_timeout;
    for (ngx_uint_t i = 1; i < smcf->redis_sentinel->nelts; i++) {
        if (!ngx_http_scim_redis_add_sentinel(cf, *conf, value[i])) return conf_error();
    }
    if (!ngx_http_scim_redis_sentinel_tls(cf, smcf, ssl, *conf)) return conf_error();
    redis.display = "master \"" + conf->master_name + "\"";
    redis.sentinel = conf;
    return NGX_CONF_OK;
}
