// The filter parser and printer: RFC 7644 §3.4.2.2 grammar, literals,
// error details with offsets, and the length and nesting limits.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "filter_internal.hpp"
#include "scim/filter.hpp"

using namespace scim;
using namespace scim::filter;

namespace {

// The normalised form, or "error: <detail>".
std::string norm(std::string_view text, const Limits &limits = {}) {
    auto node = parse(text, limits);
    if (!node) return "error: " + node.error().detail;
    return toString(**node);
}

Error errorOf(std::string_view text, const Limits &limits = {}) {
    auto node = parse(text, limits);
    if (node) return Error{0, "", "parsed as " + toString(**node)};
    return node.error();
}

std::string detailOf(std::string_view text, const Limits &limits = {}) {
    return errorOf(text, limits).detail;
}

NodePtr parsed(std::string_view text) {
    auto node = parse(text);
    EXPECT_TRUE(node) << text << ": " << node.error().detail;
    return node ? std::move(*node) : nullptr;
}

const Comparison &comparison(const Node &n) { return std::get<Comparison>(n.v); }

Literal valueOf(std::string_view text) {
    NodePtr n = parsed(text);
    return n ? comparison(*n).value : Literal{};
}

std::string repeat(std::string_view s, size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (size_t i = 0; i < n; ++i) out += s;
    return out;
}

}  // namespace

// --- operators and keywords ------------------------------------------------

TEST(FilterParse, EveryComparisonOperator) {
    const std::vector<std::pair<std::string, CompareOp>> ops = {
        {"eq", CompareOp::Eq}, {"ne", CompareOp::Ne}, {"co", CompareOp::Co},
        {"sw", CompareOp::Sw}, {"ew", CompareOp::Ew}, {"gt", CompareOp::Gt},
        {"ge", CompareOp::Ge}, {"lt", CompareOp::Lt}, {"le", CompareOp::Le}};
    for (const auto &[name, op] : ops) {
        NodePtr n = parsed("userName " + name + " \"x\"");
        ASSERT_TRUE(n);
        const Comparison &c = comparison(*n);
        EXPECT_EQ(c.path, "userName");
        EXPECT_EQ(c.op, op) << name;
        EXPECT_EQ(std::get<std::string>(c.value), "x");
        EXPECT_EQ(toString(*n), "userName " + name + " \"x\"");
    }
}

TEST(FilterParse, PresentTakesNoValue) {
    NodePtr n = parsed("title pr");
    ASSERT_TRUE(n);
    EXPECT_EQ(comparison(*n).op, CompareOp::Pr);
    EXPECT_EQ(comparison(*n).path, "title");
    EXPECT_EQ(toString(*n), "title pr");
}

TEST(FilterParse, OperatorsAndKeywordsAreCaseInsensitive) {
    EXPECT_EQ(norm("userName EQ \"x\""), "userName eq \"x\"");
    EXPECT_EQ(norm("userName Sw \"x\""), "userName sw \"x\"");
    EXPECT_EQ(norm("title PR"), "title pr");
    EXPECT_EQ(norm("a pr AND b pr"), "(a pr and b pr)");
    EXPECT_EQ(norm("a pr Or b pr"), "(a pr or b pr)");
    EXPECT_EQ(norm("NOT (a pr)"), "not (a pr)");
    EXPECT_EQ(norm("active eq TRUE"), "active eq true");
    EXPECT_EQ(norm("active eq False"), "active eq false");
    EXPECT_EQ(norm("title eq NULL"), "title eq null");
}

TEST(FilterParse, AttributeNamesAreKeptAsWritten) {
    EXPECT_EQ(norm("USERNAME eq \"x\""), "USERNAME eq \"x\"");
    EXPECT_EQ(norm("Name.FamilyName co \"x\""), "Name.FamilyName co \"x\"");
    EXPECT_EQ(norm("groups.$ref pr"), "groups.$ref pr");
    EXPECT_EQ(norm("x-custom_attr1 pr"), "x-custom_attr1 pr");
}

