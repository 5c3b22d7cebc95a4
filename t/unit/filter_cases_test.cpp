// Table-driven filter cases (RFC 7644 §3.4.2.2), one reported test each:
//  - FilterParseCase: filter text → normalised toString, or an error detail;
//  - FilterEvalCase: filter → match against one fixed, rendered User;
//  - FilterElementCase: filter → match against one email / member element.
// Then what a row cannot say: the parse tree, literal values, the length and
// nesting limits, and the helpers shared with the evaluator.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "filter_internal.hpp"
#include "scim/filter.hpp"
#include "scim/json.hpp"
#include "scim/schema.hpp"

using namespace scim;
using namespace scim::filter;

namespace {

const std::string kCore = "urn:ietf:params:scim:schemas:core:2.0:User:";
const std::string kEnt = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:";

// Names are the gtest case names: [A-Za-z0-9_] and unique per suite.
template <class Case>
std::string caseName(const ::testing::TestParamInfo<Case> &info) {
    return info.param.name;
}

JsonDoc load(std::string_view text) {
    auto doc = parseJson(text);
    EXPECT_TRUE(doc) << doc.error().detail;
    return doc ? std::move(*doc) : JsonDoc();
}

// ============================================================================
// Parsing
// ============================================================================

struct ParseCase {
    std::string name;
    std::string text;
    std::string want;  // normalised form; or the error detail if it starts "filter: ", else a substring of it
    bool error;
};

void PrintTo(const ParseCase &c, std::ostream *os) { *os << c.name << ": " << c.text; }

ParseCase ok(std::string name, std::string text, std::string want) {
    return {std::move(name), std::move(text), std::move(want), false};
}
ParseCase bad(std::string name, std::string text, std::string want) {
    return {std::move(name), std::move(text), std::move(want), true};
}

std::vector<ParseCase> parseCases() {
    return {
        // --- every operator, in any case --------------------------------
        ok("EqLower", R"(userName eq "x")", R"(userName eq "x")"),
        ok("EqUpper", R"(userName EQ "x")", R"(userName eq "x")"),
        ok("EqMixed", R"(userName Eq "x")", R"(userName eq "x")"),
        ok("Ne", R"(title ne "x")", R"(title ne "x")"),
        ok("NeUpper", R"(title NE "x")", R"(title ne "x")"),
        ok("Co", R"(title CO "x")", R"(title co "x")"),
        ok("Sw", R"(title sW "x")", R"(title sw "x")"),
        ok("Ew", R"(title Ew "x")", R"(title ew "x")"),
        ok("Gt", R"(meta.lastModified GT "2011-05-13T04:42:34Z")",
           R"(meta.lastModified gt "2011-05-13T04:42:34Z")"),
        ok("Ge", R"(meta.lastModified ge "2011-05-13T04:42:34Z")",
           R"(meta.lastModified ge "2011-05-13T04:42:34Z")"),
        ok("Lt", "count lt 5", "count lt 5"),
        ok("Le", "count Le -1", "count le -1"),
        ok("Pr", "title pr", "title pr"),
        ok("PrUpper", "title PR", "title pr"),
        ok("EqNull", "title eq null", "title eq null"),
        ok("NeFalse", "active ne false", "active ne false"),
        ok("AttributeNameKeptAsWritten", "USERNAME pr", "USERNAME pr"),

        // --- and / or / not, precedence and grouping --------------------
        ok("AndBindsTighterThanOr", "a pr or b pr and c pr", "(a pr or (b pr and c pr))"),
        ok("AndFirstThenOr", "a pr and b pr or c pr", "((a pr and b pr) or c pr)"),
        ok("ParensOverridePrecedence", "(a pr or b pr) and c pr", "((a pr or b pr) and c pr)"),
        ok("OrChainLeansLeft", "a pr or b pr or c pr", "((a pr or b pr) or c pr)"),
        ok("AndChainOfFourBalanced", "a pr and b pr and c pr and d pr",
           "((a pr and b pr) and (c pr and d pr))"),
        ok("MixedChain", "a pr or b pr and c pr or d pr", "((a pr or (b pr and c pr)) or d pr)"),
        ok("KeywordsUpper", "a pr AND b pr OR c pr", "((a pr and b pr) or c pr)"),
        ok("KeywordsMixed", "a pr And b pr oR c pr", "((a pr and b pr) or c pr)"),
        ok("Not", "not (a pr)", "not (a pr)"),
        ok("NotUpperNoSpace", "NOT(a pr)", "not (a pr)"),
        ok("NotOfAnd", "not (a pr and b pr)", "not (a pr and b pr)"),
        ok("NotBindsToItsGroup", "not (a pr) and b pr", "(not (a pr) and b pr)"),
        ok("DoubleNot", "not (not (a pr))", "not (not (a pr))"),
        ok("RedundantParens", "((a pr))", "a pr"),
        ok("ParensWithoutSpaces", "(a pr)and(b pr)", "(a pr and b pr)"),
        ok("NotWithoutParensIsAnAttribute", "not pr", "not pr"),

        // --- value paths ---------------------------------------------------
        ok("ValuePath", R"(emails[type eq "work"])", R"(emails[type eq "work"])"),
        ok("ValuePathAnd", R"(emails[type eq "work" and value co "@example.com"])",
           R"(emails[type eq "work" and value co "@example.com"])"),
        ok("ValuePathNot", R"(emails[not (type eq "work")])", R"(emails[not (type eq "work")])"),
        ok("ValuePathGroupInside", R"(emails[(type eq "work" or type eq "home") and primary eq true])",
           R"(emails[(type eq "work" or type eq "home") and primary eq true])"),
        ok("ValuePathThenEq", R"(emails[type eq "work"].value eq "a@x.org")",
           R"(emails[type eq "work"].value eq "a@x.org")"),
        ok("ValuePathThenPr", R"(emails[type eq "work"].display pr)",
           R"(emails[type eq "work"].display pr)"),
        ok("ValuePathInOr", R"(emails[type eq "work"] or userName pr)",
           R"((emails[type eq "work"] or userName pr))"),
        ok("ValuePathUpperKeywords", R"(EMAILS[TYPE EQ "work"].VALUE PR)",
           R"(EMAILS[TYPE eq "work"].VALUE pr)"),
        ok("ValuePathSpacesInside", R"(emails[  type eq "work"  ])", R"(emails[type eq "work"])"),
        ok("ValuePathInsideNot", R"(not (emails[type eq "work"]))", R"(not (emails[type eq "work"]))"),

        // --- URN-qualified paths -----------------------------------------
        ok("CoreUrn", kCore + R"(userName sw "J")", kCore + R"(userName sw "J")"),
        ok("CoreUrnSubAttribute", kCore + R"(name.givenName eq "Barbara")",
           kCore + R"(name.givenName eq "Barbara")"),
        ok("EnterpriseUrn", kEnt + R"(employeeNumber eq "701984")",
           kEnt + R"(employeeNumber eq "701984")"),
        ok("EnterpriseUrnSubAttribute", kEnt + "manager.value pr", kEnt + "manager.value pr"),
        ok("EnterpriseUrnValuePath", kEnt + "manager[value pr]", kEnt + "manager[value pr]"),

        // --- string escapes (printed as JSON; '/' and non-ASCII unescaped) --
        ok("EscapeQuote", R"(title eq "a\"b")", R"(title eq "a\"b")"),
        ok("EscapeBackslash", R"(title eq "a\\b")", R"(title eq "a\\b")"),
        ok("EscapeSlash", R"(title eq "a\/b")", R"(title eq "a/b")"),
        ok("EscapeBackspace", R"(title eq "a\bb")", R"(title eq "a\bb")"),
        ok("EscapeFormFeed", R"(title eq "a\fb")", R"(title eq "a\fb")"),
        ok("EscapeNewline", R"(title eq "a\nb")", R"(title eq "a\nb")"),
        ok("EscapeCarriageReturn", R"(title eq "a\rb")", R"(title eq "a\rb")"),
        ok("EscapeTab", R"(title eq "a\tb")", R"(title eq "a\tb")"),
        ok("EscapeUnicodeLatin", R"(title eq "caf\u00e9")", "title eq \"caf\xc3\xa9\""),
        ok("EscapeUnicodeUpperHex", R"(title eq "\u00C9t\u00E9")", "title eq \"\xc3\x89t\xc3\xa9\""),
        ok("EscapeUnicodeControl", R"(title eq "\u0001")", R"(title eq "\u0001")"),
        ok("EscapeSurrogatePair", R"(title eq "\ud83d\ude00")", "title eq \"\xf0\x9f\x98\x80\""),
        ok("RawUtf8", "title eq \"Montr\xc3\xa9" "al\"", "title eq \"Montr\xc3\xa9" "al\""),
        ok("StringKeepsInnerSpaces", R"(title eq "  a  b ")", R"(title eq "  a  b ")"),
        ok("StringWithKeywordsAndBrackets", R"(title eq "x) or (y pr] and")",
           R"(title eq "x) or (y pr] and")"),
        ok("EmptyString", R"(title eq "")", R"(title eq "")"),

