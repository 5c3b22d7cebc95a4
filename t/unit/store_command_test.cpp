// Redis commands: scripts go out as EVALSHA (or EVAL), plain commands as-is.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <cstdlib>

#include "scim/store/command.hpp"
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

// The edge writes commands with appendRequest: the same bytes as hiredis's
// formatter, for empty, binary and long arguments.
TEST(StoreCommand, AppendRequestWritesWhatHiredisWrites) {
    std::vector<std::vector<std::string>> commands = {
        {"PING"},
        {"SET", "k", ""},
        {"EVALSHA", std::string(40, 'a'), "1", std::string("a\0b\r\n", 5), std::string(70000, 'x')},
    };
    std::string out = "prefix";
    std::string want = "prefix";
    for (const auto &argv : commands) {
        store::appendRequest(out, argv);
        std::vector<const char *> args;
        std::vector<size_t> lens;
        for (const auto &a : argv) {
            args.push_back(a.data());
            lens.push_back(a.size());
        }
        char *cmd = nullptr;
        int len = redisFormatCommandArgv(&cmd, static_cast<int>(args.size()), args.data(),
                                         lens.data());
        ASSERT_GT(len, 0);
        want.append(cmd, static_cast<size_t>(len));
        free(cmd);
    }
    EXPECT_EQ(out, want);
    std::string one;
    store::appendRequest(one, {"GET", "key"});
    EXPECT_EQ(one, "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n");
}