// --- precedence and grouping -------------------------------------------------

TEST(FilterParse, AndBindsTighterThanOr) {
    EXPECT_EQ(norm("a eq 1 or b eq 2 and c eq 3"), "(a eq 1 or (b eq 2 and c eq 3))");
    EXPECT_EQ(norm("a eq 1 and b eq 2 or c eq 3"), "((a eq 1 and b eq 2) or c eq 3)");
    EXPECT_EQ(norm("a pr and b pr or c pr and d pr"), "((a pr and b pr) or (c pr and d pr))");

    NodePtr n = parsed("a eq 1 or b eq 2 and c eq 3");
    ASSERT_TRUE(n);
    const auto &top = std::get<Logical>(n->v);
    EXPECT_EQ(top.kind, Logical::Kind::Or);
    EXPECT_EQ(comparison(*top.left).path, "a");
    const auto &right = std::get<Logical>(top.right->v);
    EXPECT_EQ(right.kind, Logical::Kind::And);
    EXPECT_EQ(comparison(*right.left).path, "b");
    EXPECT_EQ(comparison(*right.right).path, "c");
}

TEST(FilterParse, ParenthesesOverridePrecedence) {
    EXPECT_EQ(norm("(a eq 1 or b eq 2) and c eq 3"), "((a eq 1 or b eq 2) and c eq 3)");
    EXPECT_EQ(norm("((a pr))"), "a pr");
    EXPECT_EQ(norm("(a pr)and(b pr)"), "(a pr and b pr)");
}

TEST(FilterParse, ChainsAreLeftLeaningBalancedTrees) {
    EXPECT_EQ(norm("a pr or b pr or c pr"), "((a pr or b pr) or c pr)");
    EXPECT_EQ(norm("a pr or b pr or c pr or d pr"), "((a pr or b pr) or (c pr or d pr))");
    EXPECT_EQ(norm("a pr and b pr and c pr"), "((a pr and b pr) and c pr)");
}

TEST(FilterParse, Not) {
    EXPECT_EQ(norm("not (a pr)"), "not (a pr)");
    EXPECT_EQ(norm("not(a pr)"), "not (a pr)");
    EXPECT_EQ(norm("not   (  a pr  )"), "not (a pr)");
    EXPECT_EQ(norm("not (a pr or b pr)"), "not (a pr or b pr)");
    EXPECT_EQ(norm("not (not (a pr))"), "not (not (a pr))");
    EXPECT_EQ(norm("a pr and not (b pr)"), "(a pr and not (b pr))");
    NodePtr n = parsed("not (a pr)");
    ASSERT_TRUE(n);
    ASSERT_TRUE(std::holds_alternative<Not>(n->v));
    EXPECT_EQ(comparison(*std::get<Not>(n->v).operand).path, "a");
}

TEST(FilterParse, NotWithoutParenthesesIsAnAttributeName) {
    EXPECT_EQ(norm("not pr"), "not pr");
    EXPECT_EQ(norm("and pr and or pr"), "(and pr and or pr)");
    EXPECT_EQ(errorOf("not a pr").scimType, "invalidFilter");
}

// --- value paths -------------------------------------------------------------

TEST(FilterParse, ValuePath) {
    NodePtr n = parsed("emails[type eq \"work\" and value co \"@x\"]");
    ASSERT_TRUE(n);
    const auto &vp = std::get<ValuePath>(n->v);
    EXPECT_EQ(vp.attr, "emails");
    EXPECT_EQ(vp.then, nullptr);
    const auto &inner = std::get<Logical>(vp.filter->v);
    EXPECT_EQ(inner.kind, Logical::Kind::And);
    EXPECT_EQ(comparison(*inner.left).path, "type");
    EXPECT_EQ(comparison(*inner.right).path, "value");
    EXPECT_EQ(toString(*n), "emails[type eq \"work\" and value co \"@x\"]");
}