        // --- numbers --------------------------------------------------------
        ok("NumberZero", "count gt 0", "count gt 0"),
        ok("NumberNegative", "count gt -1", "count gt -1"),
        ok("NumberDecimal", "count gt 1.5", "count gt 1.5"),
        ok("NumberExponent", "count gt 1e3", "count gt 1000"),
        ok("NumberUpperNegativeExponent", "count gt 2E-2", "count gt 0.02"),
        ok("NumberPositiveExponent", "count gt 1E+2", "count gt 100"),
        ok("NumberLarge", "count gt 1e100", "count gt 1e+100"),
        ok("NumberTrailingZero", "count gt 2.50", "count gt 2.5"),

        // --- true / false / null in any case -------------------------------
        ok("TrueUpper", "active eq TRUE", "active eq true"),
        ok("TrueMixed", "active eq True", "active eq true"),
        ok("FalseMixed", "active eq fAlSe", "active eq false"),
        ok("NullUpper", "title eq NULL", "title eq null"),
        ok("NeNullMixed", "title ne Null", "title ne null"),

        // --- whitespace -------------------------------------------------------
        ok("ExtraSpaces", R"(   userName    eq    "x"   )", R"(userName eq "x")"),
        ok("TabsAndNewlines", "userName\teq\n\"x\"\r\nand\ttitle pr", R"((userName eq "x" and title pr))"),
        ok("SpacesInParens", "(  userName pr  )", "userName pr"),
        ok("SpacesAfterNot", "not    (  title pr )", "not (title pr)"),

