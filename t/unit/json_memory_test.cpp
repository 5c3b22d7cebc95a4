// RapidJSON's memory reused per thread (src/json_memory.cpp): documents
// keep their values across moves and swaps, outlive many others, and the
// text writer gives what the DOM holds.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "scim/input_checks.hpp"
#include "scim/json.hpp"

using namespace scim;

namespace {

JsonDoc parsed(const std::string &text) {
    JsonDoc d;
    d.Parse(text.data(), text.size());
    EXPECT_FALSE(d.HasParseError()) << text;
    return d;
}

// Big enough to spill out of a document's first block into more chunks.
std::string bigArray(size_t n) {
    std::string s = "[";
    for (size_t i = 0; i < n; ++i) s += (i ? ",\"" : "\"") + std::to_string(i) + "-value\"";
    return s + "]";
}

}  // namespace

TEST(JsonMemory, MovedDocumentsKeepTheirValues) {
    std::vector<JsonDoc> docs;
    for (int i = 0; i < 40; ++i) {  // more than the cache holds
        docs.push_back(parsed(R"({"userName":"u)" + std::to_string(i) + R"(","n":[1,2,3]})"));
    }
    for (int i = 0; i < 40; ++i) {
        EXPECT_EQ(str(docs[i]["userName"]), "u" + std::to_string(i));
    }
    JsonDoc moved = std::move(docs[7]);
    docs.clear();  // the others go back to the cache, and are reused below
    for (int i = 0; i < 40; ++i) parsed(bigArray(50));
    EXPECT_EQ(str(moved["userName"]), "u7");
    EXPECT_EQ(moved["n"].Size(), 3u);
}

TEST(JsonMemory, SwapAndMoveAssignCarryThePool) {
    JsonDoc a = parsed(R"({"a":"first"})");
    JsonDoc b = parsed(bigArray(3000));
    a.Swap(b);
    ASSERT_TRUE(a.IsArray());
    EXPECT_EQ(a.Size(), 3000u);
    EXPECT_EQ(str(a[2999]), "2999-value");
    EXPECT_EQ(str(b["a"]), "first");
    b = parsed(R"({"b":"second"})");
    for (int i = 0; i < 20; ++i) parsed(bigArray(100));
    EXPECT_EQ(str(b["b"]), "second");
    EXPECT_EQ(str(a[0]), "0-value");
}

TEST(JsonMemory, ValuesBuiltInAPooledDocument) {
    JsonDoc d(rapidjson::kObjectType);
    auto &alloc = d.GetAllocator();
    for (int i = 0; i < 2000; ++i) {  // far beyond the first block
        std::string key = "key" + std::to_string(i);
        d.AddMember(jstr(key, alloc), jstr(std::string(40, 'x'), alloc), alloc);
    }
    EXPECT_EQ(d.MemberCount(), 2000u);
    EXPECT_EQ(str(d["key1999"]), std::string(40, 'x'));
}

TEST(JsonMemory, AnOwnAllocatorIsUsedAsGiven) {
    char buffer[4096];
    JsonAlloc pool(buffer, sizeof buffer);
    {
        JsonDoc d(&pool);
        d.Parse(R"({"a":"b"})");
        EXPECT_EQ(str(d["a"]), "b");
        EXPECT_GT(pool.Size(), 0u);
    }
    pool.Clear();
    EXPECT_EQ(pool.Size(), 0u);
}

TEST(JsonMemory, DeepAndWideDocumentsGrowTheStacks) {
    std::string deep;
    for (int i = 0; i < 30; ++i) deep += "[";
    deep += "1";
    for (int i = 0; i < 30; ++i) deep += "]";
    JsonDoc d = parsed(deep);
    EXPECT_TRUE(d.IsArray());
    JsonDoc wide = parsed(bigArray(20000));  // a document stack well past one block
    EXPECT_EQ(wide.Size(), 20000u);
    EXPECT_EQ(toString(wide).size(), bigArray(20000).size());
}

TEST(JsonMemory, WriterTextEqualsTheDocument) {
    std::string text = R"({"s":"a\"b\\c\u0001é","n":-12.5,"t":true,"z":null,"a":[1,{}]})";
    JsonDoc d = parsed(text);
    std::string out = toString(d);
    JsonDoc again = parsed(out);
    EXPECT_TRUE(again == d);
    EXPECT_EQ(toString(again), out);
    JsonOut tiny(1);  // grows from one byte
    JsonWriter w(tiny);
    d.Accept(w);
    EXPECT_EQ(tiny.take(), out);
}

TEST(JsonMemory, RepeatedKeysFoundPairwiseAndHashed) {
    for (size_t members : {2u, 31u, 32u, 33u, 200u}) {
        std::string body = "{";
        for (size_t i = 0; i < members; ++i) body += "\"k" + std::to_string(i) + "\":1,";
        std::string unique = body + "\"last\":1}";
        std::string repeated = body + "\"K0\":2}";
        EXPECT_TRUE(parseJson(unique)) << members;
        auto refused = parseJson(repeated);
        ASSERT_FALSE(refused) << members;
        EXPECT_EQ(refused.error().scimType, "invalidSyntax");
        EXPECT_NE(refused.error().detail.find("'K0' appears more than once"), std::string::npos);
    }
}

TEST(JsonMemory, ValidUtf8Check) {
    EXPECT_TRUE(isValidUtf8("plain"));
    EXPECT_TRUE(isValidUtf8("caf\xC3\xA9"));
    EXPECT_FALSE(isValidUtf8("bad\xC3"));
    EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));  // a surrogate
    EXPECT_EQ(isValidUtf8("x\xFFy"), validUtf8("x\xFFy") == "x\xFFy");
}
