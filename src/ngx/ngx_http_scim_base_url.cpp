// scim_base_url, and the computed base URL without it.
//
// The computed form trusts the client's Host header only when it names this
// server (one of its server_names, as nginx matches them); any other Host
// (a request that reached the default server by fallback) is replaced by
// the server's first usable server_name and the listening port, the way
// nginx builds its own absolute redirects.
#include "ngx_http_scim_base_url.hpp"

#include <algorithm>

#include "scim/base_url.hpp"

namespace {

bool ngx_http_scim_is_https(ngx_http_request_t *r) {
#if (NGX_HTTP_SSL)
    return r->connection->ssl != nullptr;
#else
    (void)r;
    return false;
#endif
}

bool ngx_http_scim_host_is_served(ngx_http_request_t *r,
                                  const ngx_http_scim_server_names_t &server) {
    ngx_str_t host = r->headers_in.server;  // lowercase, without the port
    if (host.len == 0) return false;
    for (const std::string &name : server.names) {
        if (scim::serverNameMatches(name, ngx_http_scim_view(host))) return true;
    }
#if (NGX_PCRE)
    for (ngx_http_regex_t *re : server.regexes) {
        // Not ngx_http_regex_exec: the captures must not set variables.
        if (ngx_regex_exec(re->regex, &host, nullptr, 0) >= 0) return true;
    }
#endif
    return false;
}

// The connection's local address as text. The last one formatted is
// remembered: a worker listens on few addresses, and ngx_sock_ntop costs
// about 650 instructions a request (bench/README.md, "Session 8").
std::string_view ngx_http_scim_local_address(ngx_connection_t *c) {
    static ngx_sockaddr_t last_addr;
    static socklen_t last_len = 0;
    static u_char text[NGX_SOCKADDR_STRLEN];
    static size_t text_len = 0;
    if (c->local_socklen > sizeof last_addr) {
        last_len = 0;
        text_len = ngx_sock_ntop(c->local_sockaddr, c->local_socklen, text, sizeof text, 0);
    } else if (c->local_socklen != last_len ||
               ngx_memcmp(c->local_sockaddr, &last_addr, c->local_socklen) != 0) {
        text_len = ngx_sock_ntop(c->local_sockaddr, c->local_socklen, text, sizeof text, 0);
        last_len = c->local_socklen;
        ngx_memcpy(&last_addr, c->local_sockaddr, c->local_socklen);
    }
    return {reinterpret_cast<const char *>(text), text_len};
}

// The server's first name that names one host, else the local address.
bool ngx_http_scim_append_server_host(ngx_http_request_t *r,
                                      const ngx_http_scim_server_names_t &server,
                                      std::string &url) {
    if (!server.host.empty()) {
        url += server.host;
        return true;
    }
    if (ngx_connection_local_sockaddr(r->connection, nullptr, 0) != NGX_OK) return false;
    bool ipv6 = r->connection->local_sockaddr->sa_family == AF_INET6;
    url += ipv6 ? "[" : "";
    url += ngx_http_scim_local_address(r->connection);
    url += ipv6 ? "]" : "";
    return true;
}

// The listening port unless it is the scheme's default, as nginx's
// redirects do (port_in_redirect).
void ngx_http_scim_append_port(ngx_http_request_t *r, bool https, std::string &url) {
    auto *clcf = static_cast<ngx_http_core_loc_conf_t *>(
        ngx_http_get_module_loc_conf(r, ngx_http_core_module));
    if (!clcf->port_in_redirect) return;
    if (ngx_connection_local_sockaddr(r->connection, nullptr, 0) != NGX_OK) return;
    in_port_t port = ngx_inet_get_port(r->connection->local_sockaddr);
    if (port != 0 && port != (https ? 443 : 80)) {
        url += ':';
        url += std::to_string(port);
    }
}

std::string ngx_http_scim_computed_base_url(ngx_http_request_t *r,
                                            const ngx_http_scim_loc_conf_t *slcf,
                                            std::string_view base) {
    bool https = ngx_http_scim_is_https(r);
    std::string url;
    // Room for the longest of the forms below: one allocation per request.
    size_t host = r->headers_in.host != nullptr ? r->headers_in.host->value.len : 0;
    url.reserve(sizeof "https://[]:65535" + std::max<size_t>(host, NGX_SOCKADDR_STRLEN) +
                slcf->server_names->host.size() + base.size());
    url += https ? "https://" : "http://";
    const ngx_http_scim_server_names_t &server = *slcf->server_names;
    if (r->headers_in.host != nullptr && ngx_http_scim_host_is_served(r, server)) {
        url += ngx_http_scim_view(r->headers_in.host->value);  // as the client wrote it, port included
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "scim base url: host \"%V\" is a server_name", &r->headers_in.server);
    } else {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "scim base url: host \"%V\" is no server_name, using the server's",
                       &r->headers_in.server);
        if (!ngx_http_scim_append_server_host(r, server, url)) url += "localhost";
        ngx_http_scim_append_port(r, https, url);
    }
    url += base;
    return url;
}

// A bad evaluated value is the configuration's fault, not the client's: it
// is said once per worker, not once per request.
void ngx_http_scim_warn_bad_base_url(ngx_http_request_t *r, const ngx_str_t &value,
                                     const std::string &why) {
    static bool warned = false;
    if (warned) return;
    warned = true;
    std::string shown(ngx_http_scim_view(value).substr(0, 256));
    for (char &c : shown) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    }
    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "scim_base_url evaluated to \"%s\", which is not a base URL (%s): using the "
                  "computed URL instead; said once per worker",
                  shown.c_str(), why.c_str());
}

}  // namespace

std::string ngx_http_scim_base_url(ngx_http_request_t *r, const ngx_http_scim_loc_conf_t *slcf,
                                   std::string_view base) {
    if (slcf->base_url == nullptr) return ngx_http_scim_computed_base_url(r, slcf, base);
    ngx_str_t value;
    if (ngx_http_complex_value(r, slcf->base_url, &value) != NGX_OK) {
        return ngx_http_scim_computed_base_url(r, slcf, base);
    }
    if (auto err = scim::baseUrlError(ngx_http_scim_view(value))) {
        ngx_http_scim_warn_bad_base_url(r, value, *err);
        return ngx_http_scim_computed_base_url(r, slcf, base);
    }
    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0, "scim base url: \"%V\"", &value);
    return std::string(scim::trimBaseUrl(ngx_http_scim_view(value)));
}

ngx_http_scim_server_names_t *ngx_http_scim_server_names(ngx_conf_t *cf) noexcept {
    auto *server = ngx_http_scim_pool_new<ngx_http_scim_server_names_t>(cf->pool);
    if (server == nullptr) return nullptr;
    auto *cscf = static_cast<ngx_http_core_srv_conf_t *>(
        ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module));
    auto *names = static_cast<ngx_http_server_name_t *>(cscf->server_names.elts);
    try {
        for (ngx_uint_t i = 0; i < cscf->server_names.nelts; i++) {
#if (NGX_PCRE)
            if (names[i].regex != nullptr) {
                server->regexes.push_back(names[i].regex);
                continue;
            }
#endif
            std::string_view name = ngx_http_scim_view(names[i].name);
            server->names.emplace_back(name);
            if (server->host.empty()) server->host = std::string(scim::serverNameAsHost(name));
        }
    } catch (...) {
        return nullptr;
    }
    return server;
}
