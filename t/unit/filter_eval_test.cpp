// Filter evaluation against rendered resources: every operator, caseExact,
// dateTime instants, multi-valued any-match, value paths, the Enterprise
// extension, unknown and absent attributes, and JSON of unexpected shapes.
#include <gtest/gtest.h>

#include <string>

#include "filter_internal.hpp"
#include "scim/filter.hpp"
#include "scim/json.hpp"
#include "scim/schema.hpp"

using namespace scim;
using namespace scim::filter;

namespace {

// The User of RFC 7643 §8.2, as the service renders it.
constexpr std::string_view kBarbara = R"({
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "id": "2819c223-7f76-453a-919d-413861904646",
  "externalId": "701984",
  "userName": "bjensen@example.com",
  "name": {"formatted": "Ms. Barbara J Jensen, III", "familyName": "O'Malley",
           "givenName": "Barbara", "middleName": "Jane"},
  "displayName": "Babs Jensen",
  "nickName": "Babs",
  "profileUrl": "https://login.example.com/bjensen",
  "title": "Tour Guide",
  "userType": "Employee",
  "preferredLanguage": "",
  "timezone": null,
  "active": true,
  "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true},
             {"value": "babs@jensen.org", "type": "home"}],
  "ims": [{"value": "someaimhandle", "type": "aim"}],
  "phoneNumbers": [{"value": "555-555-5555", "type": "work"}],
  "photos": [],
  "groups": [{"value": "e9e30dba-f08f-4109-8486-d5c6a331660a",
              "$ref": "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
              "display": "Tour Guides"}],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    "employeeNumber": "701984", "costCenter": "4130", "organization": "Universal Studios",
    "division": "Theme Park", "department": "Tour Operations",
    "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d",
                "$ref": "../Users/26118915-6090-4610-87e4-49d8ca9f808d",
                "displayName": "John Smith"}},
  "meta": {"resourceType": "User", "created": "2010-01-23T04:56:22Z",
           "lastModified": "2011-05-13T04:42:34Z", "version": "W/\"3694e05e9dff591\"",
           "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646"}
})";

// An intern whose addresses match neither example.com nor example.org.
constexpr std::string_view kIntern = R"({
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "id": "c3a26dd3-27a0-4dec-a2ac-ce211e105f97",
  "userName": "jsmith",
  "userType": "Intern",
  "emails": [{"value": "jsmith@example.net", "type": "home"}],
  "ims": [{"value": "jsmith@foo.com", "type": "xmpp"}],
  "meta": {"created": "2011-05-13T06:42:34.25+02:00", "lastModified": "2011-05-13T04:42:34.5Z"}
})";

JsonDoc load(std::string_view text) {
    auto doc = parseJson(text);
    EXPECT_TRUE(doc) << doc.error().detail;
    return doc ? std::move(*doc) : JsonDoc();
}

// Parses `filter` (which must parse) and evaluates it.
bool eval(std::string_view filter, const Json &resource, const ResourceType &rt = userResourceType()) {
    auto node = parse(filter);
    EXPECT_TRUE(node) << filter << ": " << node.error().detail;
    return node && matches(**node, resource, rt);
}

bool evalElement(std::string_view filter, const Json &element, const Attribute &parent) {
    auto node = parse(filter);
    EXPECT_TRUE(node) << filter << ": " << node.error().detail;
    return node && matchesElement(**node, element, parent);
}

class FilterEval : public ::testing::Test {
protected:
    JsonDoc barbara = load(kBarbara);
    JsonDoc intern = load(kIntern);

    bool on(std::string_view filter) { return eval(filter, barbara); }
    bool onIntern(std::string_view filter) { return eval(filter, intern); }
};

// A resource type with the attribute types the User schema lacks.
const ResourceType &thingType() {
    static const Schema schema = [] {
        Schema s{"urn:example:scim:schemas:Thing", "Thing", "test", {}};
        Attribute count;
        count.name = "count";
        count.type = AttrType::Integer;
        Attribute ratio;
        ratio.name = "ratio";
        ratio.type = AttrType::Decimal;
        Attribute code;
        code.name = "code";
        code.caseExact = true;
        Attribute tags;
        tags.name = "tags";
        tags.multiValued = true;
        Attribute when;
        when.name = "when";
        when.type = AttrType::DateTime;
        Attribute flag;
        flag.name = "flag";
        flag.type = AttrType::Boolean;
        s.attributes = {count, ratio, code, tags, when, flag};
        return s;
    }();
    static const ResourceType rt{"Thing", "Thing", "/Things", "test", &schema, {}};
    return rt;
}

}  // namespace

// --- RFC 7644 §3.4.2.2 examples ----------------------------------------------

