// The metric model and its Prometheus text rendering.
#include <gtest/gtest.h>

#include <sstream>

#include "scim/metrics.hpp"
#include "scim/store/scripts.hpp"

namespace m = scim::metrics;

namespace {

m::Snapshot emptySnapshot() {
    m::Snapshot s;
    s.version = "0.1.0";
    s.layout = 1;
    return s;
}

bool hasLine(const std::string &text, const std::string &line) {
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
        if (l == line) return true;
    }
    return false;
}

}  // namespace

TEST(MetricsLabels, EscapesBackslashQuoteAndNewline) {
    EXPECT_EQ(m::escapeLabel("plain-name.1"), "plain-name.1");
    EXPECT_EQ(m::escapeLabel("a\"b"), "a\\\"b");
    EXPECT_EQ(m::escapeLabel("a\\b"), "a\\\\b");
    EXPECT_EQ(m::escapeLabel("a\nb"), "a\\nb");
    EXPECT_EQ(m::escapeLabel("\"}\n{x=\"1"), "\\\"}\\n{x=\\\"1");
}

TEST(MetricsLayout, CellsAreDistinctAndInRange) {
    EXPECT_NE(m::cell::requests(m::Resource::Users, m::Method::Get, 200),
              m::cell::requests(m::Resource::Users, m::Method::Get, 201));
    EXPECT_EQ(m::cell::requests(m::Resource::None, m::Method::Other, 599) + 1,
              m::cell::kHttpDuration);
    // Out-of-range codes share the last cell instead of spilling over.
    EXPECT_EQ(m::cell::requests(m::Resource::None, m::Method::Other, 999),
              m::cell::requests(m::Resource::None, m::Method::Other, 599));
    EXPECT_EQ(m::cell::requests(m::Resource::Users, m::Method::Get, 42),
              m::cell::requests(m::Resource::Users, m::Method::Get, 599));
    EXPECT_EQ(m::cell::httpDuration(m::Resource::None, m::Method::Other) + m::kHttpHistogramCells,
              m::cell::kRedisDuration);
    EXPECT_LT(m::cell::kCacheMisses, m::cell::kCount);
}

TEST(MetricsLayout, BucketOfIsTheFirstBoundNotBelow) {
    EXPECT_EQ(m::bucketOf(m::kRedisBuckets, m::kRedisBucketCount, 0), 0u);
    EXPECT_EQ(m::bucketOf(m::kRedisBuckets, m::kRedisBucketCount, 100), 0u);  // le is inclusive
    EXPECT_EQ(m::bucketOf(m::kRedisBuckets, m::kRedisBucketCount, 101), 1u);
    EXPECT_EQ(m::bucketOf(m::kRedisBuckets, m::kRedisBucketCount, 5000000),
              m::kRedisBucketCount);  // +Inf
}

TEST(MetricsClassify, OperationsAndWrites) {
    scim::Route users{scim::Endpoint::Users, "", scim::Operation::Create, true};
    scim::Route user{scim::Endpoint::Users, "2819c223", scim::Operation::Get, false};
    scim::Route groupSearch{scim::Endpoint::Groups, "", scim::Operation::Search, true};
    scim::Route schemas{scim::Endpoint::Schemas, "", scim::Operation::Get, false};
    EXPECT_EQ(m::operationName(users, "POST"), "users.create");
    EXPECT_EQ(m::operationName(users, "GET"), "users.list");
    EXPECT_EQ(m::operationName(user, "GET"), "users.get");
    EXPECT_EQ(m::operationName(user, "PUT"), "users.replace");
    EXPECT_EQ(m::operationName(user, "PATCH"), "users.patch");
    EXPECT_EQ(m::operationName(user, "DELETE"), "users.delete");
    EXPECT_EQ(m::operationName(groupSearch, "POST"), "groups.query");
    EXPECT_EQ(m::operationName(schemas, "GET"), "schemas.list");

    m::WriteOp op{};
    EXPECT_TRUE(m::writeOp(users, "POST", op));
    EXPECT_EQ(op, m::WriteOp::Create);
    EXPECT_TRUE(m::writeOp(user, "PATCH", op));
    EXPECT_EQ(op, m::WriteOp::Patch);
    EXPECT_FALSE(m::writeOp(user, "GET", op));
    EXPECT_FALSE(m::writeOp(groupSearch, "POST", op));
    EXPECT_FALSE(m::writeOp(schemas, "GET", op));

    EXPECT_EQ(m::resourceOf(scim::Endpoint::ResourceTypes), m::Resource::Discovery);
    EXPECT_EQ(m::methodOf("HEAD"), m::Method::Get);
    EXPECT_EQ(m::methodOf("OPTIONS"), m::Method::Other);
}

TEST(MetricsClassify, CommandKinds) {
    EXPECT_EQ(m::commandKind(scim::store::plain({"HGETALL", "k"})), m::RedisKind::Read);
    EXPECT_EQ(m::commandKind(scim::store::plain({"hmget", "k", "f"})), m::RedisKind::Read);
    EXPECT_EQ(m::commandKind(scim::store::plain({"HSET", "k", "f", "v"})), m::RedisKind::Write);
    scim::store::Command create;
    create.script = &scim::store::createUserScript();
    EXPECT_EQ(m::commandKind(create), m::RedisKind::Write);
    if (!scim::store::queryScripts().empty()) {
        scim::store::Command query;
        query.script = scim::store::queryScripts().front();
        EXPECT_EQ(m::commandKind(query), m::RedisKind::Read);
    }
}

