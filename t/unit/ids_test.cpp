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

TEST(Ids, Sha256OfLongInputsAndRepeatedCalls) {
    std::string block(1000, 'a');
    std::string first = sha256Hex(block);
    EXPECT_EQ(sha256Hex(block), first);  // the reused context starts afresh
    EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Ids, NameBasedIdsAreVersion5Uuids) {
    // Python: uuid.uuid5(uuid.UUID("523a7f5b-bb0a-49b3-9a10-c153977ec14b"), "default")
    EXPECT_EQ(nameBasedId("default"), "a72e83ad-df54-59c1-9866-795eb4609d67");
}