        // --- errors -------------------------------------------------------------
        bad("ErrEmpty", "", "filter: empty filter"),
        bad("ErrBlank", " \t\r\n ", "filter: empty filter"),
        bad("ErrMissingValue", "userName eq", "expected a value"),
        bad("ErrMissingValueBeforeAnd", "userName eq and title pr", "expected a value"),
        bad("ErrMissingOperator", "userName", "expected an operator at offset 8"),
        bad("ErrUnknownOperator", R"(userName like "x")", "expected an operator at offset 9"),
        bad("ErrUnterminatedString", R"(userName eq "abc)", "filter: unterminated string at offset 12"),
        bad("ErrUnterminatedAfterBackslash", R"(userName eq "abc\)", "unterminated string"),
        bad("ErrEscapeX", R"(userName eq "\x41")", "invalid escape sequence in string at offset 13"),
        bad("ErrEscapeSingleQuote", R"(userName eq "\'")", "invalid escape sequence"),
        bad("ErrUnicodeTooShort", R"(userName eq "\u12")", "expected four hex digits after \\u"),
        bad("ErrUnicodeNotHex", R"(userName eq "\u12g4")", "expected four hex digits after \\u"),
        bad("ErrLoneHighSurrogate", R"(userName eq "\ud83d")", "unpaired high surrogate"),
        bad("ErrHighSurrogateThenNonLow", R"(userName eq "\ud83d\u0041")", "unpaired high surrogate"),
        bad("ErrLoneLowSurrogate", R"(userName eq "\ude00")", "unpaired low surrogate"),
        bad("ErrUnclosedParen", "(userName pr", "expected ')' at offset 12 to close the '(' at offset 0"),
        bad("ErrUnclosedNestedParen", "((userName pr)", "expected ')'"),
        bad("ErrExtraCloseParen", "userName pr)", "expected \"and\", \"or\" or the end of the filter"),
        bad("ErrLoneCloseParen", ")", "expected a filter expression"),
        bad("ErrEmptyParens", "()", "filter: expected a filter expression at offset 1"),
        bad("ErrNotWithoutOperand", "not ()", "filter: expected a filter expression at offset 5"),
        bad("ErrNotWithoutParens", "not title pr", "expected an operator"),
        bad("ErrUnclosedBracket", R"(emails[type eq "work")", "expected ']'"),
        bad("ErrBracketClosedByParen", R"(emails[type eq "work"))", "expected ']'"),
        bad("ErrParenClosedByBracket", R"((emails.type eq "work"])", "expected ')'"),
        bad("ErrExtraCloseBracket", R"(emails[type eq "work"]])", "expected \"and\", \"or\" or the end"),
        bad("ErrEmptyBrackets", "emails[]", "expected a filter expression"),
        bad("ErrNestedBrackets", R"(emails[type eq "work" and emails[value pr]])",
            "'[' inside '[\xe2\x80\xa6]' is not allowed"),
        bad("ErrNestedBracketsInParens", R"(a[(b[c pr])])", "is not allowed"),
        bad("ErrSpaceBeforeBracket", R"(emails [type eq "work"])", "expected an operator"),
        bad("ErrDotWithoutSubAttribute", R"(emails[type eq "work"].)",
            "expected a sub-attribute name after ']'"),
        bad("ErrSubAttributeWithoutOperator", R"(emails[type eq "work"].value)", "expected an operator"),
        bad("ErrValuePathComparedDirectly", R"(emails[type eq "work"] eq "x")",
            "expected \"and\", \"or\" or the end"),
        bad("ErrTrailingExpression", "userName pr title pr", "expected \"and\", \"or\" or the end"),
        bad("ErrTrailingWord", R"(userName eq "x" extra)",
            "filter: expected \"and\", \"or\" or the end of the filter at offset 16"),
        bad("ErrKeywordGlued", "a pr andb pr", "expected \"and\", \"or\" or the end"),
        bad("ErrPrWithValue", R"(title pr "x")", "filter: expected \"and\", \"or\" or the end of the filter at offset 9"),
        bad("ErrGtTrue", "active gt true",
            "filter: operator gt cannot compare with true, false or null at offset 10"),
        bad("ErrGeFalse", "active ge FALSE", "operator ge cannot compare"),
        bad("ErrLtNull", "title lt null", "operator lt cannot compare"),
        bad("ErrCoFalse", "title co false", "operator co cannot compare"),
        bad("ErrSwNull", "title sw null", "operator sw cannot compare"),
        bad("ErrEwTrue", "title ew true", "operator ew cannot compare"),
        bad("ErrDanglingAnd", "title pr and", "expected a filter expression"),
        bad("ErrDanglingOr", "title pr or ", "expected a filter expression"),
        bad("ErrLeadingAnd", "and title pr", "expected an operator"),
        bad("ErrBareString", R"("x")", "expected an attribute path at offset 0"),
        bad("ErrPathStartsWithDigit", "1abc pr", "expected an attribute path"),
        bad("ErrBadPathCharacter", R"(user,name eq "x")", "unexpected character in attribute path at offset 4"),
        bad("ErrSingleQuotedString", "userName eq 'bjensen'", "quoted with double quotes"),
        bad("ErrNumberOutOfRange", "count lt 1e400", "number out of range"),
        bad("ErrTooLong", "title eq \"" + std::string(5000, 'x') + "\"", "longer than the limit of 4096 bytes"),
        bad("ErrTooDeep", std::string(40, '(') + "a pr" + std::string(40, ')'), "nesting deeper than 32 levels"),

        // --- more spellings of operators, keywords and attribute names -----
        ok("SwMixedOnUserName", "userName Sw \"x\"", "userName sw \"x\""),
        ok("AndUpperTwoTerms", "a pr AND b pr", "(a pr and b pr)"),
        ok("OrMixedTwoTerms", "a pr Or b pr", "(a pr or b pr)"),
        ok("NotUpper", "NOT (a pr)", "not (a pr)"),
        ok("FalseCapitalised", "active eq False", "active eq false"),
        ok("UpperAttributeEq", "USERNAME eq \"x\"", "USERNAME eq \"x\""),
        ok("MixedCaseSubAttribute", "Name.FamilyName co \"x\"", "Name.FamilyName co \"x\""),
        ok("DollarRef", "groups.$ref pr", "groups.$ref pr"),
        ok("DashAndUnderscoreInName", "x-custom_attr1 pr", "x-custom_attr1 pr"),

        // --- more precedence, chains and not --------------------------------
        ok("AndBeforeOrWithValues", "a eq 1 or b eq 2 and c eq 3", "(a eq 1 or (b eq 2 and c eq 3))"),
        ok("AndThenOrWithValues", "a eq 1 and b eq 2 or c eq 3", "((a eq 1 and b eq 2) or c eq 3)"),
        ok("TwoAndsJoinedByOr", "a pr and b pr or c pr and d pr", "((a pr and b pr) or (c pr and d pr))"),
        ok("ParensOverridePrecedenceWithValues", "(a eq 1 or b eq 2) and c eq 3",
           "((a eq 1 or b eq 2) and c eq 3)"),
        ok("OrChainOfFourBalanced", "a pr or b pr or c pr or d pr", "((a pr or b pr) or (c pr or d pr))"),
        ok("AndChainOfThree", "a pr and b pr and c pr", "((a pr and b pr) and c pr)"),
        ok("NotLowerNoSpace", "not(a pr)", "not (a pr)"),
        ok("NotSpacesInside", "not   (  a pr  )", "not (a pr)"),
        ok("NotOfOr", "not (a pr or b pr)", "not (a pr or b pr)"),
        ok("AndNot", "a pr and not (b pr)", "(a pr and not (b pr))"),
        ok("KeywordsAsAttributeNames", "and pr and or pr", "(and pr and or pr)"),

        // --- more value paths and URNs ----------------------------------------
        ok("ValuePathThenPrUpper", R"(emails[type eq "work"].value PR)", R"(emails[type eq "work"].value pr)"),
        ok("ValuePathGroupAndNotInside", R"(emails[(type eq "a" or type eq "b") and not (value pr)])",
           R"(emails[(type eq "a" or type eq "b") and not (value pr)])"),
        ok("EnterpriseUrnManagerValueEq", kEnt + R"(manager.value eq "m")", kEnt + R"(manager.value eq "m")"),
        ok("CoreUrnValuePath", kCore + R"(emails[type eq "work"])", kCore + R"(emails[type eq "work"])"),

        // --- more literals -----------------------------------------------------
        ok("EscapesAllInOne", R"(a eq "q\"b\\s\/\b\f\n\r\t")", R"(a eq "q\"b\\s/\b\f\n\r\t")"),
        ok("EscapeControlsPrintedAsUnicode", R"(a eq "\u0001\u001f")", R"(a eq "\u0001\u001f")"),
        ok("NumberInteger", "a eq 42", "a eq 42"),
        ok("NumberIntegralDecimal", "a eq 42.0", "a eq 42"),
        ok("NumberNegativeExponent", "a eq -1.5e3", "a eq -1500"),
        ok("NumberOneTenth", "a eq 0.1", "a eq 0.1"),
        ok("NumberHuge", "a eq 1e300", "a eq 1e+300"),
        ok("NumberGtDecimal", "a gt 3.25", "a gt 3.25"),
        ok("NeTrue", "active ne true", "active ne true"),
        // Not JSON numbers: bare words, read as strings (docs/idp-quirks.md).
        ok("BareWordLeadingZero", "a eq 01", "a eq \"01\""),
        ok("BareWordTrailingDot", "a eq 1.", "a eq \"1.\""),
        ok("BareWordDigitsThenLetters", "a eq 1abc", "a eq \"1abc\""),
        ok("BareWordMinus", "a eq -", "a eq \"-\""),
        ok("BareWordExponentWithoutDigits", "a eq 1e", "a eq \"1e\""),
        ok("BareWordPlus", "a eq +1", "a eq \"+1\""),

        // --- more whitespace -----------------------------------------------------
        ok("TabsAndNewlinesAround", "\tuserName\teq\n\"x\"\r\n", R"(userName eq "x")"),
        ok("SpacesAroundGroups", "( a pr )   and   ( b pr )", "(a pr and b pr)"),
        ok("NoSpaceBeforeString", R"(userName eq"x")", R"(userName eq "x")"),

        // --- the examples of RFC 7644 §3.4.2.2 ------------------------------------
        ok("RfcUserNameEq", R"(userName eq "bjensen")", R"(userName eq "bjensen")"),
        ok("RfcFamilyNameCo", R"(name.familyName co "O'Malley")", R"(name.familyName co "O'Malley")"),
        ok("RfcUserNameSw", R"(userName sw "J")", R"(userName sw "J")"),
        ok("RfcTitlePr", "title pr", "title pr"),
        ok("RfcLastModifiedGt", R"(meta.lastModified gt "2011-05-13T04:42:34Z")",
           R"(meta.lastModified gt "2011-05-13T04:42:34Z")"),
        ok("RfcLastModifiedLt", R"(meta.lastModified lt "2011-05-13T04:42:34Z")",
           R"(meta.lastModified lt "2011-05-13T04:42:34Z")"),
        ok("RfcLastModifiedLe", R"(meta.lastModified le "2011-05-13T04:42:34Z")",
           R"(meta.lastModified le "2011-05-13T04:42:34Z")"),
        ok("RfcTitlePrAndUserType", R"(title pr and userType eq "Employee")",
           R"((title pr and userType eq "Employee"))"),
        ok("RfcTitlePrOrUserType", R"(title pr or userType eq "Intern")",
           R"((title pr or userType eq "Intern"))"),
        ok("RfcSchemasEq", R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")",
           R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")"),
        ok("RfcEmployeeAndEmails",
           R"(userType eq "Employee" and (emails co "example.com" or emails.value co "example.org"))",
           R"((userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")))"),
        ok("RfcNotEmployeeAndNotEmails",
           R"(userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org"))",
           R"((userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")))"),
        ok("RfcEmployeeAndWorkEmails", R"(userType eq "Employee" and (emails.type eq "work"))",
           R"((userType eq "Employee" and emails.type eq "work"))"),
        ok("RfcEmployeeAndWorkEmailValuePath",
           R"(userType eq "Employee" and emails[type eq "work" and value co "@example.com"])",
           R"((userType eq "Employee" and emails[type eq "work" and value co "@example.com"]))"),
        ok("RfcEmailsOrIms",
           R"(emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"])",
           R"((emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]))"),

        // --- more errors (a want starting "filter: " is the whole detail) -------
        bad("ErrNestedBracketOffset", "emails[x[y eq 1]]",
            "filter: '[' inside '[\xe2\x80\xa6]' is not allowed at offset 8"),
        bad("ErrMissingValueAtEnd", "a eq",
            "filter: expected a value (a string, number, true, false or null) at offset 4"),
        bad("ErrCloseParenForValue", "a eq )",
            "filter: expected a value (a string, number, true, false or null) at offset 5"),
        bad("ErrDanglingAndOffset", "a pr and", "filter: expected a filter expression at offset 8"),
        bad("ErrUnclosedParenShort", "(a pr", "filter: expected ')' at offset 5 to close the '(' at offset 0"),
        bad("ErrUnclosedBracketOffsets", R"(emails[type eq "x")",
            "filter: expected ']' at offset 18 to close the '[' at offset 6"),
        bad("ErrPathStartsWithDigitBeforeOp", "1abc eq 2", "filter: expected an attribute path at offset 0"),
        bad("ErrEqualsSignInPath", "a=b eq 1", "filter: unexpected character in attribute path at offset 1"),
        bad("ErrDotAfterValuePathAtEnd", "emails[type pr].",
            "filter: expected a sub-attribute name after ']' at offset 16"),
        bad("ErrSubAttributeAtEnd", "emails[type pr].value", "filter: expected an operator at offset 21"),
        bad("ErrNumberAfterPr", "title pr 5",
            "filter: expected \"and\", \"or\" or the end of the filter at offset 9"),
        bad("ErrCloseParenAfterPr", "a pr)", "filter: expected \"and\", \"or\" or the end of the filter at offset 4"),
        bad("ErrCloseBracketAfterPr", "a pr]", "filter: expected \"and\", \"or\" or the end of the filter at offset 4"),
        bad("ErrTwoComparisons", "a eq 1 b eq 2",
            "filter: expected \"and\", \"or\" or the end of the filter at offset 7"),
        bad("ErrOperatorGlued", "a pror b pr", ""),
        bad("ErrLtTrueUpper", "active lt TRUE", "cannot compare"),
        bad("ErrLeFalse", "active le false", "cannot compare"),
        bad("ErrCoTrue", "active co true", "cannot compare"),
        bad("ErrSwFalse", "active sw false", "cannot compare"),
        bad("ErrEwTrueOnBoolean", "active ew true", "cannot compare"),
        bad("ErrGtNull", "title gt null", "cannot compare"),
        bad("ErrCoNull", "title co null", "cannot compare"),
        bad("ErrNumberOutOfRangeOffset", "a eq 1e999", "filter: number out of range at offset 5"),
        bad("ErrEscapeXOffset", R"(a eq "\x")", "filter: invalid escape sequence in string at offset 6"),
        bad("ErrUnicodeTooShortOffset", R"(a eq "\u12")", "filter: expected four hex digits after \\u at offset 6"),
        bad("ErrLoneLowSurrogateOffset", R"(a eq "\udc00")",
            "filter: unpaired low surrogate in \\u escape at offset 6"),
        bad("ErrHighSurrogateThenLetter", R"(a eq "\ud83dx")",
            "filter: unpaired high surrogate in \\u escape at offset 6"),
        bad("ErrHighSurrogateThenNonLowOffset", R"(a eq "\ud83d\u0041")",
            "filter: unpaired high surrogate in \\u escape at offset 6"),
        bad("ErrBackslashAtEnd", "a eq \"\\", "filter: unterminated string at offset 6"),
        bad("ErrEscapedQuoteAtEnd", "a eq \"abc\\\"", "filter: unterminated string at offset 5"),
    };
}

