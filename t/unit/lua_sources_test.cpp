// The Lua scripts as the build embeds them (tools/lua-embed over
// src/store/lua): every script the store calls is there, expanded, once per
// helper, with the SHA-1 of exactly the text EVAL would send.
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <set>
#include <string>

#include "scim/store/lua_sources.hpp"
#include "scim/store/group_scripts.hpp"
#include "scim/store/scripts.hpp"
#include "scim/store/token_scripts.hpp"

namespace store = scim::store;

namespace {

std::string sha1Hex(const std::string &s) {
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char *>(s.data()), s.size(), md);
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : md) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

size_t count(const std::string &text, const std::string &what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// The Redis commands a script's text calls (redis.call / redis.pcall, whose
// first argument is always a literal here); a call whose command is not a
// literal comes back as "?", which no list below knows.
std::set<std::string> redisCommands(const std::string &text) {
    std::set<std::string> commands;
    for (const std::string call : {"redis.call(", "redis.pcall("}) {
        for (size_t at = text.find(call); at != std::string::npos; at = text.find(call, at + 1)) {
            size_t open = at + call.size();
            char quote = open < text.size() ? text[open] : 0;
            size_t close = quote == '\'' || quote == '"' ? text.find(quote, open + 1)
                                                          : std::string::npos;
            commands.insert(close == std::string::npos ? "?"
                                                       : text.substr(open + 1, close - open - 1));
        }
    }
    return commands;
}

// Redis commands that never write (those the scripts use, and a few more).
const std::set<std::string> kReadCommands{
    "EXISTS",   "GET",           "HEXISTS",          "HGET",       "HGETALL",   "HKEYS",
    "HLEN",     "HMGET",         "HSCAN",            "SCARD",      "SISMEMBER", "SMEMBERS",
    "TTL",      "PTTL",          "TYPE",             "ZCARD",      "ZCOUNT",    "ZRANGE",
    "ZRANK",    "ZRANGEBYLEX",   "ZRANGEBYSCORE",    "ZREVRANGE",  "ZREVRANGEBYSCORE",
    "ZSCORE",   "XLEN",          "XRANGE"};

}  // namespace

// readOnly keeps writes away from WAIT's group commit and out of the write
// metrics: a script marked read-only must call no command outside the read
// list, and one that calls only reads must say so.
TEST(LuaSources, ReadOnlyScriptsAreExactlyThoseThatCallNoWriteCommand) {
    size_t readOnly = 0;
    for (const store::Script *s : store::allScripts()) {
        SCOPED_TRACE(s->name);
        std::set<std::string> commands = redisCommands(s->source);
        ASSERT_FALSE(commands.empty());
        bool writes = false;
        for (const std::string &c : commands) {
            if (!kReadCommands.count(c)) writes = true;
        }
        EXPECT_EQ(s->readOnly, !writes);
        readOnly += s->readOnly;
    }
    EXPECT_EQ(readOnly, 5u);  // three query scripts, read_group(_members)
}

TEST(LuaSources, RedisCommandsAreReadFromTheCallsLiterals) {
    EXPECT_EQ(redisCommands("redis.call('HGET', k, 'f') redis.pcall(\"DEL\", k)"),
              (std::set<std::string>{"HGET", "DEL"}));
    EXPECT_EQ(redisCommands("redis.call(name, k)"), std::set<std::string>{"?"});
    EXPECT_EQ(redisCommands("-- no calls"), std::set<std::string>{});
}

TEST(LuaSources, EveryEmbeddedScriptIsOneTheStoreCalls) {
    EXPECT_EQ(store::allScripts().size(), store::kLuaSourceCount);
    for (const store::Script *s : store::allScripts()) {
        SCOPED_TRACE(s->name);
        const store::LuaSource *lua = store::findLuaSource(s->name);
        ASSERT_NE(lua, nullptr);
        EXPECT_EQ(s->source, lua->source);
    }
    EXPECT_EQ(store::findLuaSource("no_such_script"), nullptr);
}

TEST(LuaSources, Sha1IsOfTheExpandedText) {
    for (const store::Script *s : store::allScripts()) {
        SCOPED_TRACE(s->name);
        EXPECT_EQ(s->sha1, sha1Hex(s->source));
        EXPECT_EQ(s->source.find("--@include"), std::string::npos);
    }
}

TEST(LuaSources, IncludedHelpersComeOnceInDependencyOrder) {
    // delete_user includes lib/membership.lua itself; update_group gets
    // lib/group_record.lua through lib/group_write.lua.
    const std::string &del = store::deleteUserScript().source;
    EXPECT_EQ(count(del, "local function leave_all_groups("), 1u);
    EXPECT_EQ(count(del, "local function emit("), 1u);
    EXPECT_LT(del.find("local LEX = 6"), del.find("local function unindex("));
    const std::string &group = store::updateGroupScript().source;
    EXPECT_EQ(count(group, "local function group_record("), 1u);
    EXPECT_LT(group.find("local function group_record("), group.find("local function ok_reply("));
    EXPECT_EQ(count(group, "local function update_roles("), 1u);
    // A script's own header is first: what a Redis error's line refers to.
    EXPECT_EQ(store::touchTokenScript().source.rfind("-- touch_token:", 0), 0u);
}
