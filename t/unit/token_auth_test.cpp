// Tenant names, the per-worker token cache (with a fake clock), the
// decision on a known token, the Redis look-up's reply and the audit-log
// throttle.
#include <gtest/gtest.h>

#include "fake_reply.hpp"
#include "scim/log_throttle.hpp"
#include "scim/store/token_scripts.hpp"
#include "scim/tenant.hpp"
#include "scim/token_cache.hpp"
#include "scim/token_check.hpp"
#include "scim/tokens.hpp"

using namespace scim;

namespace {

struct FakeClock {
    int64_t now = 1000;
    TokenCache::Clock clock() {
        return [this] { return now; };
    }
};

CachedToken valid(std::string tenant, std::string name = "okta", int64_t expires = 0) {
    return CachedToken{CachedToken::Status::Valid, std::move(tenant), std::move(name), expires};
}

CachedToken unknown() { return CachedToken{}; }

TokenCache::Limits limits(int64_t ttl, int64_t negative, size_t capacity) {
    TokenCache::Limits l;
    l.ttlMillis = ttl;
    l.negativeTtlMillis = negative;
    l.capacity = capacity;
    return l;
}

}  // namespace

TEST(TenantName, AcceptsTheDocumentedCharset) {
    EXPECT_TRUE(validTenant("acme"));
    EXPECT_TRUE(validTenant("Acme-Corp_2.eu"));
    EXPECT_TRUE(validTenant(std::string(kMaxTenantLength, 'a')));
}

TEST(TenantName, RefusesWhatWouldBreakTheHashTagOrTheLogs) {
    for (const char *bad : {"", "a{b", "a}b", "{x}", "a b", "a:b", "a/b", "ä", "a\nb", "#tokens"}) {
        EXPECT_FALSE(validTenant(bad)) << bad;
        EXPECT_TRUE(tenantNameError(bad).has_value());
    }
    EXPECT_FALSE(validTenant(std::string(kMaxTenantLength + 1, 'a')));
    EXPECT_NE(tenantNameError(std::string(65, 'a'))->find("64"), std::string::npos);
}

TEST(StaticTokens, RefuseABadTenantAndAllowNone) {
    TokenSet set;
    std::string hash(64, 'a');
    EXPECT_TRUE(set.add(hash, "x", "a{b}").has_value());
    EXPECT_FALSE(set.add(hash, "x", "").has_value());
    EXPECT_EQ(set.find(sha256Digest("anything")), nullptr);
}

TEST(TokenCache, AnswersUntilTheTtlThenMisses) {
    FakeClock t;
    TokenCache cache(t.clock());
    cache.configure(limits(5000, 1000, 10));
    cache.remember("h1", valid("acme"));
    ASSERT_TRUE(cache.find("h1"));
    EXPECT_EQ(cache.find("h1")->tenant, "acme");
    t.now += 4999;
    EXPECT_TRUE(cache.find("h1"));
    t.now += 1;
    EXPECT_FALSE(cache.find("h1"));
}

TEST(TokenCache, RemembersMissesForTheShorterTtl) {
    FakeClock t;
    TokenCache cache(t.clock());
    cache.configure(limits(5000, 1000, 10));
    cache.remember("nope", unknown());
    ASSERT_TRUE(cache.find("nope"));
    EXPECT_EQ(cache.find("nope")->status, CachedToken::Status::Unknown);
    t.now += 1000;
    EXPECT_FALSE(cache.find("nope"));
}

TEST(TokenCache, NeverRemembersAMissLongerThanAHit) {
    FakeClock t;
    TokenCache cache(t.clock());
    cache.configure(limits(300, 1000, 10));
    EXPECT_EQ(cache.limits().negativeTtlMillis, 300);
}

TEST(TokenCache, ZeroTtlDisablesIt) {
    FakeClock t;
    TokenCache cache(t.clock());
    cache.configure(limits(0, 0, 10));
    cache.remember("h1", valid("acme"));
    cache.remember("h2", unknown());
    EXPECT_FALSE(cache.find("h1"));
    EXPECT_FALSE(cache.find("h2"));
    EXPECT_EQ(cache.size(), 0u);
}

TEST(TokenCache, EvictsTheLeastRecentlyUsedWhenFull) {
    FakeClock t;
    TokenCache cache(t.clock());
    cache.configure(limits(5000, 1000, 2));
    cache.remember("a", valid("t"));
    cache.remember("b", valid("t"));
    ASSERT_TRUE(cache.find("a"));  // a is now the most recent
    cache.remember("c", valid("t"));
    EXPECT_TRUE(cache.find("a"));
    EXPECT_FALSE(cache.find("b"));
    EXPECT_TRUE(cache.find("c"));
}

TEST(TokenCache, AFloodOfMissesCannotEvictKnownTokens) {
    FakeClock t;
    TokenCache cache(t.clock());
    cache.configure(limits(5000, 1000, 2));
    cache.remember("good", valid("acme"));
    for (int i = 0; i < 100; ++i) cache.remember("bad" + std::to_string(i), unknown());
    EXPECT_TRUE(cache.find("good"));
    EXPECT_LE(cache.size(), 3u);
}