class FilterParseCase : public ::testing::TestWithParam<ParseCase> {};

TEST_P(FilterParseCase, Parses) {
    const ParseCase &c = GetParam();
    auto node = parse(c.text);
    if (c.error) {
        ASSERT_FALSE(node) << "parsed as " << toString(**node);
        EXPECT_EQ(node.error().status, 400);
        EXPECT_EQ(node.error().scimType, "invalidFilter");
        if (c.want.rfind("filter: ", 0) == 0) {
            EXPECT_EQ(node.error().detail, c.want);
        } else {
            EXPECT_NE(node.error().detail.find(c.want), std::string::npos)
                << "detail: " << node.error().detail << "\nwanted: " << c.want;
        }
        return;
    }
    ASSERT_TRUE(node) << node.error().detail;
    std::string printed = toString(**node);
    EXPECT_EQ(printed, c.want);
    // The normalised form parses back to itself.
    auto again = parse(printed);
    ASSERT_TRUE(again) << again.error().detail;
    EXPECT_EQ(toString(**again), printed);
}

INSTANTIATE_TEST_SUITE_P(Filter, FilterParseCase, ::testing::ValuesIn(parseCases()),
                         caseName<ParseCase>);

// ============================================================================
// Evaluation against one rendered User
// ============================================================================

// RFC 7643 §8.2-style User with the Enterprise extension, as rendered.
// Absent on purpose: x509Certificates, locale, preferredLanguage,
// name.middleName, enterprise costCenter, phoneNumbers.display.
constexpr std::string_view kUser = R"({
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "id": "2819c223-7f76-453a-919d-413861904646",
  "externalId": "Ext-1",
  "userName": "BJensen@Example.com",
  "name": {"formatted": "Ms. Barbara J Jensen, III", "familyName": "Jensen",
           "givenName": "Barbara"},
  "displayName": "Babs Jensen",
  "nickName": "Babs \"BJ\"",
  "title": "Tour Guide/Lead",
  "userType": "Employee",
  "active": true,
  "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true},
             {"value": "babs@jensen.org", "type": "home"}],
  "phoneNumbers": [{"value": "555-555-5555", "type": "work"},
                   {"value": "555-555-4444", "type": "mobile"}],
  "addresses": [{"type": "work", "streetAddress": "100 Universal City Plaza",
                 "locality": "Hollywood", "region": "CA", "postalCode": "91608",
                 "country": "USA", "formatted": "100 Universal City Plaza\nHollywood, CA 91608 USA",
                 "primary": true},
                {"type": "home", "locality": "Montr\u00e9al", "country": "CA"}],
  "ims": [{"value": "someaimhandle", "type": "aim", "display": "Babs \ud83d\ude00"}],
  "groups": [{"value": "e9e30dba-f08f-4109-8486-d5c6a331660a",
              "$ref": "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
              "display": "Tour Guides"}],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    "employeeNumber": "701984",
    "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d",
                "$ref": "../Users/26118915-6090-4610-87e4-49d8ca9f808d",
                "displayName": "John Smith"}},
  "meta": {"resourceType": "User",
           "created": "2011-08-01T18:29:49.793Z",
           "lastModified": "2011-08-01T21:32:44.882Z",
           "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
           "version": "W/\"f250dd84f0671c3\""}
})";