TEST(FilterParse, ValuePathWithSubAttributeComparison) {
    NodePtr n = parsed("emails[type eq \"work\"].value eq \"a@x\"");
    ASSERT_TRUE(n);
    const auto &vp = std::get<ValuePath>(n->v);
    EXPECT_EQ(vp.attr, "emails");
    ASSERT_NE(vp.then, nullptr);
    EXPECT_EQ(vp.then->path, "value");
    EXPECT_EQ(vp.then->op, CompareOp::Eq);
    EXPECT_EQ(std::get<std::string>(vp.then->value), "a@x");
    EXPECT_EQ(toString(*n), "emails[type eq \"work\"].value eq \"a@x\"");
    EXPECT_EQ(norm("emails[type eq \"work\"].value PR"), "emails[type eq \"work\"].value pr");
}

TEST(FilterParse, ValuePathInsideLogicalAndWithParentheses) {
    EXPECT_EQ(norm("userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]"),
              "(userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"])");
    EXPECT_EQ(norm("emails[(type eq \"a\" or type eq \"b\") and not (value pr)]"),
              "emails[(type eq \"a\" or type eq \"b\") and not (value pr)]");
    EXPECT_EQ(norm("emails[ type eq \"a\" ]"), "emails[type eq \"a\"]");
}

TEST(FilterParse, NestedBracketsAreRejected) {
    Error e = errorOf("emails[x[y eq 1]]");
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.scimType, "invalidFilter");
    EXPECT_EQ(e.detail, "filter: '[' inside '[…]' is not allowed at offset 8");
    EXPECT_EQ(errorOf("emails[type eq \"a\" and x[y pr]]").scimType, "invalidFilter");
}

// --- attribute paths with schema URNs ------------------------------------------

