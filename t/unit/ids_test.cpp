// Resource ids, timestamps, password hashes and SHA-256.
#include <gtest/gtest.h>

#include <regex>

#include "scim/ids.hpp"

using namespace scim;

TEST(Ids, ResourceIdsAreRandomVersion4Uuids) {
    std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    std::string a = newResourceId(), b = newResourceId();
    EXPECT_TRUE(std::regex_match(a, uuid)) << a;
    EXPECT_NE(a, b);
}

TEST(Ids, TimestampsAreRfc3339UtcWithMilliseconds) {
    EXPECT_EQ(formatTimestamp(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(formatTimestamp(1795873458123LL), "2026-11-28T13:44:18.123Z");
}

TEST(Ids, PasswordHashesAreSaltedAndVerify) {
    std::string h1 = hashPassword("t1meMoney"), h2 = hashPassword("t1meMoney");
    EXPECT_NE(h1, h2);
    EXPECT_EQ(h1.rfind("pbkdf2-sha256$", 0), 0u);
    EXPECT_EQ(h1.find("t1meMoney"), std::string::npos);
    EXPECT_TRUE(verifyPassword("t1meMoney", h1));
    EXPECT_FALSE(verifyPassword("t1memoney", h1));
    EXPECT_FALSE(verifyPassword("x", "garbage"));
}

TEST(Ids, Sha256Hex) {
    EXPECT_EQ(sha256Hex("test-token"),
              "4c5dc9b7708905f77f5e5d16316b5dfb425e68cb326dcd55a860e90a7707031e");
}
