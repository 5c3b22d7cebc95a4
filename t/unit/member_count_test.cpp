// scim_max_members_per_request counted on the raw body (issue #9): the
// byte-level count agrees with a count on the parsed JSON, and a huge
// list is refused before any parse.
#include <gtest/gtest.h>

#include <string>

#include "scim/json.hpp"
#include "member_count_reference.hpp"
#include "scim/member_count.hpp"

namespace scim {
namespace {

struct Case {
    const char *body;
    size_t members;
};

TEST(MemberCount, AgreesWithTheParsedBody) {
    const Case cases[] = {
        {R"({"displayName":"g"})", 0},
        {R"({"displayName":"g","members":[]})", 0},
        {R"({"displayName":"g","members":[{"value":"a"},{"value":"b","display":"B"}]})", 2},
        {R"({"members":{"value":"a"}})", 1},
        {R"({"members":"a"})", 1},
        {R"({"members":null})", 1},
        {R"({"MEMBERS":["a","b","c"]})", 3},
        {R"({"m\u0065mbers":["a","b"]})", 2},
        {R"({"x":{"members":[1,2,3]},"members":[[1,2],{"a":[3,4]}]})", 2},
        {R"(["members",{"members":[1,2]}])", 0},
        {R"({"Operations":[{"op":"add","path":"members","value":[{"value":"a"},{"value":"b"}]}]})", 2},
        {R"({"Operations":[{"op":"add","value":[1,2,3],"path":"Members"}]})", 3},
        {R"({"Operations":[{"op":"add","path":"members[value eq \"a\"]","value":"x"}]})", 1},
        {R"({"Operations":[{"op":"add","path":"m\u0065mbers","value":["a"]}]})", 1},
        {R"({"Operations":[{"op":"add","path":"emails","value":[1,2,3]}]})", 0},
        {R"({"Operations":[{"op":"add","path":7,"value":{"members":[1,2]}}]})", 2},
        {R"({"Operations":[{"op":"replace","value":{"displayName":"x","members":[1,2,3]}}]})", 3},
        {R"({"Operations":[{"op":"replace","value":{"members":{"value":"a"}}}]})", 1},
        {R"({"Operations":[{"op":"replace","value":[{"members":[1,2]}]}]})", 0},
        {R"({"Operations":[{"op":"remove","path":"members"}]})", 0},
        {R"({"Operations":[{"op":"add","path":"members","value":{"value":"a"}},)"
         R"({"op":"add","path":"members","value":["b","c"]},"junk",[1,[2]]],"members":["d"]})",
         4},
        {R"({"note":"\"members\": [1,2,3]","members" : [ "a" , "]" , "\\" ] })", 3},
        {R"({"members":[true,false,null,1.5e3,-2,{"value":"x"},["y"]]})", 7},
    };
    for (const Case &c : cases) {
        EXPECT_EQ(countNamedMembers(c.body), c.members) << c.body;
        auto body = parseJson(c.body);
        ASSERT_TRUE(body) << c.body;
        EXPECT_EQ(countMembersOnDom(*body), c.members) << c.body;
    }
}

TEST(MemberCount, ToleratesTextThatIsNotJson) {
    for (const char *text : {"", "]]]}}}", "{\"members\":[1,2", "\"unterminated", "{{{{[[[[",
                             "{\"Operations\":[{\"path\":\"members\",\"value\":[1,2,3]",
                             "{\"members\":[\"\\", "{\"a\":\"\\u00"}) {
        (void)countNamedMembers(text);  // no crash, no read beyond the text
    }
    EXPECT_EQ(countNamedMembers("{\"members\":[1,2"), 2u);
}

TEST(MemberCount, CountsAHugeListInOnePass) {
    std::string body = R"({"Operations":[{"op":"add","path":"members","value":[)";
    for (int i = 0; i < 95000; ++i) body += (i ? ",\"" : "\"") + std::to_string(100000 + i) + "\"";
    body += "]}]}";
    EXPECT_EQ(countNamedMembers(body), 95000u);
}

}  // namespace
}  // namespace scim