struct EvalCase {
    std::string name;
    std::string filter;
    bool want;
};

void PrintTo(const EvalCase &c, std::ostream *os) { *os << c.name << ": " << c.filter; }

const std::string kId = "2819c223-7f76-453a-919d-413861904646";
const std::string kManagerId = "26118915-6090-4610-87e4-49d8ca9f808d";

std::vector<EvalCase> evalCases() {
    return {
        // --- strings, caseExact false (userName, name.*, displayName, …) ---
        {"UserNameEqFolded", R"(userName eq "bjensen@example.com")", true},
        {"UserNameEqExact", R"(userName eq "BJensen@Example.com")", true},
        {"UserNameEqOther", R"(userName eq "jsmith")", false},
        {"UserNameNeFolded", R"(userName ne "BJENSEN@EXAMPLE.COM")", false},
        {"UserNameNeOther", R"(userName ne "jsmith")", true},
        {"UserNameCo", R"(userName co "EXAMPLE")", true},
        {"UserNameCoMiss", R"(userName co "example.org")", false},
        {"UserNameSw", R"(userName sw "bjen")", true},
        {"UserNameSwMiss", R"(userName sw "jensen")", false},
        {"UserNameEw", R"(userName ew ".COM")", true},
        {"UserNameEwMiss", R"(userName ew "example")", false},
        {"UserNameGt", R"(userName gt "a")", true},
        {"UserNameGtFoldedEqual", R"(userName gt "BJENSEN@EXAMPLE.COM")", false},
        {"UserNameGeFoldedEqual", R"(userName ge "BJENSEN@EXAMPLE.COM")", true},
        {"UserNameLt", R"(userName lt "c")", true},
        {"UserNameLtPrefix", R"(userName lt "BJ")", false},
        {"UserNameLeFoldedEqual", R"(userName le "bjensen@example.com")", true},
        {"NameGivenNameFolded", R"(name.givenName eq "barbara")", true},
        {"NameFamilyNameNe", R"(name.familyName ne "JENSEN")", false},
        {"NameFormattedCo", R"(name.formatted co "j jensen")", true},
        {"DisplayNameEw", R"(displayName ew "JENSEN")", true},
        {"UserTypeEqFolded", R"(userType eq "employee")", true},
        {"TitleCoEmptyString", R"(title co "")", true},
        {"TitleEqEmptyString", R"(title eq "")", false},
        {"AttributeNamesAnyCase", R"(USERNAME EQ "bjensen@example.com" AND Active Eq True)", true},

        // --- strings, caseExact true (id, externalId, meta.*) --------------
        {"IdEqExact", "id eq \"" + kId + "\"", true},
        {"IdEqOtherCase", R"(id eq "2819C223-7F76-453A-919D-413861904646")", false},
        {"IdNeOtherCase", R"(id ne "2819C223-7F76-453A-919D-413861904646")", true},
        {"IdSw", R"(id sw "2819c223")", true},
        {"IdSwOtherCase", R"(id sw "2819C223")", false},
        {"ExternalIdEq", R"(externalId eq "Ext-1")", true},
        {"ExternalIdEqFolded", R"(externalId eq "ext-1")", false},
        {"ExternalIdSwFolded", R"(externalId sw "EXT")", false},
        {"ExternalIdCo", R"(externalId co "t-")", true},
        {"ExternalIdEw", R"(externalId ew "-1")", true},
        {"ExternalIdGtIsByteOrder", R"(externalId gt "ext")", false},  // 'E' < 'e'
        {"ExternalIdLtIsByteOrder", R"(externalId lt "ext")", true},
        {"MetaResourceTypeEq", R"(meta.resourceType eq "User")", true},
        {"MetaResourceTypeFolded", R"(meta.resourceType eq "user")", false},
        {"MetaVersionEscapedQuotes", R"(meta.version eq "W/\"f250dd84f0671c3\"")", true},
        {"MetaVersionFolded", R"(meta.version eq "w/\"F250DD84F0671C3\"")", false},
        {"MetaLocationFolded", R"(meta.location ew "/users/2819c223-7f76-453a-919d-413861904646")", false},

        // --- escapes in literals -------------------------------------------
        {"EscapedQuote", R"(nickName eq "Babs \"BJ\"")", true},
        {"EscapedSlash", R"(title eq "Tour Guide\/Lead")", true},
        {"EscapedNewline", R"(addresses.formatted co "Plaza\nHollywood")", true},
        {"EscapedUnicode", R"(addresses.locality eq "Montr\u00e9al")", true},
        {"RawUtf8", "addresses.locality eq \"Montr\xc3\xa9" "al\"", true},
        {"EscapedSurrogatePair", R"(ims.display ew "\ud83d\ude00")", true},

        // --- booleans ---------------------------------------------------------
        {"ActiveEqTrue", "active eq true", true},
        {"ActiveEqTrueUpper", "active eq TRUE", true},
        {"ActiveEqFalse", "active eq false", false},
        {"ActiveNeFalse", "active ne false", true},
        {"ActiveNeTrue", "active ne true", false},
        {"ActivePr", "active pr", true},
        {"ActiveEqStringTrue", R"(active eq "true")", false},
        {"EmailsPrimaryEqTrue", "emails.primary eq true", true},
        {"EmailsPrimaryEqFalse", "emails.primary eq false", false},
        {"StringEqBoolean", "title eq true", false},
        {"StringNeBoolean", "title ne true", true},

        // --- numbers (the User has no integer/decimal attribute) ----------
        {"StringEqNumber", kEnt + "employeeNumber eq 701984", false},
        {"StringNeNumber", kEnt + "employeeNumber ne 701984", true},
        {"StringGtNumber", kEnt + "employeeNumber gt 1", false},

        // --- dateTime: instants, offsets, fractional precision ------------
        {"CreatedEqSame", R"(meta.created eq "2011-08-01T18:29:49.793Z")", true},
        {"CreatedEqPlusOffset", R"(meta.created eq "2011-08-01T20:29:49.793+02:00")", true},
        {"CreatedEqMinusOffset", R"(meta.created eq "2011-08-01T14:29:49.793-04:00")", true},
        {"CreatedEqPrevDayOffset", R"(meta.created eq "2011-07-31T23:59:49.793-18:30")", true},
        {"CreatedEqMicros", R"(meta.created eq "2011-08-01T18:29:49.793000Z")", true},
        {"CreatedEqLowercaseTZ", R"(meta.created eq "2011-08-01t18:29:49.793z")", true},
        {"CreatedEqNoOffsetIsUtc", R"(meta.created eq "2011-08-01T18:29:49.793")", true},
        {"CreatedEqOtherMillis", R"(meta.created eq "2011-08-01T18:29:49.79Z")", false},
        {"CreatedNeSameInstant", R"(meta.created ne "2011-08-01T20:29:49.793+02:00")", false},
        {"CreatedNeOther", R"(meta.created ne "2011-08-01T18:29:49Z")", true},
        {"CreatedGtWholeSecond", R"(meta.created gt "2011-08-01T18:29:49Z")", true},
        {"CreatedGtSameInstant", R"(meta.created gt "2011-08-01T19:29:49.793+01:00")", false},
        {"CreatedGeSameInstant", R"(meta.created ge "2011-08-01T19:29:49.793+01:00")", true},
        {"CreatedLtNextDayWithOffset", R"(meta.created lt "2011-08-02T01:00:00+05:00")", true},
        {"CreatedLtOneMilliEarlier", R"(meta.created lt "2011-08-01T18:29:49.792Z")", false},
        {"CreatedLeSame", R"(meta.created le "2011-08-01T18:29:49.7930Z")", true},
        {"LastModifiedGtOffset", R"(meta.lastModified gt "2011-08-01T23:32:44.881+02:00")", true},
        {"LastModifiedGtEqualInstant", R"(meta.lastModified gt "2011-08-01T23:32:44.882+02:00")", false},
        {"LastModifiedGeEqualInstant", R"(meta.lastModified ge "2011-08-01T23:32:44.882+02:00")", true},
        {"LastModifiedLeMidnightPlus2", R"(meta.lastModified le "2011-08-02T00:00:00+02:00")", true},
        {"LastModifiedLtOneMicroLater", R"(meta.lastModified lt "2011-08-01T21:32:44.882001Z")", true},
        {"LastModifiedGtOneMicroLater", R"(meta.lastModified gt "2011-08-01T21:32:44.882001Z")", false},
        {"DateRange",
         R"(meta.created ge "2011-08-01T00:00:00Z" and meta.lastModified lt "2011-08-02T00:00:00Z")", true},
        {"CreatedSwIsText", R"(meta.created sw "2011-08-01")", true},
        {"CreatedCoIsText", R"(meta.created co "t18:29")", true},

        // --- multi-valued any-match; complex without sub means `value` ----
        {"EmailsValueAnyElement", R"(emails.value eq "babs@jensen.org")", true},
        {"EmailsComplexMeansValue", R"(emails eq "BJENSEN@example.com")", true},
        {"EmailsComplexCo", R"(emails co "jensen.org")", true},
        {"EmailsComplexMiss", R"(emails ew ".net")", false},
        {"EmailsTypeNeWork", R"(emails.type ne "work")", false},
        {"EmailsTypeNeOther", R"(emails.type ne "other")", true},
        {"EmailsAcrossElements", R"(emails.type eq "home" and emails.primary eq true)", true},
        {"EmailsPr", "emails pr", true},
        {"EmailsEqNull", "emails eq null", false},
        {"EmailsValueNeNull", "emails.value ne null", true},
        {"PhoneNumbersSw", R"(phoneNumbers.value sw "555-555-4")", true},
        {"PhoneNumbersTypeFolded", R"(phoneNumbers.type eq "MOBILE")", true},
        {"ImsTypeFolded", R"(ims.type eq "AIM")", true},
        {"GroupsComplexMeansValue", R"(groups eq "e9e30dba-f08f-4109-8486-d5c6a331660a")", true},
        {"GroupsDisplay", R"(groups.display eq "tour guides")", true},
        {"GroupsRef", R"(groups.$ref sw "https://example.com/v2/Groups/")", true},
        {"AddressesLocality", R"(addresses.locality eq "Hollywood")", true},
        {"AddressesPrimary", "addresses.primary eq true", true},
        {"NameComplexHasNoValueEq", R"(name eq "Barbara")", false},
        {"NameComplexHasNoValueNe", R"(name ne "Barbara")", true},
        {"NamePr", "name pr", true},
        {"NameEqNull", "name eq null", false},

        // --- value paths -----------------------------------------------------
        {"VpAnd", R"(emails[type eq "work" and primary eq true])", true},
        {"VpAndNeedsOneElement", R"(emails[type eq "home" and primary eq true])", false},
        {"VpOr", R"(emails[type eq "other" or value ew ".ORG"])", true},
        {"VpNot", R"(emails[not (type eq "work")])", true},
        {"VpNotPr", R"(emails[not (value pr)])", false},
        {"VpGroupInside", R"(emails[(type eq "home" or type eq "work") and primary eq true])", true},
        {"VpPrefixedSubAttribute", R"(emails[emails.type eq "home"])", true},
        {"VpNoMatch", R"(emails[type eq "other"])", false},
        {"VpThenEq", R"(emails[type eq "work"].value eq "bjensen@example.com")", true},
        {"VpThenNeedsTheSameElement", R"(emails[type eq "work"].value eq "babs@jensen.org")", false},
        {"VpThenMiss", R"(emails[type eq "home"].value ew "example.com")", false},
        {"VpThenAbsentSub", R"(emails[type eq "home"].primary eq true)", false},
        {"VpThenPr", "emails[value pr].primary pr", true},
        {"VpThenNe", R"(emails[type eq "home"].value ne "bjensen@example.com")", true},
        {"VpThenEqNull", R"(emails[type eq "home"].primary eq null)", true},
        {"VpAddressesThen", R"(addresses[type eq "work" and primary eq true].locality eq "hollywood")", true},
        {"VpAddressesThenAbsent", R"(addresses[type eq "home"].postalCode pr)", false},
        {"VpGroups", R"(groups[display co "guide"])", true},
        {"VpSingleValuedComplex", R"(name[givenName eq "Barbara" and familyName eq "Jensen"])", true},
        {"VpEnterpriseManager", kEnt + R"(manager[value sw "26118915" and displayName eq "john smith"])", true},
        {"VpCoreUrn", kCore + R"(emails[type eq "work"])", true},
        {"VpUnknownSub", R"(emails[foo eq "x"])", false},
        {"VpUnknownAttr", R"(foo[bar eq "x"])", false},
        {"VpNotUnknownSub", R"(not (emails[foo eq "x"]))", true},
        {"VpThenUnknownSub", R"(emails[type eq "work"].foo pr)", false},
        {"VpAbsentAttr", "x509Certificates[value pr]", false},
        {"VpInLogical", R"(emails[type eq "work"] and not (phoneNumbers[type eq "fax"]))", true},
        {"VpAnyCase", R"(EMAILS[TYPE EQ "WORK"].VALUE EW "EXAMPLE.COM")", true},

        // --- Enterprise extension -------------------------------------------
        {"EntEmployeeNumber", kEnt + R"(employeeNumber eq "701984")", true},
        {"EntEmployeeNumberSw", kEnt + R"(employeeNumber sw "70")", true},
        {"EntEmployeeNumberNe", kEnt + R"(employeeNumber ne "701984")", false},
        {"EntUrnAnyCase",
         R"(URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:employeeNumber eq "701984")", true},
        {"EntManagerValue", kEnt + "manager.value eq \"" + kManagerId + "\"", true},
        {"EntManagerComplexMeansValue", kEnt + "manager eq \"" + kManagerId + "\"", true},
        {"EntManagerDisplayName", kEnt + R"(manager.displayName co "SMITH")", true},
        {"EntManagerPr", kEnt + "manager pr", true},
        {"EntCostCenterAbsentPr", kEnt + "costCenter pr", false},
        {"EntCostCenterAbsentEqNull", kEnt + "costCenter eq null", true},
        {"EntCostCenterAbsentNe", kEnt + R"(costCenter ne "4130")", true},
        {"EntUnknownAttr", kEnt + R"(foo eq "x")", false},
        {"EntNotUnknownAttr", "not (" + kEnt + R"(foo eq "x"))", true},
        {"EntHasNoCommonAttributes", kEnt + "id pr", false},
        {"CoreUrnSubAttribute", kCore + R"(name.givenName eq "Barbara")", true},
        {"CoreUrnUserName", kCore + R"(userName sw "BJ")", true},
        {"CoreUrnCommonAttribute", kCore + "id pr", true},

        // --- schemas ----------------------------------------------------------
        {"SchemasEqEnterprise", R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")", true},
        {"SchemasEqFolded", R"(schemas eq "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER")", true},
        {"SchemasEqGroup", R"(schemas eq "urn:ietf:params:scim:schemas:core:2.0:Group")", false},
        {"SchemasCo", R"(schemas co "enterprise")", true},
        {"SchemasPr", "schemas pr", true},

        // --- unknown attributes match nothing, whatever the operator -------
        {"UnknownEq", R"(foo eq "x")", false},
        {"UnknownNe", R"(foo ne "x")", false},
        {"UnknownCo", R"(foo co "x")", false},
        {"UnknownSw", R"(foo sw "x")", false},
        {"UnknownEw", R"(foo ew "x")", false},
        {"UnknownGt", "foo gt 1", false},
        {"UnknownGe", "foo ge 1", false},
        {"UnknownLt", "foo lt 1", false},
        {"UnknownLe", "foo le 1", false},
        {"UnknownPr", "foo pr", false},
        {"UnknownEqNull", "foo eq null", false},
        {"UnknownNeNull", "foo ne null", false},
        {"UnknownEqTrue", "foo eq true", false},
        {"NotUnknownEq", R"(not (foo eq "x"))", true},
        {"NotUnknownNe", R"(not (foo ne "x"))", true},
        {"NotUnknownPr", "not (foo pr)", true},
        {"UnknownSubAttribute", R"(name.foo eq "x")", false},
        {"NotUnknownSubAttribute", "not (name.foo pr)", true},
        {"UnknownSubOfMultiValued", "emails.foo pr", false},
        {"UnknownOrKnown", R"(foo eq "x" or userName pr)", true},
        {"UnknownAndKnown", R"(foo ne "x" and userName pr)", false},

        // --- absent attributes ------------------------------------------------
        {"AbsentMultiPr", "x509Certificates pr", false},
        {"AbsentMultiEqNull", "x509Certificates eq null", true},
        {"AbsentMultiNe", R"(x509Certificates ne "x")", true},
        {"AbsentMultiSubNe", R"(x509Certificates.value ne "x")", true},
        {"NotAbsentMultiPr", "not (x509Certificates pr)", true},
        {"AbsentPr", "locale pr", false},
        {"AbsentEq", R"(locale eq "en-US")", false},
        {"AbsentNe", R"(locale ne "en-US")", true},
        {"AbsentGt", R"(locale gt "a")", false},
        {"AbsentNeNull", "locale ne null", false},
        {"NotAbsentEq", R"(not (locale eq "en-US"))", true},
        {"AbsentSubPr", "name.middleName pr", false},
        {"AbsentSubEqNull", "name.middleName eq null", true},
        {"AbsentSubOfElementsPr", "phoneNumbers.display pr", false},
        {"PresentEqNull", "title eq null", false},
        {"PresentNeNull", "title ne null", true},

        // --- precedence: title pr = T, locale pr = F, nickName eq "x" = F --
        {"OrThenAnd", R"(title pr or locale pr and nickName eq "x")", true},
        {"OrGroupedThenAnd", R"((title pr or locale pr) and nickName eq "x")", false},
        {"AndThenOr", R"(locale pr and nickName eq "x" or title pr)", true},
        {"AndWithGroupedOr", R"(locale pr and (nickName eq "x" or title pr))", false},
        {"NotThenAnd", "not (locale pr) and title pr", true},
        {"NotOfAnd", "not (locale pr and title pr)", true},
        {"NotOfOr", "not (title pr or locale pr)", false},
        {"AndNotOr", "title pr and not (userName pr) or active eq true", true},
        {"AndNotOfOr", "title pr and not (userName pr or active eq true)", false},
        {"OrChain", R"(userName eq "x" or displayName eq "y" or active eq true)", true},
        {"AndChainOneFalse", "userName pr and displayName pr and active eq false", false},
    };
}

class FilterEvalCase : public ::testing::TestWithParam<EvalCase> {
protected:
    static void SetUpTestSuite() { user_ = new JsonDoc(load(kUser)); }
    static void TearDownTestSuite() {
        delete user_;
        user_ = nullptr;
    }
    static JsonDoc *user_;
};

JsonDoc *FilterEvalCase::user_ = nullptr;

TEST_P(FilterEvalCase, Matches) {
    const EvalCase &c = GetParam();
    ASSERT_TRUE(user_ && user_->IsObject());
    auto node = parse(c.filter);
    ASSERT_TRUE(node) << node.error().detail;
    EXPECT_EQ(matches(**node, *user_, userResourceType()), c.want) << toString(**node);
}

INSTANTIATE_TEST_SUITE_P(Filter, FilterEvalCase, ::testing::ValuesIn(evalCases()),
                         caseName<EvalCase>);

// ============================================================================
// Evaluation against single elements (value-path and PATCH filters)
// ============================================================================

constexpr std::string_view kWorkEmail =
    R"({"value": "bjensen@example.com", "type": "work", "primary": true})";
constexpr std::string_view kMember = R"({
  "value": "2819c223-7f76-453a-919d-413861904646",
  "$ref": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
  "display": "Babs Jensen", "type": "User"})";

