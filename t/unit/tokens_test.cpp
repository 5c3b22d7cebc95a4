// The static bearer-token set: hashes only, names, token files, the header.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <fstream>

#include "scim/ids.hpp"
#include "scim/tokens.hpp"

using namespace scim;

TEST(Tokens, OnlyHashesAreAccepted) {
    TokenSet set;
    EXPECT_TRUE(set.add("test-token", "", "default").has_value());
    EXPECT_TRUE(set.add(std::string(64, 'g'), "", "default").has_value());
    EXPECT_FALSE(set.add(sha256Hex("test-token"), "okta", "acme").has_value());
    const TokenEntry *e = set.find(sha256Digest("test-token"));
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->name, "okta");
    EXPECT_EQ(e->tenant, "acme");
    EXPECT_EQ(set.find(sha256Digest("test-tokeN")), nullptr);
    EXPECT_EQ(set.find(sha256Digest("")), nullptr);
}

TEST(Tokens, UnnamedTokensAreNamedByHashPrefix) {
    TokenSet set;
    set.add(sha256Hex("abc"), "", "default");
    EXPECT_EQ(set.find(sha256Digest("abc"))->name, "sha256:" + sha256Hex("abc").substr(0, 8));
}

TEST(Tokens, FileWithCommentsTenantsAndBadLines) {
    std::string path = testing::TempDir() + "tokens.txt";
    {
        std::ofstream f(path);
        f << "# tokens\n\n" << sha256Hex("one") << " okta\n"
          << sha256Hex("two") << " entra acme  # comment\n";
    }
    TokenSet set;
    EXPECT_FALSE(set.loadFile(path, "default").has_value());
    EXPECT_EQ(set.size(), 2u);
    EXPECT_EQ(set.find(sha256Digest("one"))->tenant, "default");
    EXPECT_EQ(set.find(sha256Digest("two"))->tenant, "acme");
    {
        std::ofstream f(path);
        f << sha256Hex("one") << "\nplaintext-token\n";
    }
    TokenSet bad;
    auto err = bad.loadFile(path, "default");
    ASSERT_TRUE(err.has_value());
    EXPECT_NE(err->find(":2:"), std::string::npos) << *err;
    EXPECT_TRUE(TokenSet().loadFile("/nonexistent/tokens", "default").has_value());
    std::remove(path.c_str());
}

TEST(Tokens, BearerHeaderParsing) {
    EXPECT_EQ(bearerToken("Bearer abc").value(), "abc");
    EXPECT_EQ(bearerToken("bearer  abc ").value(), "abc");
    EXPECT_FALSE(bearerToken("Basic abc").has_value());
    EXPECT_FALSE(bearerToken("Bearer ").has_value());
    EXPECT_FALSE(bearerToken("").has_value());
}

TEST(TokenDigests, DigestEqualsTheHashHitOrMiss) {
    TokenDigestCache cache;
    EXPECT_FALSE(cache.holds("test-token"));
    EXPECT_EQ(cache.digest("test-token").view(), sha256Hex("test-token"));  // miss
    EXPECT_TRUE(cache.holds("test-token"));
    EXPECT_EQ(cache.digest("test-token").view(), sha256Hex("test-token"));  // hit
    EXPECT_EQ(sha256Digest("test-token").str(), sha256Hex("test-token"));
}

TEST(TokenDigests, SameLengthAndPrefixesAreOtherTokens) {
    TokenDigestCache cache;
    cache.digest("secret-token-aaaa");
    EXPECT_FALSE(cache.holds("secret-token-aaab"));
    EXPECT_EQ(cache.digest("secret-token-aaab").view(), sha256Hex("secret-token-aaab"));
    EXPECT_FALSE(cache.holds("secret-token"));
    EXPECT_EQ(cache.digest("secret-token").view(), sha256Hex("secret-token"));
    EXPECT_FALSE(cache.holds("secret-token-aaaa-and-more"));
    EXPECT_EQ(cache.digest("secret-token-aaaa-and-more").view(),
              sha256Hex("secret-token-aaaa-and-more"));
    EXPECT_EQ(cache.digest("secret-token-aaaa").view(), sha256Hex("secret-token-aaaa"));
}

TEST(TokenDigests, EvictsTheLeastRecentlyUsed) {
    TokenDigestCache cache;
    for (size_t i = 0; i < TokenDigestCache::kEntries; ++i) cache.digest("t" + std::to_string(i));
    cache.digest("t0");  // t0 is now the most recent, t1 the least
    cache.digest("new");
    EXPECT_TRUE(cache.holds("t0"));
    EXPECT_FALSE(cache.holds("t1"));
    EXPECT_TRUE(cache.holds("t2"));
    EXPECT_TRUE(cache.holds("new"));
    EXPECT_EQ(cache.digest("t1").view(), sha256Hex("t1"));  // hashed again, t2 goes
    EXPECT_FALSE(cache.holds("t2"));
    cache.clear();
    EXPECT_FALSE(cache.holds("t0"));
    EXPECT_EQ(cache.digest("t0").view(), sha256Hex("t0"));
}

TEST(TokenDigests, LongTokensAreHashedEveryTime) {
    TokenDigestCache cache;
    std::string longest(TokenDigestCache::kMaxTokenBytes, 'x');
    std::string tooLong(TokenDigestCache::kMaxTokenBytes + 1, 'x');
    EXPECT_EQ(cache.digest(longest).view(), sha256Hex(longest));
    EXPECT_TRUE(cache.holds(longest));
    EXPECT_EQ(cache.digest(tooLong).view(), sha256Hex(tooLong));
    EXPECT_FALSE(cache.holds(tooLong));
    EXPECT_EQ(cache.digest("").view(), sha256Hex(""));
}

TEST(Tokens, UppercaseHashesMatchTheDigestsBytes) {
    TokenSet set;
    std::string upper = sha256Hex("Upper-Token");
    for (char &c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_FALSE(set.add(upper, "up", "acme").has_value());
    ASSERT_NE(set.find(sha256Digest("Upper-Token")), nullptr);
    EXPECT_EQ(set.find(sha256Digest("upper-token")), nullptr);
    EXPECT_EQ(set.find(sha256Digest("Upper-Token"))->sha256, sha256Hex("Upper-Token"));
}
