#include "ngx_http_scim_auth.hpp"

#include "ngx_http_scim_clock.hpp"
#include "ngx_http_scim_metrics.hpp"

#include <algorithm>

#include "scim/ids.hpp"
#include "scim/log_throttle.hpp"
#include "scim/store/token_scripts.hpp"
#include "scim/token_cache.hpp"
#include "scim/token_check.hpp"
#include "scim/tokens.hpp"

namespace {

constexpr size_t kCacheEntries = 10000;
constexpr int64_t kNegativeTtlMillis = 1000;
constexpr unsigned kAuditLinesPerSecond = 10;

scim::TokenCache &ngx_http_scim_token_cache() {
    static scim::TokenCache cache([] { return static_cast<int64_t>(ngx_current_msec); });
    return cache;
}

// The digests of the tokens this worker saw last (docs/directives.md,
// scim_token, says what that keeps in memory).
scim::TokenDigestCache &ngx_http_scim_token_digests() {
    static scim::TokenDigestCache digests;
    return digests;
}

std::string ngx_http_scim_hash_label(const scim::Sha256Digest &sha256) {
    return "sha256:" + std::string(sha256.view().substr(0, 8));
}

// One audit line, unless the throttle says the log has had enough this
// second; the next line that gets through counts what was left out.
void ngx_http_scim_audit(ngx_http_request_t *r, ngx_uint_t level, const std::string &what) {
    // Apart per level, so that a flood of unknown tokens cannot hide the
    // warning about a revoked one.
    static scim::LogThrottle info_throttle(kAuditLinesPerSecond), warn_throttle(kAuditLinesPerSecond);
    scim::LogThrottle &throttle = level == NGX_LOG_INFO ? info_throttle : warn_throttle;
    unsigned long suppressed = 0;
    if (r->connection->log->log_level < level) return;
    if (!throttle.allow(static_cast<int64_t>(ngx_current_msec), suppressed)) return;
    if (suppressed) {
        ngx_log_error(level, r->connection->log, 0,
                      "scim: authentication failed: %s (%ul similar lines suppressed)",
                      what.c_str(), suppressed);
    } else {
        ngx_log_error(level, r->connection->log, 0, "scim: authentication failed: %s",
                      what.c_str());
    }
}

scim::metrics::AuthFailure ngx_http_scim_failure_of(scim::TokenVerdict verdict) {
    switch (verdict) {
    case scim::TokenVerdict::Revoked: return scim::metrics::AuthFailure::Revoked;
    case scim::TokenVerdict::Expired: return scim::metrics::AuthFailure::Expired;
    case scim::TokenVerdict::WrongTenant: return scim::metrics::AuthFailure::WrongTenant;
    default: return scim::metrics::AuthFailure::Unknown;
    }
}

void ngx_http_scim_audit_refusal(ngx_http_request_t *r, scim::TokenVerdict verdict,
                                 const scim::CachedToken &t, const ngx_http_scim_auth_t &auth) {
    ngx_http_scim_metrics_auth_failure(ngx_http_scim_failure_of(verdict));
    std::string who = ngx_http_scim_hash_label(auth.sha256);
    if (verdict == scim::TokenVerdict::Unknown) {
        // Scanners send these all day: informational.
        ngx_http_scim_audit(r, NGX_LOG_INFO, std::string("unknown token ") + who);
        return;
    }
    // A known token used where it may not be: worth an operator's attention.
    std::string what = std::string(scim::verdictText(verdict)) + " \"" + t.name + "\" (" + who + ")";
    if (!t.tenant.empty()) what += " of tenant \"" + t.tenant + "\"";
    if (verdict == scim::TokenVerdict::WrongTenant) {
        what += " used for tenant \"" + auth.required_tenant + "\"";
    }
    ngx_http_scim_audit(r, NGX_LOG_WARN, what);
}

void ngx_http_scim_ignore_reply(redisReply *, void *) noexcept {}

// Best effort and rate-limited: a lost update only makes lastUsed older.
void ngx_http_scim_touch(const ngx_http_scim_loc_conf_t *slcf, const std::string &sha256) {
    auto &link = ngx_http_scim_redis();
    if (!link.accepting() || !ngx_http_scim_token_cache().shouldTouch(sha256)) return;
    scim::store::TokenKeys keys(slcf->service->keyPrefix);
    link.send(scim::store::touchToken(keys, sha256, ngx_http_scim_now_millis()).argv(),
              ngx_http_scim_ignore_reply, nullptr, false);  // never held for WAIT
}

ngx_http_scim_auth_rc ngx_http_scim_decide(ngx_http_request_t *r, const scim::CachedToken &t,
                                           ngx_http_scim_auth_t &auth) {
    scim::TokenVerdict verdict =
        scim::checkToken(t, ngx_http_scim_now_millis(), auth.required_tenant);
    if (verdict != scim::TokenVerdict::Accepted) {
        ngx_http_scim_audit_refusal(r, verdict, t, auth);
        return ngx_http_scim_auth_rc::refused;
    }
    auth.tenant = t.tenant;
    auth.token_name = t.name;
    return ngx_http_scim_auth_rc::accepted;
}

// The bearer token; a refusal for want of one is counted and logged here.
std::optional<std::string_view> ngx_http_scim_presented_token(ngx_http_request_t *r,
                                                              const char *what) {
    if (r->headers_in.authorization == nullptr) {
        ngx_http_scim_metrics_auth_failure(scim::metrics::AuthFailure::Missing);
        ngx_http_scim_audit(r, NGX_LOG_INFO, std::string("no bearer token") + what);
        return std::nullopt;
    }
    auto token = scim::bearerToken(ngx_http_scim_view(r->headers_in.authorization->value));
    if (!token) {
        ngx_http_scim_metrics_auth_failure(scim::metrics::AuthFailure::Malformed);
        ngx_http_scim_audit(r, NGX_LOG_INFO, std::string("malformed Authorization header") + what);
    }
    return token;
}

}  // namespace

