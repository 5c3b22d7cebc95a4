// The one escaping rule (scim/json_escape.hpp) against RapidJSON's Writer,
// which the module's other JSON text comes from: the same bytes for every
// byte value at every position, through both users of the rule
// (writeString's needsEscape, renderError).
#include <gtest/gtest.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "scim/error.hpp"
#include "scim/json.hpp"
#include "scim/json_escape.hpp"

namespace scim {
namespace {

std::string rapidJsonString(std::string_view s) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    return {buffer.GetString(), buffer.GetSize()};
}

std::string ours(std::string_view s) {
    std::string out;
    appendJsonString(out, s);
    return out;
}

std::string throughJsonWriter(std::string_view s) {
    JsonOut out;
    JsonWriter w(out);
    w.StartArray();
    writeString(w, s);
    w.EndArray();
    return out.take();
}

// Strings of every length up to 20 (the eight-byte scan's words, their
// tails) with each of the 256 byte values at every position.
std::vector<std::string> everyByteAtEveryPosition() {
    std::vector<std::string> all;
    for (size_t len = 1; len <= 20; ++len) {
        for (size_t i = 0; i < len; ++i) {
            for (int c = 0; c < 256; ++c) {
                std::string s(len, 'a');
                s[i] = static_cast<char>(c);
                all.push_back(s);
            }
        }
    }
    all.push_back("");
    all.push_back(std::string("\"\\\b\f\n\r\t\x01\x1f\0 end", 13));
    all.push_back("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    return all;
}

TEST(JsonEscape, AppendJsonStringWritesWhatRapidJsonWrites) {
    for (const std::string &s : everyByteAtEveryPosition()) {
        ASSERT_EQ(ours(s), rapidJsonString(s)) << s.size();
    }
}

TEST(JsonEscape, WriteStringWritesWhatRapidJsonWrites) {
    for (const std::string &s : everyByteAtEveryPosition()) {
        ASSERT_EQ(throughJsonWriter(s), "[" + rapidJsonString(s) + "]") << s.size();
    }
}

TEST(JsonEscape, EscapeFreeLengthStopsAtTheFirstEscapedByte) {
    for (const std::string &s : everyByteAtEveryPosition()) {
        size_t first = 0;
        while (first < s.size() && !isEscaped(static_cast<unsigned char>(s[first]))) ++first;
        ASSERT_EQ(escapeFreeLength(s), first);
        ASSERT_EQ(needsEscape(s), first < s.size());
    }
}

// renderError's body is the one RapidJSON writes for the same members.
TEST(JsonEscape, ErrorBodiesAreRapidJsonsText) {
    for (std::string detail : {std::string("plain"), std::string("a \"quoted\" \\ path\n\t\x01"),
                               std::string("nul \0 inside", 12), std::string("caf\xc3\xa9")}) {
        Error e{400, "invalidValue", detail};
        std::string expected = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],)"
                               R"("status":"400","scimType":"invalidValue","detail":)" +
                               rapidJsonString(detail) + "}";
        EXPECT_EQ(renderError(e), expected);
    }
}

}  // namespace
}  // namespace scim
