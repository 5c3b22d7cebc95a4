// The worker's cache of read documents: its bounds, its order of eviction,
// the isolation of tenants, kinds and locations, and forgetting.
#include <gtest/gtest.h>

#include <string>

#include "scim/document_cache.hpp"

using scim::CachedDocument;
using scim::DocumentCache;
using Kind = DocumentCache::Kind;

namespace {

const int kLocation = 0, kOtherLocation = 0;

DocumentCache::Key key(std::string_view id, std::string_view tenant = "acme",
                       Kind kind = Kind::User, const void *scope = &kLocation) {
    return {scope, tenant, kind, id};
}

CachedDocument doc(std::string text, uint64_t version = 1) {
    return {std::move(text), version, "t0", "t1"};
}

}  // namespace

TEST(DocumentCache, RemembersAndReplaces) {
    DocumentCache cache;
    EXPECT_FALSE(cache.find(key("u1")));
    cache.remember(key("u1"), doc(R"({"userName":"a"})", 3));
    auto found = cache.find(key("u1"));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->doc, R"({"userName":"a"})");
    EXPECT_EQ(found->version, 3u);
    EXPECT_EQ(found->created, "t0");
    EXPECT_EQ(found->lastModified, "t1");
    cache.remember(key("u1"), doc(R"({"userName":"b"})", 4));
    EXPECT_EQ(cache.entries(), 1u);
    EXPECT_EQ(cache.find(key("u1"))->version, 4u);
}

TEST(DocumentCache, TenantsKindsAndLocationsNeverShare) {
    DocumentCache cache;
    cache.remember(key("x", "acme"), doc("{}"));
    EXPECT_FALSE(cache.find(key("x", "globex")));
    EXPECT_FALSE(cache.find(key("x", "acme", Kind::Group)));
    EXPECT_FALSE(cache.find(key("x", "acme", Kind::User, &kOtherLocation)));
    // A tenant name that ends like another's start cannot spell the same key.
    cache.remember(key("Ux", "ab"), doc("{}"));
    EXPECT_FALSE(cache.find(key("x", "abU")));
    EXPECT_TRUE(cache.find(key("x", "acme")));
}

TEST(DocumentCache, ForgetsOnRequestAndClears) {
    DocumentCache cache;
    cache.remember(key("u1"), doc("{}"));
    cache.remember(key("u2"), doc("{}"));
    cache.forget(key("u1"));
    EXPECT_FALSE(cache.find(key("u1")));
    EXPECT_TRUE(cache.find(key("u2")));
    cache.forget(key("never"));
    cache.clear();
    EXPECT_EQ(cache.entries(), 0u);
    EXPECT_EQ(cache.bytes(), 0u);
    EXPECT_FALSE(cache.find(key("u2")));
}

TEST(DocumentCache, EntryBoundEvictsTheLeastRecentlyUsed) {
    DocumentCache cache({3, 1 << 20});
    cache.remember(key("a"), doc("{}"));
    cache.remember(key("b"), doc("{}"));
    cache.remember(key("c"), doc("{}"));
    ASSERT_TRUE(cache.find(key("a")));  // a is now the most recent
    cache.remember(key("d"), doc("{}"));
    EXPECT_EQ(cache.entries(), 3u);
    EXPECT_FALSE(cache.find(key("b")));
    EXPECT_TRUE(cache.find(key("a")));
    EXPECT_TRUE(cache.find(key("c")));
    EXPECT_TRUE(cache.find(key("d")));
}

TEST(DocumentCache, ByteBoundHoldsWhateverTheSizes) {
    const size_t bound = 8 * 1024;
    DocumentCache cache({1000, bound});
    for (int i = 0; i < 200; ++i) {
        cache.remember(key("u" + std::to_string(i)), doc(std::string(50 + 37 * (i % 40), 'x')));
        EXPECT_LE(cache.bytes(), bound);
    }
    EXPECT_TRUE(cache.find(key("u199")));  // the newest is kept
    EXPECT_FALSE(cache.find(key("u0")));
    // Bytes are the sum of what the entries are charged: forgetting them
    // all brings it back to zero.
    for (int i = 0; i < 200; ++i) cache.forget(key("u" + std::to_string(i)));
    EXPECT_EQ(cache.bytes(), 0u);
    EXPECT_EQ(cache.entries(), 0u);
}

TEST(DocumentCache, AnEntryLargerThanTheBoundIsNotKept) {
    DocumentCache cache({10, 4096});
    cache.remember(key("big"), doc("{}"));
    cache.remember(key("big"), doc(std::string(5000, 'x')));
    EXPECT_FALSE(cache.find(key("big")));  // and the older, smaller one went too
    EXPECT_EQ(cache.bytes(), 0u);
    cache.remember(key("small"), doc("{}"));
    EXPECT_TRUE(cache.find(key("small")));
}
