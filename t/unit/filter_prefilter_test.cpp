// The raw-text pre-test of full scans (scim/filter_prefilter.hpp): it may
// only ever rule out records the evaluator would not match.
#include <gtest/gtest.h>

#include <random>

#include "scim/filter.hpp"
#include "scim/filter_prefilter.hpp"
#include "scim/json.hpp"
#include "scim/render.hpp"
#include "scim/schema_set.hpp"

using namespace scim;
using namespace scim::filter;

namespace {

const ResourceType &users() { return SchemaSet::builtin()->user(); }

std::vector<RequiredText> textsFor(const char *filterText) {
    auto f = parse(filterText);
    EXPECT_TRUE(f) << filterText;
    return f ? requiredTexts(**f, users()) : std::vector<RequiredText>{};
}

// The evaluator's answer on the resource rendered from `doc`.
bool evaluatorMatches(const Node &f, const std::string &doc) {
    JsonDoc d;
    d.Parse(doc.c_str());
    JsonDoc rendered = renderResource(users(), d, ResourceMeta{"id-1", "", "", 1, ""});
    return matches(f, rendered, users());
}

}  // namespace

TEST(FilterPrefilter, TextComparisonsOnStoredStringsAreRequired) {
    auto t = textsFor(R"(title co "X")");
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].quotedName, "\"title\"");
    EXPECT_EQ(t[0].text, "x");  // title is not caseExact: folded
    EXPECT_FALSE(t[0].caseExact);
    t = textsFor(R"(externalId eq "AbC" and userName sw "b" and emails ew "@Example.com")");
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[0].text, "AbC");
    EXPECT_TRUE(t[0].caseExact);
    EXPECT_EQ(t[2].quotedName, "\"value\"");  // emails means emails.value
    EXPECT_EQ(t[2].text, "@example.com");
    EXPECT_EQ(textsFor(R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "R&D")")
                  .size(),
              1u);
}

TEST(FilterPrefilter, NothingRequiredWhereTheTextSaysNothing) {
    for (const char *f : {
             R"(title co "x" or userName eq "y")", R"(not (title co "x"))", R"(title ne "x")",
             R"(title gt "x")", R"(title pr)", R"(title eq null)", R"(title co "")",
             R"(id eq "x")", R"(meta.created eq "2026-01-01T00:00:00Z")",
             R"(meta.resourceType eq "User")", R"(active eq true)", R"(title co "é")",
             R"(title co "a\"b")", R"(emails[type eq "work"])", R"(unknown eq "x")",
         }) {
        EXPECT_TRUE(textsFor(f).empty()) << f;
    }
}

TEST(FilterPrefilter, RulesOutOnlyTextsWithoutTheLiteral) {
    auto t = textsFor(R"(title co "ENG")");
    EXPECT_TRUE(mayMatch(R"({"title":"Senior Engineer"})", t));
    EXPECT_TRUE(mayMatch(R"({"Title" : "the eng lead"})", t));
    EXPECT_FALSE(mayMatch(R"({"title":"Manager"})", t));
    EXPECT_FALSE(mayMatch(R"({"title":"Manager","displayName":"eng","x":"title"})", t));
    EXPECT_FALSE(mayMatch(R"({"userName":"eng"})", t));  // no title at all
    // A value of another kind is left to the evaluator.
    EXPECT_TRUE(mayMatch(R"({"title":["Manager"]})", t));
    EXPECT_TRUE(mayMatch(R"({"title":1})", t));
    // An escape sequence could spell the literal: no ruling.
    EXPECT_TRUE(mayMatch(R"({"title":"\u0045NG"})", t));
    EXPECT_TRUE(mayMatch(R"({"title":"Manager"})", {}));
    auto exact = textsFor(R"(externalId eq "AbC")");
    EXPECT_FALSE(mayMatch(R"({"externalId":"abc"})", exact));
    EXPECT_TRUE(mayMatch(R"({"externalId":"AbC"})", exact));
}

// Soundness over many documents and filters: whenever the evaluator
// matches, the pre-test let the record through.
TEST(FilterPrefilter, NeverRulesOutAMatch) {
    std::mt19937 rng(7);
    const char *values[] = {"Eng", "eng lead", "ENGINEER", "x", "Zoë", "a/b", "t\\u0058x", "", "Q"};
    const char *literals[] = {"eng", "ENG", "x", "X", "lead", "a/b", "q", "Zo", "b"};
    const char *ops[] = {"eq", "co", "sw", "ew"};
    const char *attrs[] = {"title", "displayName", "emails", "emails.value", "name.givenName",
                           "externalId", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"};
    int ruledOut = 0, matched = 0;
    for (int i = 0; i < 3000; ++i) {
        auto v = [&] { return std::string(values[rng() % std::size(values)]); };
        std::string doc = R"({"userName":"u","title":")" + v() + R"(","displayName":")" + v() +
                          R"(","externalId":")" + v() + R"(","name":{"givenName":")" + v() +
                          R"("},"emails":[{"value":")" + v() + R"("}],)" +
                          R"("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":)" +
                          R"({"department":")" + v() + R"("}})";
        std::string text = std::string(attrs[rng() % std::size(attrs)]) + " " +
                           ops[rng() % std::size(ops)] + " \"" +
                           literals[rng() % std::size(literals)] + "\"";
        if (rng() % 3 == 0) text += std::string(" and title co \"") + literals[rng() % 9] + "\"";
        auto f = parse(text);
        ASSERT_TRUE(f) << text;
        bool may = mayMatch(doc, requiredTexts(**f, users()));
        bool does = evaluatorMatches(**f, doc);
        if (does) {
            ++matched;
            EXPECT_TRUE(may) << text << " on " << doc;
        }
        if (!may) ++ruledOut;
    }
    EXPECT_GT(ruledOut, 300);
    EXPECT_GT(matched, 100);
}