enum class Element { WorkEmail, Member };

struct ElementCase {
    std::string name;
    Element element;
    std::string filter;
    bool want;
};

void PrintTo(const ElementCase &c, std::ostream *os) { *os << c.name << ": " << c.filter; }

std::vector<ElementCase> elementCases() {
    const Element E = Element::WorkEmail, M = Element::Member;
    return {
        {"EmailType", E, R"(type eq "work")", true},
        {"EmailPrefixedTypeFolded", E, R"(emails.type eq "WORK")", true},
        {"EmailValueEw", E, R"(value ew "@EXAMPLE.COM")", true},
        {"EmailPrimary", E, "primary eq true", true},
        {"EmailAbsentDisplayPr", E, "display pr", false},
        {"EmailAbsentDisplayEqNull", E, "display eq null", true},
        {"EmailNot", E, R"(not (type eq "home"))", true},
        {"EmailOr", E, R"(type eq "home" or primary eq true)", true},
        {"EmailAnd", E, R"(type eq "work" and primary eq false)", false},
        {"EmailUnknownSub", E, R"(foo eq "x")", false},
        {"EmailNotUnknownSub", E, "not (foo pr)", true},
        {"EmailNestedValuePath", E, R"(emails[type eq "work"])", false},
        {"MemberValueExact", M, "value eq \"" + kId + "\"", true},
        {"MemberValueCaseExact", M, R"(value eq "2819C223-7F76-453A-919D-413861904646")", false},
        {"MemberValueNeCaseExact", M, R"(value ne "2819C223-7F76-453A-919D-413861904646")", true},
        {"MemberPrefixedValueSw", M, R"(members.value sw "2819c223")", true},
        {"MemberTypeFolded", M, R"(type eq "user")", true},
        {"MemberTypeGroup", M, R"(type eq "Group")", false},
        {"MemberRefEw", M, R"($ref ew "/Users/2819c223-7f76-453a-919d-413861904646")", true},
        {"MemberDisplayCo", M, R"(display co "BABS")", true},
    };
}