TEST(TokenCache, ANewAnswerReplacesTheOld) {
    FakeClock t;
    TokenCache cache(t.clock());
    cache.configure(limits(5000, 1000, 10));
    cache.remember("h", unknown());
    cache.remember("h", valid("acme"));
    EXPECT_EQ(cache.find("h")->status, CachedToken::Status::Valid);
    CachedToken revoked = valid("acme");
    revoked.status = CachedToken::Status::Revoked;
    cache.remember("h", revoked);
    EXPECT_EQ(cache.find("h")->status, CachedToken::Status::Revoked);
    EXPECT_EQ(cache.size(), 1u);
}

TEST(TokenCache, TouchesATokenAtMostOncePerInterval) {
    FakeClock t;
    TokenCache cache(t.clock());
    EXPECT_TRUE(cache.shouldTouch("h"));
    EXPECT_FALSE(cache.shouldTouch("h"));
    EXPECT_TRUE(cache.shouldTouch("other"));
    t.now += 59999;
    EXPECT_FALSE(cache.shouldTouch("h"));
    t.now += 1;
    EXPECT_TRUE(cache.shouldTouch("h"));
}

TEST(TokenCheck, AcceptsAValidTokenOfTheRightTenant) {
    EXPECT_EQ(checkToken(valid("acme"), 5, ""), TokenVerdict::Accepted);
    EXPECT_EQ(checkToken(valid("acme"), 5, "acme"), TokenVerdict::Accepted);
    EXPECT_EQ(checkToken(valid("acme", "okta", 10), 9, ""), TokenVerdict::Accepted);
}

TEST(TokenCheck, RefusesEveryOtherCase) {
    EXPECT_EQ(checkToken(unknown(), 5, ""), TokenVerdict::Unknown);
    CachedToken revoked = valid("acme");
    revoked.status = CachedToken::Status::Revoked;
    EXPECT_EQ(checkToken(revoked, 5, ""), TokenVerdict::Revoked);
    EXPECT_EQ(checkToken(valid("acme", "okta", 10), 10, ""), TokenVerdict::Expired);
    EXPECT_EQ(checkToken(valid("acme"), 5, "globex"), TokenVerdict::WrongTenant);
    EXPECT_EQ(checkToken(valid(""), 5, "acme"), TokenVerdict::WrongTenant);
    EXPECT_EQ(checkToken(valid(""), 5, ""), TokenVerdict::WrongTenant);
}

TEST(TokenLookup, IsOneHmgetOfTheRegistry) {
    store::TokenKeys keys("app:");
    store::Command c = store::tokenLookup(keys, "abc");
    EXPECT_EQ(c.script, nullptr);
    EXPECT_EQ(c.args, (std::vector<std::string>{"HMGET", "app:{#tokens}:token:abc", "tenant", "name",
                                                 "expires", "revoked"}));
}

TEST(TokenLookup, ReadsTheReply) {
    auto found = store::parseTokenLookup(*FakeReply::strings({"acme", "okta", "0", "0"}));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->status, CachedToken::Status::Valid);
    EXPECT_EQ(found->tenant, "acme");
    EXPECT_EQ(found->name, "okta");

    auto rotated = store::parseTokenLookup(*FakeReply::strings({"acme", "okta", "1700000000000", "0"}));
    EXPECT_EQ(rotated->expiresMillis, 1700000000000LL);

    auto revoked = store::parseTokenLookup(*FakeReply::strings({"acme", "okta", "0", "1700000000000"}));
    EXPECT_EQ(revoked->status, CachedToken::Status::Revoked);

    auto missing = store::parseTokenLookup(*FakeReply::array(
        {FakeReply::nil(), FakeReply::nil(), FakeReply::nil(), FakeReply::nil()}));
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, CachedToken::Status::Unknown);

    auto foreign = store::parseTokenLookup(*FakeReply::strings({"a{b}", "x", "0", "0"}));
    EXPECT_EQ(foreign->status, CachedToken::Status::Unknown);

    EXPECT_FALSE(store::parseTokenLookup(*FakeReply::error("WRONGTYPE")));
    EXPECT_FALSE(store::parseTokenLookup(*FakeReply::strings({"acme"})));
}

TEST(LogThrottle, LetsABudgetThroughPerSecondAndCountsTheRest) {
    LogThrottle throttle(2);
    unsigned long suppressed = 99;
    EXPECT_TRUE(throttle.allow(0, suppressed));
    EXPECT_EQ(suppressed, 0u);
    EXPECT_TRUE(throttle.allow(10, suppressed));
    EXPECT_FALSE(throttle.allow(20, suppressed));
    EXPECT_FALSE(throttle.allow(999, suppressed));
    EXPECT_TRUE(throttle.allow(1000, suppressed));
    EXPECT_EQ(suppressed, 2u);
    EXPECT_TRUE(throttle.allow(1001, suppressed));
    EXPECT_EQ(suppressed, 0u);
}
