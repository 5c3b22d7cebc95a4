// Strict input (issue #9): characters, repeated keys, blank names,
// attribute path syntax, schemas, {} and bare values, paging numbers,
// preconditions, filters checked against the schema.
#include <gtest/gtest.h>

#include "scim/filter.hpp"
#include "scim/input_checks.hpp"
#include "scim/list_request.hpp"
#include "scim/resource.hpp"
#include "service/stored_patch.hpp"

namespace scim {
namespace {

Expected<JsonDoc> parse(std::string_view text) { return parseJson(text); }

TEST(InputChecks, ControlCharactersAndSurrogatesAreRefusedInStrings) {
    for (const char *text : {R"({"a":"x\u0000"})", R"({"a":"\u0001"})", R"({"a":"\u001f"})",
                             R"({"a":"\u007f"})", R"({"a":"\u0080"})", R"({"a":"\u009f"})",
                             R"({"a":"\udc00"})", R"({"a\u0001":1})", R"({"a":["ok","\u0002"]})"}) {
        auto doc = parse(text);
        ASSERT_FALSE(doc) << text;
        EXPECT_EQ(doc.error().status, 400) << text;
    }
    EXPECT_TRUE(parse(R"({"a":"line\nbreak\ttab\r","b":"\u00a0é😀"})"));
}

// Printable ASCII is skipped without decoding: every other byte value still
// goes through the decoder, at the start, middle and end of a string.
TEST(InputChecks, ForbiddenCharacterSeesEveryNonPrintableByte) {
    for (int b = 0; b < 0x100; ++b) {
        char c = static_cast<char>(b);
        bool printable = b >= 0x20 && b < 0x7F;
        bool lineBreak = c == '\t' || c == '\n' || c == '\r';
        for (std::string text : {std::string(1, c), "ab" + std::string(1, c) + "cd",
                                 "abcd" + std::string(1, c)}) {
            EXPECT_EQ(forbiddenCharacter(text, LineBreaks::Refused).has_value(), !printable) << b;
            EXPECT_EQ(forbiddenCharacter(text, LineBreaks::Allowed).has_value(),
                      !printable && !lineBreak)
                << b;
        }
    }
    EXPECT_EQ(forbiddenCharacter("ab\x7f", LineBreaks::Allowed), "U+007F at byte 2");
    EXPECT_EQ(forbiddenCharacter("abc\xc3", LineBreaks::Allowed), "invalid UTF-8 at byte 3");
    EXPECT_FALSE(forbiddenCharacter("caf\xc3\xa9 \xe2\x82\xac", LineBreaks::Refused));
}

// ASCII bodies skip RapidJSON's encoding check; any other byte, in the
// first eight-byte words or the tail, brings it back: invalid UTF-8 is the
// same parse error wherever it is.
TEST(InputChecks, InvalidUtf8IsAParseErrorWithOrWithoutAsciiSkip) {
    for (std::string text : {std::string("{\"a\":\"\xff\"}"),
                             std::string("{\"userName\":\"abcdefgh\xc3\"}"),
                             std::string("{\"userName\":\"abcdefghijklmnop\",\"x\":\"\xc0\xaf\"}")}) {
        auto doc = parse(text);
        ASSERT_FALSE(doc) << text;
        EXPECT_EQ(doc.error().status, 400);
        EXPECT_NE(doc.error().detail.find("malformed JSON at offset"), std::string::npos)
            << doc.error().detail;
    }
    auto ok = parse(R"({"userName":"bjensen@example.com","name":{"givenName":"B\u00e9a"}})");
    ASSERT_TRUE(ok);
    EXPECT_STREQ((*ok)["name"]["givenName"].GetString(), "B\xc3\xa9" "a");
    EXPECT_TRUE(parse("{\"a\":\"caf\xc3\xa9\"}"));
}

TEST(InputChecks, RepeatedKeysAreRefusedCaseInsensitively) {
    for (const char *text : {R"({"userName":"a","userName":"b"})",
                             R"({"userName":"a","UserName":"b"})",
                             R"({"n":{"givenName":"a","GIVENNAME":"b"}})",
                             R"({"l":[{"value":"a","Value":"b"}]})"}) {
        auto doc = parse(text);
        ASSERT_FALSE(doc) << text;
        EXPECT_EQ(doc.error().scimType, "invalidSyntax") << text;
    }
    EXPECT_TRUE(parse(R"({"a":{"v":1},"b":{"v":1}})"));
}

TEST(InputChecks, NamesMustNotBeBlankOrHoldLineBreaks) {
    EXPECT_TRUE(checkName("userName", " "));
    EXPECT_TRUE(checkName("userName", "\t\n"));
    EXPECT_TRUE(checkName("userName", "a\nb"));
    EXPECT_TRUE(checkName("userName", ""));
    EXPECT_FALSE(checkName("userName", " bjensen "));
    EXPECT_FALSE(checkName("displayName", "Ünïcode 😀"));
}

TEST(InputChecks, AttributePathSyntax) {
    for (const char *ok : {"userName", "name.givenName", "$ref", "members.$ref", "emails.value",
                           "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
                           "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
                           "x-custom_1"}) {
        EXPECT_TRUE(isAttributePath(ok)) << ok;
    }
    for (const char *bad : {"", "userName.", "name..givenName", "user$Name", ".userName", "1abc",
                            "a.b.c", "urn::x:userName", "urn:x:", "foo:userName", "user name"}) {
        EXPECT_FALSE(isAttributePath(bad)) << bad;
    }
}

TEST(InputChecks, InvalidUtf8IsReplacedForErrorDetails) {
    EXPECT_EQ(validUtf8("ok"), "ok");
    EXPECT_EQ(validUtf8("a\xff" "b"), "a\xEF\xBF\xBD" "b");
    EXPECT_EQ(validUtf8("\xed\xb0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    Error e = notFound("User \xff not found");
    std::string body = renderError(e);
    EXPECT_TRUE(parse(body)) << body;
}

Expected<NormalizedResource> user(std::string_view text) {
    auto doc = parse(text);
    if (!doc) return doc.takeError();
    return normalizeResource(userResourceType(), *doc);
}

Expected<NormalizedResource> group(std::string_view text) {
    auto doc = parse(text);
    if (!doc) return doc.takeError();
    return normalizeResource(groupResourceType(), *doc);
}

// Error details name the sub-attribute's path, short (built in a buffer)
// or longer than the buffer.
TEST(InputChecks, SubAttributeErrorsNameTheirPath) {
    auto bad = user(R"({"userName":"a","emails":[{"value":"x@example.com","primary":"maybe"}]})");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().detail.find("emails.primary"), std::string::npos) << bad.error().detail;
    std::string longPath(140, 'p');
    JsonDoc in;
    in.Parse(R"({"givenName":{"x":1}})");
    JsonDoc out;
    auto v = normalizeValue(*userResourceType().schema->find("name"), in, out.GetAllocator(),
                            longPath);
    ASSERT_FALSE(v);
    EXPECT_NE(v.error().detail.find(longPath + ".givenName"), std::string::npos)
        << v.error().detail;
}

TEST(InputChecks, SchemasMustNameTheCoreSchemaOfTheType) {
    EXPECT_FALSE(user(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"userName":"a"})"));
    EXPECT_FALSE(user(R"({"schemas":["urn:example:x"],"userName":"a"})"));
    EXPECT_FALSE(user(R"({"schemas":[1],"userName":"a"})"));
    EXPECT_FALSE(user(R"({"schemas":{"a":1},"userName":"a"})"));
    EXPECT_FALSE(user(R"({"schemas":[],"userName":"a"})"));
    EXPECT_FALSE(group(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"displayName":"g"})"));
    // Entra: an unknown URN beside the core one.
    EXPECT_TRUE(group(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group",
        "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],"displayName":"g"})"));
    EXPECT_TRUE(user(R"({"schemas":["URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"],"userName":"a"})"));
    EXPECT_TRUE(user(R"({"userName":"a"})"));
}

TEST(InputChecks, EmptyObjectForASimpleAttributeIsRefused) {
    EXPECT_FALSE(user(R"({"userName":"a","active":{}})"));
    EXPECT_FALSE(user(R"({"userName":"a","displayName":{}})"));
    EXPECT_FALSE(user(R"({"userName":"a","name":{"givenName":{}}})"));
    EXPECT_FALSE(user(R"({"userName":"a","emails":[{"value":{}}]})"));
    EXPECT_FALSE(group(R"({"displayName":"g","members":[{"value":{}}]})"));
    EXPECT_TRUE(user(R"({"userName":"a","name":{}})"));  // a complex one may be empty
}

TEST(InputChecks, BareValueOnlyWhereAProviderNeedsIt) {
    EXPECT_FALSE(user(R"({"userName":"a","emails":"a@b"})"));
    EXPECT_FALSE(user(R"({"userName":"a","emails":["a@b"]})"));
    EXPECT_FALSE(user(R"({"userName":"a","name":"Barbara"})"));
    EXPECT_TRUE(user(R"({"userName":"a","emails":{"value":"a@b"}})"));  // OneLogin
    EXPECT_TRUE(user(R"({"userName":"a",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"m1"}})"));  // Entra
    EXPECT_TRUE(group(R"({"displayName":"g","members":["u1"]})"));
}

TEST(InputChecks, PagingNumbersMustBeWholeIntegers) {
    for (const char *q : {"startIndex=1%00", "count=1%00", "startIndex=%201", "count=1.5",
                          "startIndex=99999999999999999999", "attributes=name..givenName",
                          "excludedAttributes=userName."}) {
        EXPECT_FALSE(listRequestFromQuery(q, {})) << q;
    }
    auto huge = listRequestFromQuery("startIndex=9223372036854775807&count=9223372036854775807", {});
    ASSERT_TRUE(huge);
    EXPECT_LT(huge->startIndex, 1LL << 41);  // startIndex + count cannot overflow
}

TEST(InputChecks, FiltersAreCheckedAgainstTheSchema) {
    auto check = [](const char *text) -> std::optional<Error> {
        auto f = filter::parse(text);
        if (!f) return f.error();
        return filter::checkAgainst(**f, userResourceType());
    };
    for (const char *bad : {"userName.", "name..givenName", "user$Name eq \"a\"",
                            "userName[value eq \"a\"]", "name.givenName[value eq \"a\"]",
                            "meta.created gt \"2024-13-45T00:00:00Z\"",
                            "emails[type eq \"work\"] and meta.lastModified lt \"nope\""}) {
        auto e = check(bad);
        ASSERT_TRUE(e) << bad;
        EXPECT_EQ(e->scimType, "invalidFilter") << bad;
    }
    for (const char *good : {"userName eq \"a\"", "emails[type eq \"work\"]",
                             "meta.created gt \"2024-01-31T00:00:00Z\"", "nosuch eq \"x\""}) {
        EXPECT_FALSE(check(good)) << good;
    }
}

TEST(ContentionBackoff, JitteredWaitsWithinTheBudget) {
    ContentionBackoff backoff(1000);
    int64_t waited = 0;
    unsigned turns = 0;
    while (auto wait = backoff.next()) {
        EXPECT_GE(*wait, 1u);
        EXPECT_LE(*wait, 64u);
        waited += *wait;
        ASSERT_LT(++turns, 2000u);
    }
    EXPECT_GE(waited, 1000);
    EXPECT_LT(waited, 1000 + 64);
    EXPECT_FALSE(backoff.next());  // spent stays spent
}

}  // namespace
}  // namespace scim