TEST(FilterParse, UrnPrefixedPathsAreKeptWhole) {
    const char *core = "urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"J\"";
    EXPECT_EQ(norm(core), core);
    EXPECT_EQ(comparison(*parsed(core)).path, "urn:ietf:params:scim:schemas:core:2.0:User:userName");

    const char *ent =
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"701984\"";
    EXPECT_EQ(norm(ent), ent);
    EXPECT_EQ(comparison(*parsed(ent)).path,
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber");

    const char *mgr =
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"m\"";
    EXPECT_EQ(norm(mgr), mgr);
    EXPECT_EQ(norm("urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq \"work\"]"),
              "urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq \"work\"]");
}

// --- literals ----------------------------------------------------------------

TEST(FilterParse, StringEscapes) {
    EXPECT_EQ(std::get<std::string>(valueOf(R"(a eq "q\"b\\s\/\b\f\n\r\t")")),
              "q\"b\\s/\b\f\n\r\t");
    EXPECT_EQ(std::get<std::string>(valueOf(R"(a eq "caf\u00e9")")), "caf\xc3\xa9");
    EXPECT_EQ(std::get<std::string>(valueOf(R"(a eq "\u20AC")")), "\xe2\x82\xac");
    EXPECT_EQ(std::get<std::string>(valueOf(R"(a eq "\ud83d\ude00")")), "\xf0\x9f\x98\x80");
    EXPECT_EQ(std::get<std::string>(valueOf(R"(a eq "\u0000x")")), std::string("\0x", 2));
    EXPECT_EQ(std::get<std::string>(valueOf(R"(a eq "")")), "");
    EXPECT_EQ(std::get<std::string>(valueOf("a eq \"O'Malley (Jr) [x] and or\"")),
              "O'Malley (Jr) [x] and or");
    EXPECT_EQ(std::get<std::string>(valueOf("a eq \"caf\xc3\xa9\"")), "caf\xc3\xa9");
}

TEST(FilterParse, StringsPrintJsonEscaped) {
    EXPECT_EQ(norm(R"(a eq "q\"b\\s\/\b\f\n\r\t")"), R"(a eq "q\"b\\s/\b\f\n\r\t")");
    EXPECT_EQ(norm(R"(a eq "\u0001\u001f")"), R"(a eq "\u0001\u001f")");
    EXPECT_EQ(norm(R"(a eq "\u00e9")"), "a eq \"\xc3\xa9\"");
}

TEST(FilterParse, Numbers) {
    EXPECT_EQ(std::get<double>(valueOf("a eq 42")), 42.0);
    EXPECT_EQ(std::get<double>(valueOf("a eq -1.5e3")), -1500.0);
    EXPECT_EQ(std::get<double>(valueOf("a eq 0")), 0.0);
    EXPECT_EQ(std::get<double>(valueOf("a eq 0.25")), 0.25);
    EXPECT_EQ(std::get<double>(valueOf("a eq 2E+2")), 200.0);
    EXPECT_EQ(norm("a eq 42"), "a eq 42");
    EXPECT_EQ(norm("a eq 42.0"), "a eq 42");
    EXPECT_EQ(norm("a eq -1.5e3"), "a eq -1500");
    EXPECT_EQ(norm("a eq 0.1"), "a eq 0.1");
    EXPECT_EQ(norm("a eq 1e300"), "a eq 1e+300");
    EXPECT_EQ(norm("a gt 3.25"), "a gt 3.25");
}

TEST(FilterParse, BooleansAndNull) {
    EXPECT_EQ(std::get<bool>(valueOf("active eq true")), true);
    EXPECT_EQ(std::get<bool>(valueOf("active eq FALSE")), false);
    EXPECT_TRUE(std::holds_alternative<std::monostate>(valueOf("title eq null")));
    EXPECT_EQ(norm("active ne true"), "active ne true");
    EXPECT_EQ(norm("title ne Null"), "title ne null");
}

TEST(FilterParse, OrderingAgainstBooleanOrNullIsRejected) {
    for (const char *f : {"active gt true", "active ge false", "active lt TRUE", "active le false",
                          "active co true", "active sw false", "active ew true", "title gt null",
                          "title co null"}) {
        Error e = errorOf(f);
        EXPECT_EQ(e.status, 400) << f;
        EXPECT_EQ(e.scimType, "invalidFilter") << f;
    }
    EXPECT_EQ(detailOf("active gt true"),
              "filter: operator gt cannot compare with true, false or null at offset 10");
}

TEST(FilterParse, ToleratesExtraWhitespace) {
    EXPECT_EQ(norm("  userName   eq   \"x\"  "), "userName eq \"x\"");
    EXPECT_EQ(norm("\tuserName\teq\n\"x\"\r\n"), "userName eq \"x\"");
    EXPECT_EQ(norm("( a pr )   and   ( b pr )"), "(a pr and b pr)");
    EXPECT_EQ(norm("userName eq\"x\""), "userName eq \"x\"");
}

// --- the examples of RFC 7644 §3.4.2.2 ------------------------------------------

TEST(FilterParse, RfcExamples) {
    const std::vector<std::pair<std::string, std::string>> examples = {
        {R"(userName eq "bjensen")", R"(userName eq "bjensen")"},
        {R"(name.familyName co "O'Malley")", R"(name.familyName co "O'Malley")"},
        {R"(userName sw "J")", R"(userName sw "J")"},
        {R"(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J")",
         R"(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J")"},
        {R"(title pr)", R"(title pr)"},
        {R"(meta.lastModified gt "2011-05-13T04:42:34Z")",
         R"(meta.lastModified gt "2011-05-13T04:42:34Z")"},
        {R"(meta.lastModified ge "2011-05-13T04:42:34Z")",
         R"(meta.lastModified ge "2011-05-13T04:42:34Z")"},
        {R"(meta.lastModified lt "2011-05-13T04:42:34Z")",
         R"(meta.lastModified lt "2011-05-13T04:42:34Z")"},
        {R"(meta.lastModified le "2011-05-13T04:42:34Z")",
         R"(meta.lastModified le "2011-05-13T04:42:34Z")"},
        {R"(title pr and userType eq "Employee")", R"((title pr and userType eq "Employee"))"},
        {R"(title pr or userType eq "Intern")", R"((title pr or userType eq "Intern"))"},
        {R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")",
         R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")"},
        {R"(userType eq "Employee" and (emails co "example.com" or emails.value co "example.org"))",
         R"((userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")))"},
        {R"(userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org"))",
         R"((userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")))"},
        {R"(userType eq "Employee" and (emails.type eq "work"))",
         R"((userType eq "Employee" and emails.type eq "work"))"},
        {R"(userType eq "Employee" and emails[type eq "work" and value co "@example.com"])",
         R"((userType eq "Employee" and emails[type eq "work" and value co "@example.com"]))"},
        {R"(emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"])",
         R"((emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]))"},
    };
    for (const auto &[text, expected] : examples) EXPECT_EQ(norm(text), expected) << text;
}

