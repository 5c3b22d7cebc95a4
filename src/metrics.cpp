#include "scim/metrics.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "scim/store/group_commit.hpp"
#include "scim/store/scripts.hpp"
#include "scim/strings.hpp"

namespace scim::metrics {

const char *label(Resource r) {
    static const char *const names[] = {"users", "groups", "discovery", "search",
                                        "bulk",  "me",     "admin",     "none"};
    return names[index(r)];
}

const char *label(Method m) {
    static const char *const names[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "OTHER"};
    return names[index(m)];
}

const char *label(RedisKind k) {
    static const char *const names[] = {"read", "write", "auth", "admin"};
    return names[index(k)];
}

const char *label(RedisError e) {
    static const char *const names[] = {"timeout",  "disconnect", "reply",       "noscript",
                                        "readonly", "moved",      "ask",         "clusterdown",
                                        "unconfirmed"};
    return names[index(e)];
}

const char *label(AuthFailure a) {
    static const char *const names[] = {"missing", "malformed", "unknown",
                                        "revoked", "expired",   "wrong_tenant"};
    return names[index(a)];
}

const char *label(WriteOp op) {
    static const char *const names[] = {"create", "replace", "patch", "delete"};
    return names[index(op)];
}

namespace cell {

size_t requests(Resource r, Method m, int code) {
    size_t c = (code >= kFirstCode && code < kFirstCode + static_cast<int>(kCodes))
                   ? static_cast<size_t>(code - kFirstCode)
                   : kCodes - 1;
    return kRequests + (index(r) * count<Method>() + index(m)) * kCodes + c;
}

size_t httpDuration(Resource r, Method m) {
    return kHttpDuration + (index(r) * count<Method>() + index(m)) * kHttpHistogramCells;
}

size_t redisDuration(RedisKind k) { return kRedisDuration + index(k) * kRedisHistogramCells; }

}  // namespace cell

size_t bucketOf(const uint64_t *bounds, size_t n, uint64_t usec) {
    return static_cast<size_t>(std::lower_bound(bounds, bounds + n, usec) - bounds);
}

Method methodOf(std::string_view m) {
    if (m == "GET" || m == "HEAD") return Method::Get;
    if (m == "POST") return Method::Post;
    if (m == "PUT") return Method::Put;
    if (m == "PATCH") return Method::Patch;
    if (m == "DELETE") return Method::Delete;
    return Method::Other;
}

Resource resourceOf(Endpoint e) {
    switch (e) {
    case Endpoint::Users: return Resource::Users;
    case Endpoint::Groups: return Resource::Groups;
    case Endpoint::ServiceProviderConfig:
    case Endpoint::ResourceTypes:
    case Endpoint::Schemas: return Resource::Discovery;
    case Endpoint::Search: return Resource::Search;
    case Endpoint::Bulk: return Resource::Bulk;
    case Endpoint::Me: return Resource::Me;
    }
    return Resource::None;
}

namespace {

// Every read (a GET's two) asks: no copy, no case folding of its own.
bool isReadVerb(std::string_view verb) {
    static const char *const reads[] = {
        "GET",    "MGET",      "HGET",   "HMGET",  "HGETALL", "HLEN",   "HEXISTS", "HSCAN",
        "SCARD",  "SISMEMBER", "SMEMBERS", "SSCAN", "ZCARD",  "ZRANGE", "ZRANGEBYSCORE",
        "ZRANGEBYLEX", "ZREVRANGE", "ZSCORE", "ZSCAN", "ZCOUNT", "XRANGE", "XREVRANGE", "XLEN",
        "EXISTS", "TYPE", "SCAN", "PING", "SORT_RO"};
    for (const char *r : reads) {
        if (iequals(verb, r)) return true;
    }
    return false;
}

const char *endpointName(Endpoint e) {
    switch (e) {
    case Endpoint::Users: return "users";
    case Endpoint::Groups: return "groups";
    case Endpoint::ServiceProviderConfig: return "serviceproviderconfig";
    case Endpoint::ResourceTypes: return "resourcetypes";
    case Endpoint::Schemas: return "schemas";
    case Endpoint::Search: return "search";
    case Endpoint::Bulk: return "bulk";
    case Endpoint::Me: return "me";
    }
    return "none";
}

}  // namespace

RedisKind commandKind(const store::Command &command) {
    if (command.script != nullptr) {
        return command.script->readOnly ? RedisKind::Read : RedisKind::Write;
    }
    if (command.args.empty()) return RedisKind::Read;
    return isReadVerb(command.args.front()) ? RedisKind::Read : RedisKind::Write;
}

std::string operationName(const Route &route, std::string_view method) {
    std::string name = endpointName(route.endpoint);
    bool one = !route.id.empty();
    Method m = methodOf(method);
    const char *verb = "other";
    if (route.operation == Operation::Search) {
        verb = "query";
    } else if (route.endpoint == Endpoint::Bulk) {
        verb = "post";
    } else if (m == Method::Get) {
        verb = one || route.endpoint == Endpoint::ServiceProviderConfig ? "get" : "list";
    } else if (m == Method::Post) {
        verb = "create";
    } else if (m == Method::Put) {
        verb = "replace";
    } else if (m == Method::Patch) {
        verb = "patch";
    } else if (m == Method::Delete) {
        verb = "delete";
    }
    return name + "." + verb;
}

bool writeOp(const Route &route, std::string_view method, WriteOp &op) {
    if (route.operation == Operation::Search) return false;
    if (route.endpoint != Endpoint::Users && route.endpoint != Endpoint::Groups) return false;
    switch (methodOf(method)) {
    case Method::Post: op = WriteOp::Create; return route.id.empty();
    case Method::Put: op = WriteOp::Replace; return !route.id.empty();
    case Method::Patch: op = WriteOp::Patch; return !route.id.empty();
    case Method::Delete: op = WriteOp::Delete; return !route.id.empty();
    default: return false;
    }
}

std::string escapeLabel(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

namespace {

class Writer {
public:
    void family(const char *name, const char *type, const char *help) {
        out_ += "# HELP ";
        out_ += name;
        out_ += ' ';
        out_ += help;
        out_ += "\n# TYPE ";
        out_ += name;
        out_ += ' ';
        out_ += type;
        out_ += '\n';
    }

    // A family of one sample without labels.
    void single(const char *name, const char *type, const char *help, uint64_t value) {
        family(name, type, help);
        sample(name, "", value);
    }

    // `labels` is already escaped: `a="x",b="y"`, or empty.
    void sample(const std::string &name, const std::string &labels, uint64_t value) {
        char num[24];
        std::snprintf(num, sizeof num, "%" PRIu64, value);
        line(name, labels, num);
    }

    void seconds(const std::string &name, const std::string &labels, uint64_t usec) {
        char num[32];
        std::snprintf(num, sizeof num, "%" PRIu64 ".%06" PRIu64, usec / 1000000, usec % 1000000);
        line(name, labels, num);
    }

    std::string take() { return std::move(out_); }

private:
    void line(const std::string &name, const std::string &labels, const char *value) {
        out_ += name;
        if (!labels.empty()) {
            out_ += '{';
            out_ += labels;
            out_ += '}';
        }
        out_ += ' ';
        out_ += value;
        out_ += '\n';
    }

    std::string out_;
};

std::string pair(const char *name, std::string_view value) {
    return std::string(name) + "=\"" + escapeLabel(value) + "\"";
}

std::string le(uint64_t usec) {
    char num[32];
    std::snprintf(num, sizeof num, "%g", static_cast<double>(usec) / 1e6);
    return pair("le", num);
}

// One histogram series: cumulative buckets, +Inf, _sum, _count.
void histogram(Writer &w, const char *name, const std::string &labels, const uint64_t *cells,
               const uint64_t *bounds, size_t n) {
    std::string prefix = labels.empty() ? "" : labels + ",";
    std::string bucket = std::string(name) + "_bucket";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < n; i++) {
        cumulative += cells[i];
        w.sample(bucket, prefix + le(bounds[i]), cumulative);
    }
    cumulative += cells[n];
    w.sample(bucket, prefix + pair("le", "+Inf"), cumulative);
    w.seconds(std::string(name) + "_sum", labels, cells[n + 1]);
    w.sample(std::string(name) + "_count", labels, cumulative);
}

uint64_t total(const uint64_t *cells, size_t n) {
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) sum += cells[i];
    return sum;
}

void renderHttp(Writer &w, const Snapshot &s) {
    w.family("scim_http_requests_total", "counter",
             "SCIM requests answered, by resource, method and status code.");
    for (size_t r = 0; r < count<Resource>(); r++) {
        for (size_t m = 0; m < count<Method>(); m++) {
            for (size_t c = 0; c < kCodes; c++) {
                auto res = static_cast<Resource>(r);
                auto meth = static_cast<Method>(m);
                uint64_t v = s.cells[cell::requests(res, meth, kFirstCode + static_cast<int>(c))];
                if (v == 0) continue;
                w.sample("scim_http_requests_total",
                         pair("resource", label(res)) + "," + pair("method", label(meth)) + "," +
                             pair("code", std::to_string(kFirstCode + c)),
                         v);
            }
        }
    }
    w.family("scim_http_request_duration_seconds", "histogram",
             "Time from the SCIM handler's start to the response, by resource and method.");
    for (size_t r = 0; r < count<Resource>(); r++) {
        for (size_t m = 0; m < count<Method>(); m++) {
            auto res = static_cast<Resource>(r);
            auto meth = static_cast<Method>(m);
            const uint64_t *h = &s.cells[cell::httpDuration(res, meth)];
            if (total(h, kHttpBucketCount + 1) == 0) continue;
            histogram(w, "scim_http_request_duration_seconds",
                      pair("resource", label(res)) + "," + pair("method", label(meth)), h,
                      kHttpBuckets, kHttpBucketCount);
        }
    }
}

void renderRedis(Writer &w, const Snapshot &s) {
    w.family("scim_redis_command_duration_seconds", "histogram",
             "Redis round trips, from send to reply, by kind of command.");
    for (size_t k = 0; k < count<RedisKind>(); k++) {
        auto kind = static_cast<RedisKind>(k);
        histogram(w, "scim_redis_command_duration_seconds", pair("kind", label(kind)),
                  &s.cells[cell::redisDuration(kind)], kRedisBuckets, kRedisBucketCount);
    }
    w.family("scim_redis_errors_total", "counter", "Redis failures seen by the module, by kind.");
    for (size_t e = 0; e < count<RedisError>(); e++) {
        auto err = static_cast<RedisError>(e);
        w.sample("scim_redis_errors_total", pair("kind", label(err)), s.cells[cell::redisError(err)]);
    }
    w.single("scim_redis_reconnects_total", "counter",
             "Connections to Redis restored after a loss, summed over workers.",
             s.cells[cell::kReconnects]);
    w.single("scim_redis_sentinel_switches_total", "counter",
             "Redis masters replaced, as the sentinels named them, summed over workers.",
             s.cells[cell::kMasterSwitches]);
    w.single("scim_redis_cluster_refreshes_total", "counter",
             "Redis Cluster slot maps loaded (CLUSTER SLOTS), summed over workers.",
             s.cells[cell::kClusterRefreshes]);
    w.single("scim_redis_up", "gauge",
             "Workers whose Redis connection is ready.",
             s.redisUp);
}

void renderAuth(Writer &w, const Snapshot &s) {
    w.family("scim_auth_failures_total", "counter", "Requests refused with 401, by reason.");
    for (size_t a = 0; a < count<AuthFailure>(); a++) {
        auto reason = static_cast<AuthFailure>(a);
        w.sample("scim_auth_failures_total", pair("reason", label(reason)),
                 s.cells[cell::authFailure(reason)]);
    }
    w.single("scim_token_cache_hits_total", "counter",
             "Redis token look-ups answered by the worker's cache.",
             s.cells[cell::kCacheHits]);
    w.single("scim_token_cache_misses_total", "counter",
             "Redis token look-ups that went to Redis.",
             s.cells[cell::kCacheMisses]);
}

void renderWrites(Writer &w, const Snapshot &s) {
    w.family("scim_writes_total", "counter",
             "Successful SCIM writes, by tenant, resource and operation.");
    for (const TenantWrites &t : s.tenants) {
        for (unsigned r = 0; r < kWriteResources; r++) {
            for (size_t op = 0; op < count<WriteOp>(); op++) {
                uint64_t v = t.cells[r * count<WriteOp>() + op];
                if (v == 0) continue;
                w.sample("scim_writes_total",
                         pair("tenant", t.tenant) + "," +
                             pair("resource", label(static_cast<Resource>(r))) + "," +
                             pair("op", label(static_cast<WriteOp>(op))),
                         v);
            }
        }
    }
}

}  // namespace