TEST_F(FilterEval, RfcExamples) {
    EXPECT_TRUE(on(R"(userName eq "bjensen@example.com")"));
    EXPECT_FALSE(on(R"(userName eq "bjensen")"));
    EXPECT_TRUE(on(R"(name.familyName co "O'Malley")"));
    EXPECT_FALSE(on(R"(userName sw "J")"));
    EXPECT_TRUE(onIntern(R"(userName sw "J")"));
    EXPECT_TRUE(onIntern(R"(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J")"));
    EXPECT_FALSE(on(R"(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J")"));
    EXPECT_TRUE(on(R"(title pr)"));
    EXPECT_FALSE(onIntern(R"(title pr)"));
    EXPECT_FALSE(on(R"(meta.lastModified gt "2011-05-13T04:42:34Z")"));
    EXPECT_TRUE(on(R"(meta.lastModified ge "2011-05-13T04:42:34Z")"));
    EXPECT_FALSE(on(R"(meta.lastModified lt "2011-05-13T04:42:34Z")"));
    EXPECT_TRUE(on(R"(meta.lastModified le "2011-05-13T04:42:34Z")"));
    EXPECT_TRUE(onIntern(R"(meta.lastModified gt "2011-05-13T04:42:34Z")"));
    EXPECT_TRUE(on(R"(title pr and userType eq "Employee")"));
    EXPECT_FALSE(onIntern(R"(title pr and userType eq "Employee")"));
    EXPECT_TRUE(on(R"(title pr or userType eq "Intern")"));
    EXPECT_TRUE(onIntern(R"(title pr or userType eq "Intern")"));
    EXPECT_TRUE(on(R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")"));
    EXPECT_FALSE(onIntern(R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")"));

    const char *employeeAtExample =
        R"(userType eq "Employee" and (emails co "example.com" or emails.value co "example.org"))";
    EXPECT_TRUE(on(employeeAtExample));
    EXPECT_FALSE(onIntern(employeeAtExample));

    const char *othersElsewhere =
        R"(userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org"))";
    EXPECT_FALSE(on(othersElsewhere));
    EXPECT_TRUE(onIntern(othersElsewhere));

    EXPECT_TRUE(on(R"(userType eq "Employee" and (emails.type eq "work"))"));
    EXPECT_FALSE(onIntern(R"(userType eq "Employee" and (emails.type eq "work"))"));

    const char *workAtExample =
        R"(userType eq "Employee" and emails[type eq "work" and value co "@example.com"])";
    EXPECT_TRUE(on(workAtExample));
    EXPECT_FALSE(onIntern(workAtExample));

    const char *workOrXmpp =
        R"(emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"])";
    EXPECT_TRUE(on(workOrXmpp));
    EXPECT_TRUE(onIntern(workOrXmpp));
    EXPECT_FALSE(on(R"(ims[type eq "xmpp" and value co "@foo.com"])"));
}

// --- string operators and caseExact ---------------------------------------------

TEST_F(FilterEval, StringOperators) {
    EXPECT_TRUE(on(R"(title eq "Tour Guide")"));
    EXPECT_FALSE(on(R"(title eq "Tour")"));
    EXPECT_TRUE(on(R"(title ne "Tour")"));
    EXPECT_FALSE(on(R"(title ne "tour guide")"));
    EXPECT_TRUE(on(R"(title co "our G")"));
    EXPECT_FALSE(on(R"(title co "Guides")"));
    EXPECT_TRUE(on(R"(title co "")"));
    EXPECT_TRUE(on(R"(title sw "Tour")"));
    EXPECT_FALSE(on(R"(title sw "Guide")"));
    EXPECT_TRUE(on(R"(title ew "Guide")"));
    EXPECT_FALSE(on(R"(title ew "Tour")"));
    EXPECT_FALSE(on(R"(title ew "A much longer suffix than the title")"));
    EXPECT_TRUE(on(R"(title gt "Tour")"));
    EXPECT_TRUE(on(R"(title ge "Tour Guide")"));
    EXPECT_FALSE(on(R"(title gt "Tour Guide")"));
    EXPECT_TRUE(on(R"(title lt "Tourist")"));
    EXPECT_TRUE(on(R"(title le "tour guide")"));
    EXPECT_FALSE(on(R"(title lt "A")"));
}