TEST(FilterParse, PrintedFormParsesBackToTheSameText) {
    for (const char *f :
         {"a eq 1 or b eq 2 and c eq 3", "not (a pr or b pr and c pr)",
          "emails[type eq \"w\" or type eq \"h\" or value pr].value ne \"x\"",
          "a pr or b pr or c pr or d pr or e pr", "x eq \"\\u0002\\\"\" and y eq -0.5e-7",
          "not (not (emails[not (type pr)]))", "((a pr and b pr) and (c pr or d pr)) or e eq null"}) {
        std::string once = norm(f);
        ASSERT_EQ(once.rfind("error", 0), std::string::npos) << f << ": " << once;
        EXPECT_EQ(norm(once), once) << f;
    }
}

// --- errors --------------------------------------------------------------------

TEST(FilterParse, ErrorsAreInvalidFilterWithOffsets) {
    Error e = errorOf("userName foo \"x\"");
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.scimType, "invalidFilter");
    EXPECT_EQ(e.detail, "filter: expected an operator at offset 9");

    EXPECT_EQ(detailOf("userName eq \"x\" foo"),
              "filter: expected \"and\", \"or\" or the end of the filter at offset 16");
    EXPECT_EQ(detailOf("userName eq \"abc"), "filter: unterminated string at offset 12");
    EXPECT_EQ(detailOf("a eq"), "filter: expected a value (a string, number, true, false or null) at offset 4");
    EXPECT_EQ(detailOf("a eq )"), "filter: expected a value (a string, number, true, false or null) at offset 5");
    EXPECT_EQ(detailOf("a pr and"), "filter: expected a filter expression at offset 8");
    EXPECT_EQ(detailOf("(a pr"), "filter: expected ')' at offset 5 to close the '(' at offset 0");
    EXPECT_EQ(detailOf("emails[type eq \"x\""),
              "filter: expected ']' at offset 18 to close the '[' at offset 6");
    EXPECT_EQ(detailOf("1abc eq 2"), "filter: expected an attribute path at offset 0");
    EXPECT_EQ(detailOf("a=b eq 1"), "filter: unexpected character in attribute path at offset 1");
    EXPECT_EQ(detailOf("emails[type pr]."),
              "filter: expected a sub-attribute name after ']' at offset 16");
    EXPECT_EQ(detailOf("emails[type pr].value"), "filter: expected an operator at offset 21");
}

TEST(FilterParse, EmptyFilter) {
    EXPECT_EQ(detailOf(""), "filter: empty filter");
    EXPECT_EQ(detailOf("   \t "), "filter: empty filter");
    EXPECT_EQ(errorOf("").scimType, "invalidFilter");
    EXPECT_EQ(detailOf("()"), "filter: expected a filter expression at offset 1");
    EXPECT_EQ(detailOf("not ()"), "filter: expected a filter expression at offset 5");
}

