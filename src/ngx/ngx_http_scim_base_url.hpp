// The public base URL of a request: scim_base_url evaluated when set and
// valid, else computed from the connection and the server's names. Every
// URL the module returns starts with it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ngx_http_scim_module.hpp"

// The server's names, copied at configuration time: nginx keeps its own
// list (cscf->server_names) in the configuration's temporary pool only.
struct ngx_http_scim_server_names_t {
    std::vector<std::string> names;        // exact and wildcard, lowercase
#if (NGX_PCRE)
    std::vector<ngx_http_regex_t *> regexes;  // "~…" names, in cf->pool
#endif
    std::string host;  // the first name that names one host; empty: none
};

// The names of the server being configured (call from merge_loc_conf);
// nullptr on allocation failure.
ngx_http_scim_server_names_t *ngx_http_scim_server_names(ngx_conf_t *cf) noexcept;

// `base` is the request's path up to the SCIM endpoint ("/scim/v2"); it is
// used only by the computed form.
std::string ngx_http_scim_base_url(ngx_http_request_t *r, const ngx_http_scim_loc_conf_t *slcf,
                                   std::string_view base);
