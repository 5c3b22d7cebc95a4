// The static bearer-token set: hashes only, names, token files, the header.
#include <gtest/gtest.h>

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
    const TokenEntry *e = set.find("test-token");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->name, "okta");
    EXPECT_EQ(e->tenant, "acme");
    EXPECT_EQ(set.find("test-tokeN"), nullptr);
    EXPECT_EQ(set.find(""), nullptr);
}

TEST(Tokens, UnnamedTokensAreNamedByHashPrefix) {
    TokenSet set;
    set.add(sha256Hex("abc"), "", "default");
    EXPECT_EQ(set.find("abc")->name, "sha256:" + sha256Hex("abc").substr(0, 8));
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
    EXPECT_EQ(set.find("one")->tenant, "default");
    EXPECT_EQ(set.find("two")->tenant, "acme");
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