TEST(MetricsClassify, ErrorsAndRedisErrorKinds) {
    EXPECT_EQ(m::errorOf(200, ""), "");
    EXPECT_EQ(m::errorOf(409, R"({"status":"409","scimType":"uniqueness","detail":"x"})"),
              "uniqueness");
    EXPECT_EQ(m::errorOf(404, R"({"status":"404","detail":"no"})"), "Not Found");
    EXPECT_EQ(m::errorOf(401, ""), "Unauthorized");
    EXPECT_EQ(m::replyErrorKind("NOSCRIPT No matching script"), m::RedisError::NoScript);
    EXPECT_EQ(m::replyErrorKind("READONLY You can't write"), m::RedisError::ReadOnly);
    EXPECT_EQ(m::replyErrorKind("MOVED 3999 127.0.0.1:6381"), m::RedisError::Moved);
    EXPECT_EQ(m::replyErrorKind("ASK 3999 127.0.0.1:6381"), m::RedisError::Ask);
    EXPECT_EQ(m::replyErrorKind("ERR wrong number"), m::RedisError::Reply);
}

TEST(MetricsRender, EmptySnapshotHasEveryFamilyOnce) {
    std::string text = m::render(emptySnapshot());
    for (const char *family :
         {"scim_http_requests_total counter", "scim_http_request_duration_seconds histogram",
          "scim_redis_command_duration_seconds histogram", "scim_redis_errors_total counter",
          "scim_redis_reconnects_total counter", "scim_redis_sentinel_switches_total counter",
          "scim_redis_up gauge",
          "scim_auth_failures_total counter", "scim_token_cache_hits_total counter",
          "scim_token_cache_misses_total counter", "scim_writes_total counter",
          "scim_build_info gauge"}) {
        EXPECT_TRUE(hasLine(text, std::string("# TYPE ") + family)) << family;
    }
    EXPECT_TRUE(hasLine(text, "scim_build_info{version=\"0.1.0\",layout=\"1\"} 1"));
    EXPECT_TRUE(hasLine(text, "scim_auth_failures_total{reason=\"wrong_tenant\"} 0"));
    EXPECT_TRUE(hasLine(text, "scim_redis_errors_total{kind=\"clusterdown\"} 0"));
    EXPECT_TRUE(hasLine(text, "scim_redis_errors_total{kind=\"unconfirmed\"} 0"));
    EXPECT_TRUE(hasLine(text, "scim_redis_up 0"));
    EXPECT_TRUE(hasLine(text, "scim_redis_sentinel_switches_total 0"));
    // Labelled request counters appear once counted.
    EXPECT_EQ(text.find("scim_http_requests_total{"), std::string::npos);
    EXPECT_EQ(text.back(), '\n');
}

TEST(MetricsRender, CountersAndHistogramsAreCumulative) {
    m::Snapshot s = emptySnapshot();
    s.cells[m::cell::requests(m::Resource::Users, m::Method::Post, 201)] = 3;
    size_t h = m::cell::httpDuration(m::Resource::Users, m::Method::Post);
    s.cells[h + 0] = 1;                    // ≤ 1 ms
    s.cells[h + 2] = 1;                    // ≤ 5 ms
    s.cells[h + m::kHttpBucketCount] = 1;  // beyond 10 s
    s.cells[h + m::kHttpBucketCount + 1] = 12003500;  // µs
    s.redisUp = 2;
    std::string text = m::render(s);
    EXPECT_TRUE(hasLine(
        text, "scim_http_requests_total{resource=\"users\",method=\"POST\",code=\"201\"} 3"));
    const std::string series = "scim_http_request_duration_seconds_bucket{resource=\"users\","
                               "method=\"POST\",";
    EXPECT_TRUE(hasLine(text, series + "le=\"0.001\"} 1"));
    EXPECT_TRUE(hasLine(text, series + "le=\"0.0025\"} 1"));
    EXPECT_TRUE(hasLine(text, series + "le=\"0.005\"} 2"));
    EXPECT_TRUE(hasLine(text, series + "le=\"10\"} 2"));
    EXPECT_TRUE(hasLine(text, series + "le=\"+Inf\"} 3"));
    EXPECT_TRUE(hasLine(text, "scim_http_request_duration_seconds_sum{resource=\"users\","
                              "method=\"POST\"} 12.003500"));
    EXPECT_TRUE(hasLine(text, "scim_http_request_duration_seconds_count{resource=\"users\","
                              "method=\"POST\"} 3"));
    EXPECT_TRUE(hasLine(text, "scim_redis_up 2"));
    // A series that saw nothing is not rendered.
    EXPECT_EQ(text.find("method=\"DELETE\""), std::string::npos);
}

TEST(MetricsRender, TenantsAreEscapedAndZeroWritesLeftOut) {
    m::Snapshot s = emptySnapshot();
    m::TenantWrites hostile;
    hostile.tenant = "ev\"il\\\n}";
    hostile.cells[0 * m::count<m::WriteOp>() + m::index(m::WriteOp::Create)] = 2;
    m::TenantWrites other;
    other.tenant = "_other";
    other.cells[1 * m::count<m::WriteOp>() + m::index(m::WriteOp::Delete)] = 5;
    m::TenantWrites idle;
    idle.tenant = "idle";
    s.tenants = {hostile, other, idle};
    std::string text = m::render(s);
    EXPECT_TRUE(hasLine(text, "scim_writes_total{tenant=\"ev\\\"il\\\\\\n}\",resource=\"users\","
                              "op=\"create\"} 2"));
    EXPECT_TRUE(hasLine(text,
                        "scim_writes_total{tenant=\"_other\",resource=\"groups\",op=\"delete\"} 5"));
    EXPECT_EQ(text.find("idle"), std::string::npos);
    // The hostile name cannot start a line of its own.
    EXPECT_EQ(text.find("\n}"), std::string::npos);
}
