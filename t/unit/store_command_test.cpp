// Redis commands: scripts go out as EVALSHA (or EVAL), plain commands as-is.
#include <gtest/gtest.h>

#include "scim/store/command.hpp"
#include "scim/store/keys.hpp"
#include "scim/store/scripts.hpp"

using namespace scim;

TEST(StoreCommand, ScriptsGoOutAsEvalshaOrEval) {
    const auto &script = store::createUserScript();
    auto c = store::scriptCall(script, {"k1", "k2"}, {"a"});
    auto sha = c.argv();
    ASSERT_EQ(sha.size(), 6u);
    EXPECT_EQ(sha[0], "EVALSHA");
    EXPECT_EQ(sha[1], script.sha1);
    EXPECT_EQ(sha[1].size(), 40u);
    EXPECT_EQ(sha[2], "2");
    EXPECT_EQ(sha[3], "k1");
    EXPECT_EQ(sha[5], "a");
    auto eval = c.argv(true);
    EXPECT_EQ(eval[0], "EVAL");
    EXPECT_EQ(eval[1], script.source);
    EXPECT_EQ(store::plain({"GET", "x"}).argv(), (std::vector<std::string>{"GET", "x"}));
}

// The tenant's prefix, then each key's name.
TEST(StoreCommand, UserWriteKeysAreTheKeySpaceNames) {
    scim::store::KeySpace k("scim:", "acme");
    std::string id = "2819c223-7f76-453a-919d-413861904646";
    std::vector<std::string> expected{k.user(id),          k.usersByName(),
                                      k.users(),           k.seq(),
                                      k.events(),          k.userNameIndex(),
                                      k.externalIdIndex(), k.emailIndex(),
                                      k.createdIndex(),    k.modifiedIndex()};
    EXPECT_EQ(scim::store::userWriteKeys(k, id), expected);
    EXPECT_EQ(k.user(id), "scim:{acme}:user:" + id);
    EXPECT_EQ(k.modifiedIndex(), "scim:{acme}:users:idx:lastModified");
    EXPECT_EQ(k.base(), "scim:{acme}:");
}
