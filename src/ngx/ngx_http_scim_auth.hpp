// Bearer-token authentication for the SCIM and admin locations.
//
// SCIM: the SHA-256 of the presented token (from the worker's
// TokenDigestCache when the token was seen lately) is looked up in the location's
// static tokens (constant time), then, with `scim_redis_tokens on`, in the
// worker's cache of Redis answers, and only on a miss in Redis itself: one
// HMGET on the worker's link, answered in a callback (the request waits,
// nothing blocks). Failures are logged for audit with the token's name or a
// hash prefix, never the secret, and at most a few lines per second.
#pragma once

#include <optional>
#include <string>

#include "ngx_http_scim_module.hpp"
#include "scim/ids.hpp"
#include "scim/store/command.hpp"

struct ngx_http_scim_auth_t {
    std::string required_tenant;  // from `scim_tenant $var`; empty when the token decides
    scim::Sha256Digest sha256;    // of the presented token
    // Set once accepted:
    std::string tenant;
    std::string token_name;
};

enum class ngx_http_scim_auth_rc { accepted, refused, lookup };

// Static tokens, then the cache. `lookup` means: send
// ngx_http_scim_auth_lookup() and pass its reply to ngx_http_scim_auth_reply().
ngx_http_scim_auth_rc ngx_http_scim_auth_start(ngx_http_request_t *r,
                                               const ngx_http_scim_loc_conf_t *slcf,
                                               ngx_http_scim_auth_t &auth);
scim::store::Command ngx_http_scim_auth_lookup(const ngx_http_scim_loc_conf_t *slcf,
                                               const ngx_http_scim_auth_t &auth);
// nullopt when the reply is not what a look-up returns (the store's fault: 503).
std::optional<ngx_http_scim_auth_rc> ngx_http_scim_auth_reply(ngx_http_request_t *r,
                                                              const ngx_http_scim_loc_conf_t *slcf,
                                                              ngx_http_scim_auth_t &auth,
                                                              const redisReply &reply);

// The admin location's own credential (scim_admin_token).
bool ngx_http_scim_admin_authenticate(ngx_http_request_t *r, const ngx_http_scim_loc_conf_t *slcf);

// Called from init_process with scim_token_cache_ttl.
void ngx_http_scim_token_cache_init(ngx_msec_t ttl);