TEST(FilterParse, TrailingGarbage) {
    EXPECT_EQ(detailOf("title pr \"x\""),
              "filter: expected \"and\", \"or\" or the end of the filter at offset 9");
    EXPECT_EQ(detailOf("title pr 5"),
              "filter: expected \"and\", \"or\" or the end of the filter at offset 9");
    EXPECT_EQ(detailOf("a pr)"), "filter: expected \"and\", \"or\" or the end of the filter at offset 4");
    EXPECT_EQ(detailOf("a pr]"), "filter: expected \"and\", \"or\" or the end of the filter at offset 4");
    EXPECT_EQ(detailOf("a eq 1 b eq 2"),
              "filter: expected \"and\", \"or\" or the end of the filter at offset 7");
    EXPECT_EQ(errorOf("a pr andb pr").scimType, "invalidFilter");
    EXPECT_EQ(errorOf("a pror b pr").scimType, "invalidFilter");
}

TEST(FilterParse, MalformedLiterals) {
    // Not JSON numbers: bare words, read as strings (docs/idp-quirks.md).
    for (const char *word : {"01", "1.", "1abc", "-", "1e", "+1"}) {
        auto node = scim::filter::parse(std::string("a eq ") + word);
        ASSERT_TRUE(node) << word;
        EXPECT_EQ(toString(**node), std::string("a eq \"") + word + "\"");
    }
    EXPECT_EQ(detailOf("a eq 1e999"), "filter: number out of range at offset 5");
    EXPECT_EQ(detailOf(R"(a eq "\x")"), "filter: invalid escape sequence in string at offset 6");
    EXPECT_EQ(detailOf(R"(a eq "\u12")"), "filter: expected four hex digits after \\u at offset 6");
    EXPECT_EQ(detailOf(R"(a eq "\udc00")"), "filter: unpaired low surrogate in \\u escape at offset 6");
    EXPECT_EQ(detailOf(R"(a eq "\ud83dx")"), "filter: unpaired high surrogate in \\u escape at offset 6");
    EXPECT_EQ(detailOf(R"(a eq "\ud83d\u0041")"),
              "filter: unpaired high surrogate in \\u escape at offset 6");
    EXPECT_EQ(detailOf("a eq \"\\"), "filter: unterminated string at offset 6");
    EXPECT_EQ(detailOf("a eq \"abc\\\""), "filter: unterminated string at offset 5");
}

// --- limits --------------------------------------------------------------------

TEST(FilterLimits, LengthIsBounded) {
    std::string atLimit = "a eq \"" + std::string(4096 - 7, 'x') + "\"";
    ASSERT_EQ(atLimit.size(), 4096u);
    EXPECT_TRUE(parse(atLimit));
    std::string over = atLimit + " ";
    EXPECT_EQ(detailOf(over), "filter: longer than the limit of 4096 bytes");
    EXPECT_EQ(errorOf(over).scimType, "invalidFilter");

    Limits small;
    small.maxLength = 10;
    EXPECT_EQ(detailOf("userName eq \"x\"", small), "filter: longer than the limit of 10 bytes");
    EXPECT_TRUE(parse("title pr", small));
}

TEST(FilterLimits, NestingIsBounded) {
    std::string ok = std::string(32, '(') + "a pr" + std::string(32, ')');
    EXPECT_EQ(norm(ok), "a pr");
    std::string deep = std::string(33, '(') + "a pr" + std::string(33, ')');
    EXPECT_EQ(detailOf(deep), "filter: nesting deeper than 32 levels at offset 32");

    Limits three;
    three.maxDepth = 3;
    EXPECT_TRUE(parse("not (not (not (a pr)))", three));
    EXPECT_EQ(detailOf("not (not (not (not (a pr))))", three),
              "filter: nesting deeper than 3 levels at offset 19");
    EXPECT_EQ(detailOf("a[b[c pr]]", three), "filter: '[' inside '[…]' is not allowed at offset 3");
    EXPECT_TRUE(parse("((emails[type pr]))", three));
    EXPECT_EQ(errorOf("(((emails[type pr])))", three).scimType, "invalidFilter");
}