std::string render(const Snapshot &s) {
    Writer w;
    renderHttp(w, s);
    renderRedis(w, s);
    renderAuth(w, s);
    renderWrites(w, s);
    w.family("scim_build_info", "gauge", "The module's version and Redis layout version.");
    w.sample("scim_build_info",
             pair("version", s.version) + "," + pair("layout", std::to_string(s.layout)), 1);
    return w.take();
}

}  // namespace scim::metrics

namespace scim::metrics {

namespace {

const char *reasonPhrase(int status) {
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    }
    return status < 500 ? "Client Error" : "Server Error";
}

}  // namespace

std::string errorOf(int status, std::string_view body) {
    if (status < 400) return "";
    // The module renders errors itself (renderError): the key and a plain
    // token value, no escapes.
    static constexpr std::string_view key = "\"scimType\":\"";
    size_t at = body.find(key);
    if (at != std::string_view::npos) {
        size_t from = at + key.size();
        size_t to = body.find('"', from);
        if (to != std::string_view::npos && to > from && to - from <= 64) {
            return std::string(body.substr(from, to - from));
        }
    }
    return reasonPhrase(status);
}

RedisError replyErrorKind(std::string_view text) {
    auto starts = [&](std::string_view word) { return text.substr(0, word.size()) == word; };
    if (starts("NOSCRIPT")) return RedisError::NoScript;
    if (starts("READONLY")) return RedisError::ReadOnly;
    if (starts("MOVED")) return RedisError::Moved;
    if (starts("ASK")) return RedisError::Ask;
    if (starts("CLUSTERDOWN")) return RedisError::ClusterDown;
    if (store::isUnconfirmedWrite(text)) return RedisError::Unconfirmed;
    return RedisError::Reply;
}

}  // namespace scim::metrics
