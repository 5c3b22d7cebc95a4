// Query strings: decoding, parameter names, integer parameters.
#include <gtest/gtest.h>

#include "scim/query_string.hpp"

using namespace scim;

TEST(Query, DecodesAndLowercasesNames) {
    auto q = parseQuery("filter=userName%20eq%20%22a%2Bb%22&startIndex=1&COUNT=5&x&count=9");
    EXPECT_EQ(q["filter"], "userName eq \"a+b\"");
    EXPECT_EQ(q["startindex"], "1");
    EXPECT_EQ(q["count"], "5");  // first occurrence wins
    EXPECT_EQ(q.count("x"), 1u);
    EXPECT_EQ(parseQuery("a=b+c")["a"], "b c");
    EXPECT_EQ(urlDecode("%zz%4"), "%zz%4");
}

TEST(Query, IntegerParameters) {
    auto q = parseQuery("count=10&startIndex=abc&neg=-3");
    EXPECT_EQ(integerParam(q, "count")->value(), 10);
    EXPECT_FALSE(integerParam(q, "missing")->has_value());
    EXPECT_EQ(integerParam(q, "neg")->value(), -3);
    auto bad = integerParam(q, "startIndex");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().scimType, "invalidValue");
}