TEST(FilterLimits, LongChainsCountTheirBalancedHeight) {
    Limits three;
    three.maxDepth = 3;
    // Eight operands make a tree three levels high, nine make four.
    EXPECT_TRUE(parse(repeat("a pr or ", 7) + "a pr", three));
    EXPECT_EQ(errorOf(repeat("a pr or ", 8) + "a pr", three).scimType, "invalidFilter");

    // With the default limits a chain as long as the length allows is fine.
    std::string chain = repeat("a pr or ", 500) + "a pr";
    ASSERT_LE(chain.size(), 4096u);
    auto node = parse(chain);
    ASSERT_TRUE(node) << node.error().detail;
    Limits roomy;
    roomy.maxLength = 1 << 20;
    roomy.maxDepth = 64;
    std::string printed = toString(**node);
    auto again = parse(printed, roomy);
    ASSERT_TRUE(again) << again.error().detail;
    EXPECT_EQ(toString(**again), printed);
}

TEST(FilterLimits, HugeNestingFailsWithoutCrashing) {
    std::string parens(100000, '(');
    Error e = errorOf(parens);
    EXPECT_EQ(e.scimType, "invalidFilter");
    EXPECT_EQ(e.detail, "filter: longer than the limit of 4096 bytes");

    Limits huge;
    huge.maxLength = 2 << 20;
    EXPECT_EQ(detailOf(parens, huge), "filter: nesting deeper than 32 levels at offset 32");
    EXPECT_EQ(detailOf(std::string(1 << 20, '('), huge),
              "filter: nesting deeper than 32 levels at offset 32");
    EXPECT_EQ(detailOf(repeat("not(", 1 << 18), huge),
              "filter: nesting deeper than 32 levels at offset 131");
    EXPECT_EQ(errorOf(repeat("a[", 1 << 18), huge).scimType, "invalidFilter");

    // 100001 operands: a tree only 17 levels high.
    auto chain = parse(repeat("a pr and ", 100000) + "a pr", huge);
    ASSERT_TRUE(chain) << chain.error().detail;
    EXPECT_FALSE(toString(**chain).empty());
}

TEST(FilterLimits, WithinLimitsAtDepth) {
    Limits huge;
    huge.maxLength = 2 << 20;
    huge.maxDepth = 1000;
    std::string deep = repeat("not (", 1000) + "a pr" + std::string(1000, ')');
    auto node = parse(deep, huge);
    ASSERT_TRUE(node) << node.error().detail;
    EXPECT_EQ(toString(**node).size(), deep.size());
}

// --- helpers shared with the evaluator -------------------------------------------

TEST(FilterHelpers, OperatorNames) {
    EXPECT_EQ(detail::opFromName("Eq"), CompareOp::Eq);
    EXPECT_EQ(detail::opFromName("PR"), CompareOp::Pr);
    EXPECT_EQ(detail::opFromName("lE"), CompareOp::Le);
    EXPECT_FALSE(detail::opFromName("equals"));
    EXPECT_FALSE(detail::opFromName(""));
    EXPECT_STREQ(detail::opName(CompareOp::Ge), "ge");
}

TEST(FilterHelpers, FormatNumber) {
    EXPECT_EQ(detail::formatNumber(1), "1");
    EXPECT_EQ(detail::formatNumber(-2.5), "-2.5");
    EXPECT_EQ(detail::formatNumber(1e21), "1e+21");
    EXPECT_EQ(detail::formatNumber(0.1 + 0.2), "0.30000000000000004");
    EXPECT_EQ(detail::formatNumber(123456789012), "123456789012");
}
