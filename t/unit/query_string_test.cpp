// Query strings: decoding, parameter names, integer parameters.
#include <gtest/gtest.h>

#include "scim/query_string.hpp"

using namespace scim;

TEST(Query, DecodesAndLowercasesNames) {
    const char *q = "filter=userName%20eq%20%22a%2Bb%22&startIndex=1&COUNT=5&x&count=9";
    EXPECT_EQ(queryParam(q, "filter"), "userName eq \"a+b\"");
    EXPECT_EQ(queryParam(q, "startindex"), "1");
    EXPECT_EQ(queryParam(q, "count"), "5");  // first occurrence wins
    EXPECT_EQ(queryParam(q, "x"), "");       // present, no value
    EXPECT_EQ(queryParam(q, "missing"), std::nullopt);
    EXPECT_EQ(queryParam("a=b+c", "a"), "b c");
    EXPECT_EQ(urlDecode("%zz%4"), "%zz%4");
}

TEST(Query, NamesAreDecodedBeforeTheyAreCompared) {
    EXPECT_EQ(queryParam("%63OUNT=7", "count"), "7");    // %63 is 'c'
    EXPECT_EQ(queryParam("sort+by=x&sortby=y", "sortby"), "y");  // '+' is a space
    EXPECT_EQ(queryParam("count%=1&count%3=2&count=3", "count"), "3");
    EXPECT_EQ(queryParam("coun=1&counts=2", "count"), std::nullopt);
    EXPECT_EQ(queryParam("&&=1&count", "count"), "");
    EXPECT_EQ(queryParam("", "count"), std::nullopt);
}

TEST(Query, SeveralNamesInOnePass) {
    const std::string_view names[] = {"count", "filter", "sortby"};
    std::optional<std::string> values[3];
    queryParams("Filter=a&count=1&COUNT=2&x=y&filter=b", names, values, 3);
    EXPECT_EQ(values[0], "1");
    EXPECT_EQ(values[1], "a");
    EXPECT_EQ(values[2], std::nullopt);
}

TEST(Query, IntegerParameters) {
    EXPECT_EQ(integerParam("10", "count")->value(), 10);
    EXPECT_FALSE(integerParam("", "count")->has_value());
    EXPECT_EQ(integerParam("-3", "neg")->value(), -3);
    EXPECT_EQ(integerParam("+4", "count")->value(), 4);
    auto bad = integerParam("abc", "startIndex");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().scimType, "invalidValue");
    EXPECT_NE(bad.error().detail.find("'startIndex'"), std::string::npos);
}
