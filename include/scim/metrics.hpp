// The metric model behind `scim_metrics`: which counters exist, where each
// lives in one flat array of 64-bit cells, and how a snapshot of them is
// rendered in the Prometheus text format 0.0.4.
//
// The edge keeps the cells in shared memory and adds to them atomically;
// this file knows nothing of nginx, so it is tested on its own. Histograms
// store one non-cumulative cell per bucket (one atomic add per observation)
// plus a sum in microseconds; the renderer makes the buckets cumulative and
// derives _count from them, so +Inf always equals _count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scim/service/service.hpp"

namespace scim::metrics {

enum class Resource : unsigned { Users, Groups, Discovery, Search, Bulk, Me, Admin, None, Count };
enum class Method : unsigned { Get, Post, Put, Patch, Delete, Other, Count };
enum class RedisKind : unsigned { Read, Write, Auth, Admin, Count };
// Moved, Ask and ClusterDown (which counts TRYAGAIN too) are Redis Cluster's
// redirects and retries, counted by the cluster router.
enum class RedisError : unsigned {
    Timeout, Disconnect, Reply, NoScript, ReadOnly, Moved, Ask, ClusterDown,
    Unconfirmed,  // a write WAIT did not confirm (scim_redis_wait_replicas)
    Count
};
enum class AuthFailure : unsigned {
    Missing, Malformed, Unknown, Revoked, Expired, WrongTenant, Count
};
enum class WriteOp : unsigned { Create, Replace, Patch, Delete, Count };
// scim_writes_total counts Users and Groups only.
inline constexpr unsigned kWriteResources = 2;
inline constexpr unsigned kWriteCells = kWriteResources * static_cast<unsigned>(WriteOp::Count);

template <class E>
constexpr size_t count() {
    return static_cast<size_t>(E::Count);
}
template <class E>
constexpr size_t index(E e) {
    return static_cast<size_t>(e);
}

const char *label(Resource r);
const char *label(Method m);
const char *label(RedisKind k);
const char *label(RedisError e);
const char *label(AuthFailure a);
const char *label(WriteOp op);

// Status codes 100..599 each have a cell; anything else counts as 599.
inline constexpr int kFirstCode = 100;
inline constexpr size_t kCodes = 500;

// Bucket upper bounds in microseconds (the `le` labels, in seconds).
inline constexpr uint64_t kHttpBuckets[] = {1000,   2500,   5000,    10000,   25000,
                                            50000,  100000, 250000,  500000,  1000000,
                                            2500000, 5000000, 10000000};
inline constexpr uint64_t kRedisBuckets[] = {100,   250,   500,    1000,   2500,   5000,  10000,
                                             25000, 50000, 100000, 250000, 500000, 1000000};
inline constexpr size_t kHttpBucketCount = sizeof(kHttpBuckets) / sizeof(kHttpBuckets[0]);
inline constexpr size_t kRedisBucketCount = sizeof(kRedisBuckets) / sizeof(kRedisBuckets[0]);
// Cells of one histogram: the buckets, the +Inf overflow, the sum.
inline constexpr size_t kHttpHistogramCells = kHttpBucketCount + 2;
inline constexpr size_t kRedisHistogramCells = kRedisBucketCount + 2;

// Offsets into the flat array of cells.
namespace cell {
inline constexpr size_t kRequests = 0;
inline constexpr size_t kHttpDuration = kRequests + count<Resource>() * count<Method>() * kCodes;
inline constexpr size_t kRedisDuration =
    kHttpDuration + count<Resource>() * count<Method>() * kHttpHistogramCells;
inline constexpr size_t kRedisErrors = kRedisDuration + count<RedisKind>() * kRedisHistogramCells;
inline constexpr size_t kAuthFailures = kRedisErrors + count<RedisError>();
inline constexpr size_t kReconnects = kAuthFailures + count<AuthFailure>();
inline constexpr size_t kCacheHits = kReconnects + 1;
inline constexpr size_t kCacheMisses = kCacheHits + 1;
// Redis Sentinel: master switches seen by the workers.
inline constexpr size_t kMasterSwitches = kCacheMisses + 1;
// Redis Cluster: slot maps loaded.
inline constexpr size_t kClusterRefreshes = kMasterSwitches + 1;
inline constexpr size_t kCount = kClusterRefreshes + 1;

size_t requests(Resource r, Method m, int code);
size_t httpDuration(Resource r, Method m);  // first cell of the histogram
size_t redisDuration(RedisKind k);
inline size_t redisError(RedisError e) { return kRedisErrors + index(e); }
inline size_t authFailure(AuthFailure a) { return kAuthFailures + index(a); }
}  // namespace cell

// The cell an observation of `usec` adds 1 to, relative to the histogram's
// first cell (the last bucket index is the +Inf overflow).
size_t bucketOf(const uint64_t *bounds, size_t n, uint64_t usec);

// Classifications used by the edge.
Method methodOf(std::string_view method);
Resource resourceOf(Endpoint endpoint);
// Read or write, from the command itself (the edge decides auth and admin).
RedisKind commandKind(const store::Command &command);
// users.create, groups.patch, users.list, schemas.get, search.query, …
std::string operationName(const Route &route, std::string_view method);
// The write a successful request of this route and method was, if any.
bool writeOp(const Route &route, std::string_view method, WriteOp &op);

struct TenantWrites {
    std::string tenant;
    uint64_t cells[kWriteCells] = {};  // [resource][op], Users then Groups
};

struct Snapshot {
    std::vector<uint64_t> cells = std::vector<uint64_t>(cell::kCount, 0);
    std::vector<TenantWrites> tenants;  // with "_other" once the cap was reached
    uint64_t redisUp = 0;               // workers whose link is ready
    std::string version;
    int layout = 0;
};

// A label value in the exposition format: backslash, quote and newline escaped.
std::string escapeLabel(std::string_view value);

// The whole scrape, text format 0.0.4. Counters that are zero and labelled
// are left out, like every exporter's lazily created series.
std::string render(const Snapshot &snapshot);

}  // namespace scim::metrics

namespace scim::metrics {

// For $scim_error: the scimType of an error body, else the status's reason
// phrase; empty below 400.
std::string errorOf(int status, std::string_view body);
// The kind of a Redis error reply, from its first word (NOSCRIPT, READONLY, …).
RedisError replyErrorKind(std::string_view text);

}  // namespace scim::metrics
