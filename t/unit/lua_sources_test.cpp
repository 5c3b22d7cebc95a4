// The Lua scripts as the build embeds them (tools/lua-embed over
// src/store/lua): every script the store calls is there, expanded, once per
// helper, with the SHA-1 of exactly the text EVAL would send.
#include <gtest/gtest.h>
#include <openssl/sha.h>

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

}  // namespace

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