ngx_http_scim_auth_rc ngx_http_scim_auth_start(ngx_http_request_t *r,
                                               const ngx_http_scim_loc_conf_t *slcf,
                                               ngx_http_scim_auth_t &auth) {
    auto token = ngx_http_scim_presented_token(r, "");
    if (!token) return ngx_http_scim_auth_rc::refused;
    auth.sha256 = ngx_http_scim_token_digests().digest(*token);
    if (const scim::TokenEntry *entry = slcf->token_set->find(auth.sha256)) {
        scim::CachedToken t{scim::CachedToken::Status::Valid, entry->tenant, entry->name, 0};
        return ngx_http_scim_decide(r, t, auth);
    }
    if (!slcf->redis_tokens) {
        ngx_http_scim_audit_refusal(r, scim::TokenVerdict::Unknown, {}, auth);
        return ngx_http_scim_auth_rc::refused;
    }
    std::string sha256 = auth.sha256.str();
    auto cached = ngx_http_scim_token_cache().find(sha256);
    ngx_http_scim_metrics_token_cache(cached.has_value());
    if (cached) {
        ngx_http_scim_auth_rc rc = ngx_http_scim_decide(r, *cached, auth);
        if (rc == ngx_http_scim_auth_rc::accepted) ngx_http_scim_touch(slcf, sha256);
        return rc;
    }
    return ngx_http_scim_auth_rc::lookup;
}

scim::store::Command ngx_http_scim_auth_lookup(const ngx_http_scim_loc_conf_t *slcf,
                                               const ngx_http_scim_auth_t &auth) {
    return scim::store::tokenLookup(scim::store::TokenKeys(slcf->service->keyPrefix),
                                    auth.sha256.view());
}

std::optional<ngx_http_scim_auth_rc> ngx_http_scim_auth_reply(ngx_http_request_t *r,
                                                              const ngx_http_scim_loc_conf_t *slcf,
                                                              ngx_http_scim_auth_t &auth,
                                                              const redisReply &reply) {
    auto found = scim::store::parseTokenLookup(reply);
    if (!found) return std::nullopt;
    std::string sha256 = auth.sha256.str();
    ngx_http_scim_token_cache().remember(sha256, *found);
    ngx_http_scim_auth_rc rc = ngx_http_scim_decide(r, *found, auth);
    if (rc == ngx_http_scim_auth_rc::accepted) ngx_http_scim_touch(slcf, sha256);
    return rc;
}

bool ngx_http_scim_admin_authenticate(ngx_http_request_t *r, const ngx_http_scim_loc_conf_t *slcf) {
    auto token = ngx_http_scim_presented_token(r, " for the admin API");
    if (!token) return false;
    scim::Sha256Digest sha256 = ngx_http_scim_token_digests().digest(*token);
    if (slcf->admin_token_set->find(sha256)) return true;
    ngx_http_scim_metrics_auth_failure(scim::metrics::AuthFailure::Unknown);
    ngx_http_scim_audit(r, NGX_LOG_WARN, "unknown admin token " + ngx_http_scim_hash_label(sha256));
    return false;
}

void ngx_http_scim_token_cache_init(ngx_msec_t ttl) {
    scim::TokenCache::Limits limits;
    limits.ttlMillis = static_cast<int64_t>(ttl);
    limits.negativeTtlMillis = std::min<int64_t>(kNegativeTtlMillis, limits.ttlMillis);
    limits.capacity = kCacheEntries;
    ngx_http_scim_token_cache().configure(limits);
    ngx_http_scim_token_cache().clear();
    ngx_http_scim_token_digests().clear();
}