TEST_F(FilterEval, CaseInsensitiveAttributesFoldCase) {
    EXPECT_TRUE(on(R"(userName eq "BJensen@Example.COM")"));
    EXPECT_TRUE(on(R"(userName sw "BJEN")"));
    EXPECT_TRUE(on(R"(userName ew "EXAMPLE.COM")"));
    EXPECT_TRUE(on(R"(name.familyName co "o'malley")"));
    EXPECT_TRUE(on(R"(userName lt "C")"));  // "bjensen…" < "c"
    EXPECT_FALSE(on(R"(userName ne "BJENSEN@EXAMPLE.COM")"));
}

TEST_F(FilterEval, CaseExactAttributesDoNot) {
    // RFC 7643 §3.1: id and externalId are caseExact; so is meta.version.
    EXPECT_TRUE(on(R"(id eq "2819c223-7f76-453a-919d-413861904646")"));
    EXPECT_FALSE(on(R"(id eq "2819C223-7F76-453A-919D-413861904646")"));
    EXPECT_TRUE(on(R"(id ne "2819C223-7F76-453A-919D-413861904646")"));
    EXPECT_FALSE(on(R"(id sw "2819C")"));
    EXPECT_TRUE(on(R"(id sw "2819c")"));
    EXPECT_TRUE(on(R"(externalId eq "701984")"));
    EXPECT_TRUE(on(R"(meta.version eq "W/\"3694e05e9dff591\"")"));
    EXPECT_FALSE(on(R"(meta.version eq "w/\"3694E05E9DFF591\"")"));
    EXPECT_TRUE(on(R"(meta.resourceType eq "User")"));
    EXPECT_FALSE(on(R"(meta.resourceType eq "user")"));
}

TEST_F(FilterEval, AttributeNamesAreCaseInsensitive) {
    EXPECT_TRUE(on(R"(USERNAME eq "bjensen@example.com")"));
    EXPECT_TRUE(on(R"(Name.FAMILYNAME eq "O'Malley")"));
    EXPECT_TRUE(on(R"(EMAILS[TYPE eq "work"].VALUE ew "example.com")"));
    EXPECT_TRUE(on(R"(META.LASTMODIFIED ge "2011-01-01T00:00:00Z")"));
    EXPECT_TRUE(on(R"(URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:USERNAME pr)"));
    // Keys in the document may differ in case too.
    JsonDoc doc = load(R"({"USERNAME": "x", "Name": {"GivenName": "Y"}})");
    EXPECT_TRUE(eval(R"(userName eq "x")", doc));
    EXPECT_TRUE(eval(R"(name.givenName eq "y")", doc));
}

// --- dateTime ------------------------------------------------------------------

TEST_F(FilterEval, DateTimesCompareAsInstants) {
    // Barbara: lastModified 2011-05-13T04:42:34Z, created 2010-01-23T04:56:22Z.
    EXPECT_TRUE(on(R"(meta.lastModified eq "2011-05-13T06:42:34+02:00")"));
    EXPECT_TRUE(on(R"(meta.lastModified eq "2011-05-12T23:42:34-05:00")"));
    EXPECT_TRUE(on(R"(meta.lastModified eq "2011-05-13T04:42:34.000Z")"));
    EXPECT_TRUE(on(R"(meta.lastModified eq "2011-05-13t04:42:34z")"));
    EXPECT_FALSE(on(R"(meta.lastModified ne "2011-05-13T06:42:34+02:00")"));
    EXPECT_TRUE(on(R"(meta.lastModified lt "2011-05-13T04:42:34.001Z")"));
    EXPECT_TRUE(on(R"(meta.lastModified gt "2011-05-13T04:42:33.999999Z")"));
    // Lexically "2011-05-13T05…" > "2011-05-13T04…"; as instants it is earlier.
    EXPECT_TRUE(on(R"(meta.lastModified gt "2011-05-13T05:42:34+01:01")"));
    EXPECT_TRUE(on(R"(meta.created lt "2011-05-13T04:42:34Z")"));
    EXPECT_TRUE(on(R"(meta.created ge "2010-01-23T04:56:22Z" and meta.created le "2010-01-23T04:56:22Z")"));

    // Intern: created 2011-05-13T06:42:34.25+02:00, lastModified …04:42:34.5Z.
    EXPECT_TRUE(onIntern(R"(meta.created eq "2011-05-13T04:42:34.250Z")"));
    EXPECT_TRUE(onIntern(R"(meta.created lt "2011-05-13T04:42:34.5Z")"));
    EXPECT_TRUE(onIntern(R"(meta.lastModified eq "2011-05-13T04:42:34.500000Z")"));
    EXPECT_TRUE(onIntern(R"(meta.lastModified gt "2011-05-13T04:42:34.4999999Z")"));
    EXPECT_TRUE(onIntern(R"(meta.lastModified le "2011-05-13T00:42:34.5-04:00")"));
}

TEST_F(FilterEval, UnparsableDateTimesCompareAsStrings) {
    EXPECT_TRUE(on(R"(meta.lastModified gt "2011")"));
    EXPECT_FALSE(on(R"(meta.lastModified eq "yesterday")"));
    EXPECT_TRUE(on(R"(meta.lastModified sw "2011-05")"));
    EXPECT_TRUE(on(R"(meta.lastModified co "T04:42")"));
    JsonDoc odd = load(R"({"meta": {"lastModified": "not a date"}})");
    EXPECT_TRUE(eval(R"(meta.lastModified eq "NOT A DATE")", odd));
    EXPECT_TRUE(eval(R"(meta.lastModified gt "2011-05-13T04:42:34Z")", odd));  // 'n' > '2'
}

TEST(FilterDateTime, ParsesRfc3339) {
    using detail::parseDateTime;
    EXPECT_EQ(parseDateTime("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(parseDateTime("1970-01-01T00:00:01.5Z"), 1500000);
    EXPECT_EQ(parseDateTime("1970-01-01T00:00:00.000001Z"), 1);
    EXPECT_EQ(parseDateTime("1970-01-01T00:00:00.0000019Z"), 1);
    EXPECT_EQ(parseDateTime("1969-12-31T23:59:59Z"), -1000000);
    EXPECT_EQ(parseDateTime("1970-01-01T01:00:00+01:00"), 0);
    EXPECT_EQ(parseDateTime("1969-12-31T19:00:00-05:00"), 0);
    EXPECT_EQ(parseDateTime("1970-01-01T00:00:00"), 0);  // no offset: UTC
    EXPECT_EQ(parseDateTime("2000-03-01T00:00:00Z"), int64_t(951868800) * 1000000);
    EXPECT_EQ(parseDateTime("2011-05-13T04:42:34Z"), int64_t(1305261754) * 1000000);
    EXPECT_EQ(parseDateTime("2024-02-29T12:00:00Z"), int64_t(1709208000) * 1000000);
    EXPECT_EQ(parseDateTime("0001-01-01T00:00:00Z"), int64_t(-62135596800) * 1000000);
    EXPECT_EQ(parseDateTime("9999-12-31T23:59:59.999999Z"), int64_t(253402300799) * 1000000 + 999999);
    EXPECT_TRUE(parseDateTime("2016-12-31T23:59:60Z"));  // a leap second
}

TEST(FilterDateTime, RejectsOtherText) {
    using detail::parseDateTime;
    for (const char *s :
         {"", "2011", "2011-05-13", "2011-05-13 04:42:34Z", "2011-13-01T00:00:00Z",
          "2011-00-01T00:00:00Z", "2011-02-29T00:00:00Z", "2011-04-31T00:00:00Z",
          "2011-05-00T00:00:00Z", "2011-05-13T24:00:00Z", "2011-05-13T04:60:00Z",
          "2011-05-13T04:42:61Z", "2011-05-13T04:42:34.Z", "2011-05-13T04:42:34+2:00",
          "2011-05-13T04:42:34+0200", "2011-05-13T04:42:34+24:00", "2011-05-13T04:42:34Zjunk",
          "2011-05-13T04:42Z", "+2011-05-13T04:42:34Z", "2011-5-13T04:42:34Z",
          "２011-05-13T04:42:34Z"}) {
        EXPECT_FALSE(parseDateTime(s)) << s;
    }
}

// --- numbers and booleans ---------------------------------------------------------

TEST(FilterEvalTypes, NumbersCompareNumerically) {
    JsonDoc doc = load(R"({"count": 10, "ratio": 2.5, "code": "Ab", "flag": false})");
    const ResourceType &rt = thingType();
    EXPECT_TRUE(eval("count eq 10", doc, rt));
    EXPECT_TRUE(eval("count eq 10.0", doc, rt));
    EXPECT_TRUE(eval("count eq 1e1", doc, rt));
    EXPECT_FALSE(eval("count eq 9", doc, rt));
    EXPECT_TRUE(eval("count ne 9", doc, rt));
    EXPECT_TRUE(eval("count gt 9", doc, rt));
    EXPECT_FALSE(eval("count gt 10", doc, rt));
    EXPECT_TRUE(eval("count ge 10", doc, rt));
    EXPECT_TRUE(eval("count lt 10.5", doc, rt));
    EXPECT_TRUE(eval("count le 10", doc, rt));
    EXPECT_FALSE(eval("count lt -3", doc, rt));
    EXPECT_TRUE(eval("ratio gt 2", doc, rt));
    EXPECT_TRUE(eval("ratio eq 2.5", doc, rt));
    EXPECT_TRUE(eval("ratio lt 1e3", doc, rt));
    // Numbers are not text (a numeric string is not a number, and vice versa).
    EXPECT_FALSE(eval(R"(count eq "10")", doc, rt));
    EXPECT_FALSE(eval(R"(count co "1")", doc, rt));
    EXPECT_FALSE(eval("count co 1", doc, rt));
    EXPECT_FALSE(eval("code eq 10", doc, rt));
    EXPECT_TRUE(eval(R"(count ne "10")", doc, rt));
    JsonDoc numeric = load(R"({"count": "10"})");
    EXPECT_FALSE(eval("count eq 10", numeric, rt));
}

TEST(FilterEvalTypes, BooleansCompareWithEqAndNe) {
    JsonDoc doc = load(R"({"flag": false})");
    const ResourceType &rt = thingType();
    EXPECT_TRUE(eval("flag eq false", doc, rt));
    EXPECT_FALSE(eval("flag eq true", doc, rt));
    EXPECT_TRUE(eval("flag ne true", doc, rt));
    EXPECT_FALSE(eval(R"(flag eq "false")", doc, rt));
    EXPECT_FALSE(eval(R"(flag gt "a")", doc, rt));
    EXPECT_FALSE(eval("flag eq 0", doc, rt));
    EXPECT_TRUE(eval("flag pr", doc, rt));  // false is a value
}

TEST_F(FilterEval, ActiveIsBoolean) {
    EXPECT_TRUE(on("active eq true"));
    EXPECT_FALSE(on("active eq false"));
    EXPECT_TRUE(on("active ne false"));
    EXPECT_FALSE(on(R"(active eq "true")"));
    EXPECT_TRUE(on("active pr"));
    EXPECT_FALSE(onIntern("active eq false"));
    EXPECT_TRUE(onIntern("active ne true"));
}

TEST(FilterEvalTypes, CaseExactCustomAttribute) {
    JsonDoc doc = load(R"({"code": "AbC", "tags": ["Red", "green"]})");
    const ResourceType &rt = thingType();
    EXPECT_TRUE(eval(R"(code eq "AbC")", doc, rt));
    EXPECT_FALSE(eval(R"(code eq "abc")", doc, rt));
    EXPECT_FALSE(eval(R"(code co "bc")", doc, rt));
    EXPECT_TRUE(eval(R"(code co "bC")", doc, rt));
    EXPECT_FALSE(eval(R"(code sw "a")", doc, rt));
    EXPECT_TRUE(eval(R"(code gt "AB")", doc, rt));  // 'b' > 'B'
    EXPECT_TRUE(eval(R"(tags eq "red")", doc, rt));
    EXPECT_TRUE(eval(R"(tags eq "GREEN")", doc, rt));
    EXPECT_FALSE(eval(R"(tags eq "blue")", doc, rt));
    EXPECT_TRUE(eval(R"(tags[value sw "r"])", doc, rt));
    EXPECT_FALSE(eval(R"(tags[type eq "r"])", doc, rt));
}

TEST(FilterEvalTypes, DateTimeCustomAttribute) {
    JsonDoc doc = load(R"({"when": "2020-02-29T23:30:00-01:00"})");
    const ResourceType &rt = thingType();
    EXPECT_TRUE(eval(R"(when eq "2020-03-01T00:30:00Z")", doc, rt));
    EXPECT_TRUE(eval(R"(when gt "2020-03-01T00:29:59.999Z")", doc, rt));
    EXPECT_TRUE(eval(R"(when lt "2020-03-01T01:30:00.000001+01:00")", doc, rt));
}

// --- multi-valued and complex attributes ---------------------------------------------

TEST_F(FilterEval, MultiValuedAnyMatch) {
    EXPECT_TRUE(on(R"(emails.value eq "babs@jensen.org")"));
    EXPECT_TRUE(on(R"(emails.value eq "bjensen@example.com")"));
    EXPECT_FALSE(on(R"(emails.value eq "nobody@example.com")"));
    EXPECT_TRUE(on(R"(emails.type eq "home")"));
    EXPECT_FALSE(on(R"(emails.type eq "other")"));
    EXPECT_TRUE(on(R"(emails.primary eq true)"));
    EXPECT_FALSE(on(R"(emails.primary eq false)"));
    EXPECT_TRUE(on(R"(groups.display sw "Tour")"));
    EXPECT_TRUE(on(R"(groups.$ref ew "331660a")"));
    EXPECT_TRUE(on(R"(phoneNumbers.value pr)"));
    // ne holds when no value equals.
    EXPECT_FALSE(on(R"(emails.type ne "work")"));
    EXPECT_TRUE(on(R"(emails.type ne "other")"));
}

TEST_F(FilterEval, ComplexWithoutSubAttributeMeansValue) {
    EXPECT_TRUE(on(R"(emails eq "babs@jensen.org")"));
    EXPECT_TRUE(on(R"(emails co "example.com")"));
    EXPECT_TRUE(on(R"(EMAILS sw "BJENSEN")"));
    EXPECT_FALSE(on(R"(emails eq "work")"));
    EXPECT_TRUE(on(R"(emails pr)"));
    EXPECT_FALSE(on(R"(photos pr)"));   // empty array
    EXPECT_FALSE(on(R"(name eq "Barbara")"));  // name has no value sub-attribute
    EXPECT_TRUE(on(R"(name ne "Barbara")"));
    EXPECT_TRUE(on(R"(name pr)"));
}

TEST_F(FilterEval, ValuePaths) {
    EXPECT_TRUE(on(R"(emails[type eq "work"])"));
    EXPECT_TRUE(on(R"(emails[type eq "WORK" and primary eq true])"));
    EXPECT_FALSE(on(R"(emails[type eq "home" and primary eq true])"));
    EXPECT_TRUE(on(R"(emails[type eq "home" or primary eq true])"));
    EXPECT_TRUE(on(R"(emails[not (primary pr)])"));
    EXPECT_TRUE(on(R"(emails[emails.type eq "home"])"));  // parent name as prefix
    EXPECT_FALSE(on(R"(emails[foo eq "x"])"));
    EXPECT_TRUE(on(R"(emails[not (foo eq "x")])"));
    EXPECT_FALSE(on(R"(addresses[type eq "work"])"));
    // The trailing comparison must hold on the same element.
    EXPECT_TRUE(on(R"(emails[type eq "work"].value eq "bjensen@example.com")"));
    EXPECT_FALSE(on(R"(emails[type eq "home"].value eq "bjensen@example.com")"));
    EXPECT_TRUE(on(R"(emails[type eq "home"].value ew ".org")"));
    EXPECT_TRUE(on(R"(emails[type eq "home"].primary eq null)"));
    EXPECT_TRUE(on(R"(emails[type eq "home"].value ne "bjensen@example.com")"));
    EXPECT_FALSE(on(R"(emails[type eq "work"].display pr)"));
    EXPECT_FALSE(on(R"(emails[type pr].bogus pr)"));
    // A single-valued complex attribute is a list of one.
    EXPECT_TRUE(on(R"(name[givenName eq "barbara" and familyName sw "O'"])"));
    EXPECT_FALSE(on(R"(name[givenName eq "Babs"])"));
    EXPECT_TRUE(on(R"(name[givenName pr].middleName eq "Jane")"));
    // `schemas` elements are the values themselves.
    EXPECT_TRUE(on(R"(schemas[value ew "enterprise:2.0:User"])"));
    // A simple attribute or an unknown one has no elements to filter.
    EXPECT_FALSE(on(R"(foo[value pr])"));
    EXPECT_FALSE(on(R"(name.givenName[value pr])"));
}

// --- the Enterprise User extension -----------------------------------------------------

TEST_F(FilterEval, EnterpriseExtensionAttributes) {
    const std::string ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    EXPECT_TRUE(on(ent + ":employeeNumber eq \"701984\""));
    EXPECT_FALSE(on(ent + ":employeeNumber eq \"701985\""));
    EXPECT_TRUE(on(ent + ":department sw \"tour\""));
    EXPECT_TRUE(on(ent + ":manager.value eq \"26118915-6090-4610-87e4-49d8ca9f808d\""));
    EXPECT_TRUE(on(ent + ":manager eq \"26118915-6090-4610-87e4-49d8ca9f808d\""));
    EXPECT_TRUE(on(ent + ":manager.displayName co \"smith\""));
    EXPECT_TRUE(on(ent + ":manager[displayName sw \"John\"]"));
    EXPECT_TRUE(on(ent + ".costCenter eq \"4130\""));
    EXPECT_TRUE(on(ent + ":organization pr"));
    EXPECT_FALSE(onIntern(ent + ":organization pr"));
    EXPECT_TRUE(onIntern(ent + ":organization ne \"Universal Studios\""));
    EXPECT_FALSE(on(ent + ":manager.bogus pr"));
    // Without the URN the names are not core attributes.
    EXPECT_FALSE(on(R"(employeeNumber eq "701984")"));
}

// --- unknown and absent attributes --------------------------------------------------------

TEST_F(FilterEval, UnknownAttributesMatchNothing) {
    for (const char *f : {R"(foo eq "x")", R"(foo ne "x")", "foo pr", R"(foo co "")",
                          R"(name.bogus eq "x")", R"(urn:example:Other:foo eq "x")",
                          "foo eq null", "foo ne null", "title.sub pr"}) {
        EXPECT_FALSE(on(f)) << f;
    }
    EXPECT_TRUE(on(R"(not (foo eq "x"))"));
    EXPECT_TRUE(on(R"(not (foo ne "x"))"));
    EXPECT_TRUE(on(R"(title pr or foo eq "x")"));
    EXPECT_FALSE(on(R"(title pr and foo eq "x")"));
}

TEST_F(FilterEval, AbsentAttributes) {
    // The intern has no nickName; Barbara's preferredLanguage is "" and
    // timezone null; photos is [].
    EXPECT_FALSE(onIntern("nickName pr"));
    EXPECT_TRUE(onIntern(R"(nickName ne "Babs")"));  // ne holds when absent
    EXPECT_FALSE(onIntern(R"(nickName eq "Babs")"));
    EXPECT_TRUE(onIntern(R"(not (nickName eq "Babs"))"));
    EXPECT_FALSE(onIntern(R"(nickName co "")"));
    EXPECT_FALSE(onIntern(R"(nickName lt "zzz")"));
    EXPECT_TRUE(onIntern("nickName eq null"));
    EXPECT_FALSE(onIntern("nickName ne null"));
    EXPECT_FALSE(onIntern(R"(name.givenName pr)"));
    EXPECT_TRUE(onIntern(R"(name.givenName ne "x")"));
    EXPECT_FALSE(on("preferredLanguage pr"));
    EXPECT_TRUE(on(R"(preferredLanguage eq "")"));
    EXPECT_TRUE(on("preferredLanguage eq null"));
    EXPECT_FALSE(on("timezone pr"));
    EXPECT_TRUE(on("timezone eq null"));
    EXPECT_TRUE(on(R"(timezone ne "Europe/Oslo")"));
    EXPECT_FALSE(on("photos pr"));
    EXPECT_FALSE(on("photos.value pr"));
    EXPECT_TRUE(on("nickName ne null"));
    EXPECT_FALSE(on("nickName eq null"));
}

// --- logic ------------------------------------------------------------------------------

TEST_F(FilterEval, LogicalOperatorsAndPrecedence) {
    EXPECT_TRUE(on(R"(title pr and nickName pr)"));
    EXPECT_FALSE(on(R"(title pr and foo pr)"));
    EXPECT_TRUE(on(R"(foo pr or nickName pr)"));
    EXPECT_FALSE(on(R"(foo pr or bar pr)"));
    EXPECT_TRUE(on(R"(not (foo pr))"));
    EXPECT_FALSE(on(R"(not (title pr))"));
    // or(a, and(b, c)): true because a holds.
    EXPECT_TRUE(on(R"(title pr or foo pr and bar pr)"));
    // and(or(a, b), c) would be false.
    EXPECT_FALSE(on(R"((title pr or foo pr) and bar pr)"));
    EXPECT_TRUE(on(R"(foo pr or bar pr or baz pr or title pr)"));
    EXPECT_FALSE(on(R"(title pr and nickName pr and userType pr and foo pr)"));
}

// --- matchesElement (PATCH value filters) --------------------------------------------------

TEST(FilterElement, SubAttributesOfTheParent) {
    const Attribute &emails = *userSchema().find("emails");
    JsonDoc work = load(R"({"value": "b@example.com", "type": "work", "primary": true})");
    EXPECT_TRUE(evalElement(R"(type eq "work")", work, emails));
    EXPECT_TRUE(evalElement(R"(TYPE eq "WORK")", work, emails));
    EXPECT_TRUE(evalElement(R"(emails.type eq "work")", work, emails));
    EXPECT_TRUE(evalElement(R"(value ew "@example.com" and primary eq true)", work, emails));
    EXPECT_FALSE(evalElement(R"(display pr)", work, emails));
    EXPECT_TRUE(evalElement(R"(not (display pr))", work, emails));
    EXPECT_FALSE(evalElement(R"(foo eq "x")", work, emails));
    EXPECT_FALSE(evalElement(R"(type eq "home" or primary eq false)", work, emails));
    EXPECT_FALSE(evalElement(R"(x[value pr])", work, emails));
}

TEST(FilterElement, GroupMemberValuesAreCaseExact) {
    const Attribute &members = *groupSchema().find("members");
    JsonDoc member = load(R"({"value": "abc-1", "display": "Babs", "type": "User"})");
    EXPECT_TRUE(evalElement(R"(value eq "abc-1")", member, members));
    EXPECT_FALSE(evalElement(R"(value eq "ABC-1")", member, members));
    EXPECT_TRUE(evalElement(R"(value eq "x" or value eq "abc-1")", member, members));
    EXPECT_TRUE(evalElement(R"(display eq "babs")", member, members));
}

TEST(FilterElement, SimpleMultiValuedParent) {
    Attribute tags;
    tags.name = "tags";
    tags.multiValued = true;
    JsonDoc red = load(R"(["Red"])");
    EXPECT_TRUE(evalElement(R"(value eq "red")", red[0], tags));
    EXPECT_TRUE(evalElement(R"(tags.value eq "red")", red[0], tags));
    EXPECT_FALSE(evalElement(R"(type eq "red")", red[0], tags));
}

TEST(FilterElement, ElementsOfOtherShapes) {
    const Attribute &emails = *userSchema().find("emails");
    for (const char *text : {R"("a string")", "42", "null", "[1, 2]", "true", "{}"}) {
        JsonDoc element = load(text);
        EXPECT_FALSE(evalElement(R"(value eq "a string")", element, emails)) << text;
        EXPECT_FALSE(evalElement("value pr", element, emails)) << text;
        EXPECT_TRUE(evalElement(R"(value ne "x")", element, emails)) << text;
    }
}

// --- the Group resource type --------------------------------------------------------------

TEST(FilterEvalGroup, MembersAndDisplayName) {
    JsonDoc group = load(R"({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "g1", "displayName": "Tour Guides",
        "members": [{"value": "u1", "display": "Babs", "type": "User"},
                    {"value": "g2", "type": "Group"}]})");
    const ResourceType &rt = groupResourceType();
    EXPECT_TRUE(eval(R"(displayName eq "tour guides")", group, rt));
    EXPECT_TRUE(eval(R"(members[value eq "u1"])", group, rt));
    EXPECT_FALSE(eval(R"(members[value eq "U1"])", group, rt));
    EXPECT_TRUE(eval(R"(members.value eq "g2")", group, rt));
    EXPECT_TRUE(eval(R"(members eq "u1")", group, rt));
    EXPECT_TRUE(eval(R"(members[type eq "group"].value eq "g2")", group, rt));
    EXPECT_FALSE(eval(R"(userName pr)", group, rt));
    EXPECT_TRUE(eval(R"(urn:ietf:params:scim:schemas:core:2.0:Group:displayName sw "Tour")", group, rt));
}

// --- untrusted JSON of unexpected shapes -------------------------------------------------------

TEST(FilterEvalShapes, WrongTypesNeverCrashOrMatch) {
    JsonDoc doc = load(R"({
        "userName": 5, "name": ["x"], "emails": {"value": "a@b", "type": "work"},
        "phoneNumbers": "555", "ims": [null, 3, "x", [], {"value": {"deep": true}}],
        "meta": "yesterday", "active": "yes", "title": {"a": 1},
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": [1, 2],
        "schemas": "urn:x", "x509Certificates": [[{"value": "v"}]]})");
    EXPECT_FALSE(eval(R"(userName eq "5")", doc));
    EXPECT_TRUE(eval(R"(userName eq 5)", doc));  // values compare by their JSON type
    EXPECT_FALSE(eval(R"(name.givenName eq "x")", doc));
    EXPECT_TRUE(eval(R"(emails.value eq "a@b")", doc));  // an object read as a list of one
    EXPECT_TRUE(eval(R"(emails[type eq "work"])", doc));
    EXPECT_FALSE(eval(R"(phoneNumbers.value eq "555")", doc));
    EXPECT_FALSE(eval(R"(ims.value eq "x")", doc));
    EXPECT_TRUE(eval(R"(ims.value pr)", doc));
    EXPECT_FALSE(eval(R"(ims[value eq "x"])", doc));
    EXPECT_FALSE(eval(R"(meta.lastModified gt "2000-01-01T00:00:00Z")", doc));
    EXPECT_FALSE(eval("active eq true", doc));
    EXPECT_FALSE(eval(R"(title eq "a")", doc));
    EXPECT_TRUE(eval("title pr", doc));
    EXPECT_FALSE(eval(
        R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber pr)", doc));
    EXPECT_TRUE(eval(R"(schemas eq "URN:X")", doc));
    EXPECT_FALSE(eval(R"(x509Certificates.value eq "v")", doc));
}

TEST(FilterEvalShapes, NonObjectResources) {
    for (const char *text : {"[]", "[{\"userName\": \"x\"}]", "\"x\"", "1", "null", "{}"}) {
        JsonDoc doc = load(text);
        EXPECT_FALSE(eval(R"(userName eq "x")", doc)) << text;
        EXPECT_TRUE(eval(R"(userName ne "x")", doc)) << text;
        EXPECT_FALSE(eval(R"(emails[type eq "work"])", doc)) << text;
        EXPECT_FALSE(eval("meta.created pr", doc)) << text;
    }
}

TEST(FilterEvalShapes, HandBuiltTreesWithHoles) {
    JsonDoc doc = load(kBarbara);
    Node logical;
    logical.v = Logical{Logical::Kind::Or, nullptr, nullptr};
    EXPECT_FALSE(matches(logical, doc, userResourceType()));
    Node negation;
    negation.v = Not{nullptr};
    EXPECT_FALSE(matches(negation, doc, userResourceType()));
    Node vp;
    vp.v = ValuePath{"emails", nullptr, nullptr};
    EXPECT_FALSE(matches(vp, doc, userResourceType()));
    EXPECT_EQ(toString(logical), "(() or ())");
}