class FilterElementCase : public ::testing::TestWithParam<ElementCase> {};

TEST_P(FilterElementCase, Matches) {
    const ElementCase &c = GetParam();
    bool email = c.element == Element::WorkEmail;
    JsonDoc element = load(email ? kWorkEmail : kMember);
    const Attribute *parent =
        email ? userSchema().find("emails") : groupSchema().find("members");
    ASSERT_NE(parent, nullptr);
    auto node = parse(c.filter);
    ASSERT_TRUE(node) << node.error().detail;
    EXPECT_EQ(matchesElement(**node, element, *parent), c.want) << toString(**node);
}

INSTANTIATE_TEST_SUITE_P(Filter, FilterElementCase, ::testing::ValuesIn(elementCases()),
                         caseName<ElementCase>);

}  // namespace

namespace {

// ============================================================================
// Unquoted values (docs/idp-quirks.md): Microsoft's reference SCIM client
// sends bare words. One is a string unless it is true, false, null or a JSON
// number; a date-time then compares as a date-time.
// ============================================================================

std::vector<ParseCase> unquotedParseCases() {
    return {
        ok("BareWord", "userName sw O", R"(userName sw "O")"),
        ok("BareWordKeepsCase", "userName eq bjensen", R"(userName eq "bjensen")"),
        ok("BareDomain", "emails.value co example.com", R"(emails.value co "example.com")"),
        ok("BareWordsInGroup",
           "name.familyName eq Employee and (emails.value co example.com or emails.value co example.org)",
           R"((name.familyName eq "Employee" and (emails.value co "example.com" or emails.value co "example.org")))"),
        ok("BareDateTime", "meta.created gt 2015-10-10T14:38:21.8617979-07:00",
           R"(meta.created gt "2015-10-10T14:38:21.8617979-07:00")"),
        ok("BareWordInBrackets", "emails[type eq work]", R"(emails[type eq "work"])"),
        ok("BareWordBeforeBracketClose", "emails[type eq work].value co example",
           R"(emails[type eq "work"].value co "example")"),
        ok("BareWordThenParen", "(userName eq x)", R"(userName eq "x")"),
        ok("BareLeadingZeroIsString", "count lt 01", R"(count lt "01")"),
        ok("BareTrailingDotIsString", "count lt 1.", R"(count lt "1.")"),
        ok("BareLeadingDotIsString", "count lt .5", R"(count lt ".5")"),
        ok("BarePlusIsString", "count lt +1", R"(count lt "+1")"),
        ok("BareHexIsString", "count lt 0x10", R"(count lt "0x10")"),
        ok("BareUtf8", "displayName eq J\xc3\xb6rg", "displayName eq \"J\xc3\xb6rg\""),
        ok("BareBackslashIsLiteral", R"(title eq a\b)", R"(title eq "a\\b")"),
        ok("JsonNumberStaysNumber", "count lt 1.5e3", "count lt 1500"),
        ok("KeywordsStayKeywords", "active eq False and title ne NULL", "(active eq false and title ne null)"),
        bad("BareAndIsAMissingValue", "userName eq and title pr", "expected a value (a string, number, true, false or null) at offset 12"),
        bad("BareOrIsAMissingValue", "userName eq OR title pr", "expected a value (a string, number, true, false or null) at offset 12"),
        bad("BareSingleQuoted", "userName eq 'bjensen'", "strings are quoted with double quotes"),
        bad("BareNumberOutOfRange", "count lt 1e400", "number out of range"),
        bad("BareWordThenGarbage", "userName eq a b", "expected \"and\", \"or\" or the end of the filter at offset 14"),
        bad("BareWordGluedToQuote", R"(userName eq a"b")", "expected \"and\", \"or\" or the end"),
        bad("BareTrueIsStillOrdered", "title gt TRUE", "operator gt cannot compare"),
    };
}

INSTANTIATE_TEST_SUITE_P(Unquoted, FilterParseCase, ::testing::ValuesIn(unquotedParseCases()),
                         caseName<ParseCase>);

std::vector<EvalCase> unquotedEvalCases() {
    return {
        {"SwBareFolded", "userName sw bj", true},
        {"SwBareMiss", "userName sw O", false},
        {"EqBareFamilyName", "name.familyName eq jensen", true},
        {"MicrosoftGroupedCo",
         "name.familyName eq Jensen and (emails.value co example.com or emails.value co example.org)", true},
        {"MicrosoftGroupedCoMiss",
         "name.familyName eq Employee and (emails.value co example.com or emails.value co example.org)", false},
        {"UserTypeBare", "userType eq Employee", true},
        {"ExternalIdBareCaseExact", "externalId eq ext-1", false},
        {"EmployeeNumberBareIsNumber", kEnt + "employeeNumber eq 701984", false},
        // Seven fraction digits and an offset: 2011-08-01T18:29:49.793Z is
        // 2011-08-01T11:29:49.793-07:00.
        {"CreatedGtBareDateTime", "meta.created gt 2011-08-01T11:29:49.7929999-07:00", true},
        {"CreatedGtBareSameInstant", "meta.created gt 2011-08-01T11:29:49.7930000-07:00", false},
        {"CreatedGeBareSameInstant", "meta.created ge 2011-08-01T11:29:49.7930000-07:00", true},
        {"CreatedEqBareOffset", "meta.created eq 2011-08-01T20:29:49.793+02:00", true},
        {"CreatedLtBareMicrosoft", "meta.created lt 2015-10-10T14:38:21.8617979-07:00", true},
        {"CreatedGtBareMicrosoft", "meta.created gt 2015-10-10T14:38:21.8617979-07:00", false},
        {"ValuePathBareType", "emails[type eq work].value eq bjensen@example.com", true},
        {"ValuePathBareTypeMiss", "emails[type eq home].value eq bjensen@example.com", false},
    };
}

INSTANTIATE_TEST_SUITE_P(Unquoted, FilterEvalCase, ::testing::ValuesIn(unquotedEvalCases()),
                         caseName<EvalCase>);

}  // namespace

