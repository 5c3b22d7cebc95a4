// Redis Cluster routing without a cluster: the spec's CRC16 test vector, its
// hash tag examples, redirects, CLUSTER SLOTS, and that every key of a
// tenant (and of the token registry) lands in one slot.
#include <gtest/gtest.h>

#include "fake_reply.hpp"
#include "scim/store/cluster.hpp"
#include "scim/store/keys.hpp"

using namespace scim::store;

TEST(ClusterSlot, Crc16MatchesTheSpecsTestVector) {
    EXPECT_EQ(crc16("123456789"), 0x31C3);
    EXPECT_EQ(keySlot("123456789"), 0x31C3u % 16384);
}

TEST(ClusterSlot, KnownSlotsOfPlainKeys) {
    EXPECT_EQ(keySlot("foo"), 12182u);
    EXPECT_EQ(keySlot("bar"), 5061u);
    EXPECT_EQ(keySlot("scim:layout"), crc16("scim:layout") % 16384);
}

TEST(ClusterSlot, HashTagsAsTheSpecDescribesThem) {
    EXPECT_EQ(hashTag("{user1000}.following"), "user1000");
    EXPECT_EQ(keySlot("{user1000}.following"), keySlot("{user1000}.followers"));
    EXPECT_EQ(hashTag("foo{}{bar}"), "foo{}{bar}");  // empty first tag: the whole key
    EXPECT_EQ(hashTag("foo{{bar}}zap"), "{bar");
    EXPECT_EQ(hashTag("foo{bar}{zap}"), "bar");
    EXPECT_EQ(hashTag("foo{bar"), "foo{bar");
    EXPECT_EQ(hashTag("scim:{acme}:user:1"), "acme");
}

TEST(ClusterSlot, RoutingKeyOfScriptsAndPlainCommands) {
    EXPECT_EQ(*routingKey({"EVALSHA", "abc", "2", "scim:{t}:a", "scim:{t}:b", "x"}), "scim:{t}:a");
    EXPECT_EQ(*routingKey({"eval", "return 1", "1", "k"}), "k");
    EXPECT_FALSE(routingKey({"EVALSHA", "abc", "0", "arg"}));
    EXPECT_EQ(*routingKey({"GET", "scim:layout"}), "scim:layout");
    EXPECT_FALSE(routingKey({"PING"}));
}

TEST(ClusterRedirect, MovedAndAsk) {
    auto moved = parseRedirect("MOVED 3999 127.0.0.1:6381");
    ASSERT_TRUE(moved);
    EXPECT_FALSE(moved->ask);
    EXPECT_EQ(moved->slot, 3999u);
    EXPECT_EQ(moved->host, "127.0.0.1");
    EXPECT_EQ(moved->port, 6381u);
    auto ask = parseRedirect("ASK 1 [::1]:7000");
    ASSERT_TRUE(ask);
    EXPECT_TRUE(ask->ask);
    EXPECT_EQ(ask->host, "[::1]");
    auto unknown_host = parseRedirect("MOVED 5 :7000");
    ASSERT_TRUE(unknown_host);
    EXPECT_EQ(unknown_host->host, "");
    EXPECT_FALSE(parseRedirect("MOVED 16384 127.0.0.1:1"));
    EXPECT_FALSE(parseRedirect("MOVED 1 127.0.0.1:0"));
    EXPECT_FALSE(parseRedirect("MOVED 1"));
    EXPECT_FALSE(parseRedirect("ERR MOVED 1 a:1"));
    EXPECT_FALSE(parseRedirect("NOSCRIPT No matching script"));
}

TEST(ClusterRedirect, RetryLater) {
    EXPECT_TRUE(isRetryLater("TRYAGAIN Multiple keys request during rehashing of slot"));
    EXPECT_TRUE(isRetryLater("CLUSTERDOWN The cluster is down"));
    EXPECT_FALSE(isRetryLater("ERR wrong number of arguments"));
}

TEST(ClusterSlots, MastersOfEachRange) {
    auto node = [](const char *host, long long port) {
        return FakeReply::array({FakeReply::string(host), FakeReply::integer(port),
                                 FakeReply::string("id")});
    };
    auto reply = FakeReply::array({
        FakeReply::array({FakeReply::integer(0), FakeReply::integer(5460), node("127.0.0.1", 7001),
                          node("127.0.0.1", 7004)}),
        FakeReply::array({FakeReply::integer(5461), FakeReply::integer(16383), node("", 7002)}),
    });
    std::vector<SlotRange> ranges;
    ASSERT_TRUE(parseClusterSlots(*reply, ranges));
    ASSERT_EQ(ranges.size(), 2u);
    EXPECT_EQ(ranges[0].last, 5460u);
    EXPECT_EQ(ranges[0].port, 7001u);
    EXPECT_EQ(ranges[1].first, 5461u);
    EXPECT_EQ(ranges[1].host, "");
}

TEST(ClusterSlots, RefusesOtherShapes) {
    std::vector<SlotRange> ranges;
    EXPECT_FALSE(parseClusterSlots(*FakeReply::error("ERR This instance has cluster support disabled"), ranges));
    auto bad = FakeReply::array({FakeReply::array({FakeReply::integer(10), FakeReply::integer(5),
                                                   FakeReply::array({FakeReply::string("h"),
                                                                     FakeReply::integer(1)})})});
    EXPECT_FALSE(parseClusterSlots(*bad, ranges));
}