// ============================================================================
// Parse trees, literal values and limits: checks a table row cannot express
// ============================================================================

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

// --- precedence and grouping -------------------------------------------------

TEST(FilterParse, AndBindsTighterThanOr) {
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

TEST(FilterParse, Not) {
    NodePtr n = parsed("not (a pr)");
    ASSERT_TRUE(n);
    ASSERT_TRUE(std::holds_alternative<Not>(n->v));
    EXPECT_EQ(comparison(*std::get<Not>(n->v).operand).path, "a");
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
}

// --- attribute paths with schema URNs ------------------------------------------

TEST(FilterParse, UrnPrefixedPathsAreKeptWhole) {
    const char *core = "urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"J\"";
    EXPECT_EQ(comparison(*parsed(core)).path, "urn:ietf:params:scim:schemas:core:2.0:User:userName");

    const char *ent =
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"701984\"";
    EXPECT_EQ(comparison(*parsed(ent)).path,
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber");
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

TEST(FilterParse, Numbers) {
    EXPECT_EQ(std::get<double>(valueOf("a eq 42")), 42.0);
    EXPECT_EQ(std::get<double>(valueOf("a eq -1.5e3")), -1500.0);
    EXPECT_EQ(std::get<double>(valueOf("a eq 0")), 0.0);
    EXPECT_EQ(std::get<double>(valueOf("a eq 0.25")), 0.25);
    EXPECT_EQ(std::get<double>(valueOf("a eq 2E+2")), 200.0);
}

TEST(FilterParse, BooleansAndNull) {
    EXPECT_EQ(std::get<bool>(valueOf("active eq true")), true);
    EXPECT_EQ(std::get<bool>(valueOf("active eq FALSE")), false);
    EXPECT_TRUE(std::holds_alternative<std::monostate>(valueOf("title eq null")));
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
