// Evaluates a filter against a rendered resource (RFC 7644 §3.4.2.2).
//
// The resource is untrusted JSON of any shape: every rapidjson accessor is
// guarded by a type check. Semantics beyond the RFC's text:
//  - an attribute the schema does not know matches nothing, whatever the
//    operator (so `not (unknown eq 1)` is true);
//  - `schemas` is not in the schema model; it is read as a multi-valued,
//    case-insensitive string attribute;
//  - `ne` is the negation of `eq`: true when no value equals the literal,
//    and so also when the attribute is absent;
//  - `eq null` is true when the attribute is not present (see `pr`), and
//    `ne null` when it is;
//  - a complex attribute compared without a sub-attribute (`emails co "x"`)
//    means its `value` sub-attribute; `pr` and `eq null` ask about the
//    attribute itself;
//  - a value of the wrong JSON type for the literal never matches.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "filter_internal.hpp"
#include "scim/filter.hpp"
#include "scim/strings.hpp"

namespace scim::filter {

namespace detail {

namespace {

// Reads exactly `n` digits at `s[i]`, advancing `i`.
std::optional<int> digitsAt(std::string_view s, size_t &i, size_t n) noexcept {
    if (s.size() - i < n) return std::nullopt;
    int v = 0;
    for (size_t k = 0; k < n; ++k, ++i) {
        char c = s[i];
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

bool expect(std::string_view s, size_t &i, char c) noexcept {
    if (i >= s.size() || s[i] != c) return false;
    ++i;
    return true;
}

bool isLeapYear(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int y, int m) noexcept {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeapYear(y) ? 29 : kDays[m - 1];
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
// (Howard Hinnant's days_from_civil).
int64_t daysFromCivil(int y, int m, int d) noexcept {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

// ".123456" → microseconds (extra digits ignored); 0 when absent.
std::optional<int64_t> fraction(std::string_view s, size_t &i) noexcept {
    if (i >= s.size() || s[i] != '.') return 0;
    ++i;
    size_t start = i;
    int64_t micros = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        if (i - start < 6) micros = micros * 10 + (s[i] - '0');
    }
    if (i == start) return std::nullopt;
    for (size_t n = i - start; n < 6; ++n) micros *= 10;
    return micros;
}

// "Z", "+02:00", "-0530" is not RFC 3339; nothing at all means UTC.
std::optional<int64_t> offsetSeconds(std::string_view s, size_t &i) noexcept {
    if (i == s.size()) return 0;
    if (s[i] == 'Z' || s[i] == 'z') {
        ++i;
        return 0;
    }
    if (s[i] != '+' && s[i] != '-') return std::nullopt;
    int sign = s[i++] == '-' ? -1 : 1;
    auto h = digitsAt(s, i, 2);
    if (!h || !expect(s, i, ':')) return std::nullopt;
    auto m = digitsAt(s, i, 2);
    if (!m || *h > 23 || *m > 59) return std::nullopt;
    return sign * (*h * 3600 + *m * 60);
}

}  // namespace

std::optional<int64_t> parseDateTime(std::string_view s) noexcept {
    size_t i = 0;
    auto y = digitsAt(s, i, 4);
    if (!y || !expect(s, i, '-')) return std::nullopt;
    auto mo = digitsAt(s, i, 2);
    if (!mo || *mo < 1 || *mo > 12 || !expect(s, i, '-')) return std::nullopt;
    auto d = digitsAt(s, i, 2);
    if (!d || *d < 1 || *d > daysInMonth(*y, *mo)) return std::nullopt;
    if (i >= s.size() || (s[i] != 'T' && s[i] != 't')) return std::nullopt;
    ++i;
    auto h = digitsAt(s, i, 2);
    if (!h || *h > 23 || !expect(s, i, ':')) return std::nullopt;
    auto mi = digitsAt(s, i, 2);
    if (!mi || *mi > 59 || !expect(s, i, ':')) return std::nullopt;
    auto sec = digitsAt(s, i, 2);
    if (!sec || *sec > 60) return std::nullopt;  // 60: a leap second
    auto micros = fraction(s, i);
    if (!micros) return std::nullopt;
    auto offset = offsetSeconds(s, i);
    if (!offset || i != s.size()) return std::nullopt;
    int64_t seconds = daysFromCivil(*y, *mo, *d) * 86400 + *h * 3600 + *mi * 60 + *sec - *offset;
    return seconds * 1000000 + *micros;
}

}  // namespace detail

namespace {

using Values = std::vector<const Json *>;

// `schemas` stands in for the schema model's missing attribute.
const Attribute &schemasAttribute() {
    static const Attribute a = [] {
        Attribute s;
        s.name = "schemas";
        s.type = AttrType::String;
        s.multiValued = true;
        s.caseExact = false;
        return s;
    }();
    return a;
}

// `v` itself, or its elements when it is an array.
void addValues(const Json *v, Values &out) {
    if (!v) return;
    if (!v->IsArray()) {
        out.push_back(v);
        return;
    }
    for (const Json &e : v->GetArray()) out.push_back(&e);
}

// The `sub` member of `v`, or of each object element when `v` is an array.
void addSubValues(const Json *v, const Attribute &sub, Values &out) {
    Values holders;
    addValues(v, holders);
    for (const Json *h : holders) addValues(findMember(*h, sub.name), out);
}

bool isEmptyish(const Json &v) noexcept {
    if (v.IsNull()) return true;
    if (v.IsString()) return v.GetStringLength() == 0;
    if (v.IsArray()) return v.Empty();
    if (v.IsObject()) return v.MemberCount() == 0;
    return false;
}

// RFC 7644: present when it has a non-empty value (for arrays, when some
// element does; addValues has already flattened them).
bool anyPresent(const Values &values) noexcept {
    return std::any_of(values.begin(), values.end(), [](const Json *v) { return !isEmptyish(*v); });
}

template <class T>
bool ordered(CompareOp op, const T &a, const T &b) {
    switch (op) {
        case CompareOp::Eq: return a == b;
        case CompareOp::Gt: return a > b;
        case CompareOp::Ge: return a >= b;
        case CompareOp::Lt: return a < b;
        case CompareOp::Le: return a <= b;
        default: return false;
    }
}

bool compareText(CompareOp op, std::string_view value, std::string_view lit, bool caseExact) {
    std::string foldedValue, foldedLit;
    if (!caseExact) {
        foldedValue = lower(value);
        foldedLit = lower(lit);
        value = foldedValue;
        lit = foldedLit;
    }
    switch (op) {
        case CompareOp::Co: return value.find(lit) != std::string_view::npos;
        case CompareOp::Sw: return value.substr(0, lit.size()) == lit;
        case CompareOp::Ew:
            return value.size() >= lit.size() && value.substr(value.size() - lit.size()) == lit;
        default: return ordered(op, value, lit);
    }
}

bool compareString(CompareOp op, const Json &v, const std::string &lit, const Attribute &attr) {
    if (!v.IsString()) return false;
    bool instantOp = op != CompareOp::Co && op != CompareOp::Sw && op != CompareOp::Ew;
    if (attr.type == AttrType::DateTime && instantOp) {
        auto a = detail::parseDateTime(str(v));
        auto b = detail::parseDateTime(lit);
        if (a && b) return ordered(op, *a, *b);
    }
    return compareText(op, str(v), lit, attr.caseExact);
}

// One value against the literal; `op` is neither pr nor ne, and the
// literal is not null.
bool compareValue(CompareOp op, const Json &v, const Literal &lit, const Attribute &attr) {
    if (auto s = std::get_if<std::string>(&lit)) return compareString(op, v, *s, attr);
    if (auto d = std::get_if<double>(&lit)) return v.IsNumber() && ordered(op, v.GetDouble(), *d);
    if (auto b = std::get_if<bool>(&lit)) return op == CompareOp::Eq && v.IsBool() && v.GetBool() == *b;
    return false;
}

bool anyMatch(CompareOp op, const Values &values, const Literal &lit, const Attribute &attr) {
    return std::any_of(values.begin(), values.end(),
                       [&](const Json *v) { return compareValue(op, *v, lit, attr); });
}

// The comparison over the values an attribute path addressed.
bool compareAll(const Comparison &c, const Values &values, const Attribute &attr) {
    if (c.op == CompareOp::Pr) return anyPresent(values);
    if (std::holds_alternative<std::monostate>(c.value)) {
        if (c.op == CompareOp::Eq) return !anyPresent(values);
        return c.op == CompareOp::Ne && anyPresent(values);
    }
    if (c.op == CompareOp::Ne) return !anyMatch(CompareOp::Eq, values, c.value, attr);
    return anyMatch(c.op, values, c.value, attr);
}

// `c` on the attribute `attr` whose value is `v` (nullptr when absent),
// looking into `sub` when given.
bool compareAttribute(const Comparison &c, const Json *v, const Attribute &attr,
                      const Attribute *sub) {
    Values values;
    bool aboutPresence = c.op == CompareOp::Pr || std::holds_alternative<std::monostate>(c.value);
    if (!sub && attr.isComplex() && !aboutPresence) {
        sub = attr.sub("value");
        if (!sub) return c.op == CompareOp::Ne;  // nothing compares equal
    }
    if (sub) {
        addSubValues(v, *sub, values);
        return compareAll(c, values, *sub);
    }
    addValues(v, values);
    return compareAll(c, values, attr);
}

// Where an attribute path points in the resource.
struct Located {
    const Attribute *attr = nullptr;  // nullptr: unknown to the schema
    const Attribute *sub = nullptr;
    const Json *value = nullptr;      // nullptr: absent
};

Located locate(std::string_view path, const Json &resource, const ResourceType &rt) {
    AttrPath p = resolvePath(rt, path);
    Located out;
    if (!p.attr) {
        if (!iequals(path, "schemas")) return out;
        out.attr = &schemasAttribute();
        out.value = findMember(resource, "schemas");
        return out;
    }
    const Json *holder = &resource;
    if (p.extension) holder = p.schema ? findMember(resource, p.schema->id) : nullptr;
    out.attr = p.attr;
    out.sub = p.subAttr;
    out.value = holder ? findMember(*holder, p.attr->name) : nullptr;
    return out;
}

// A path inside an element of `parent`: "type", or "emails.type".
std::string_view relativePath(std::string_view path, const Attribute &parent) {
    if (path.size() > parent.name.size() && istartsWith(path, parent.name) &&
        path[parent.name.size()] == '.') {
        path.remove_prefix(parent.name.size() + 1);
    }
    return path;
}

bool compareInElement(const Comparison &c, const Json &element, const Attribute &parent) {
    std::string_view path = relativePath(c.path, parent);
    if (parent.subAttributes.empty()) {
        // A multi-valued simple attribute: its elements are the values.
        if (!iequals(path, "value")) return false;
        return compareAttribute(c, &element, parent, nullptr);
    }
    const Attribute *sub = parent.sub(path);
    if (!sub) return false;
    return compareAttribute(c, findMember(element, sub->name), *sub, nullptr);
}

// Any element of the attribute (or the single object of a single-valued
// complex one) that matches the bracketed filter and the trailing
// comparison, if any.
bool matchesValuePath(const ValuePath &vp, const Json &resource, const ResourceType &rt) {
    Located at = locate(vp.attr, resource, rt);
    if (!at.attr || at.sub || !vp.filter) return false;
    Values elements;
    addValues(at.value, elements);
    return std::any_of(elements.begin(), elements.end(), [&](const Json *e) {
        return matchesElement(*vp.filter, *e, *at.attr) &&
               (!vp.then || compareInElement(*vp.then, *e, *at.attr));
    });
}

// And/or/not, the same whether over a resource or an element.
template <class Leaf>
bool evaluate(const Node &node, const Leaf &leaf) {
    if (auto l = std::get_if<Logical>(&node.v)) {
        if (!l->left || !l->right) return false;
        bool left = evaluate(*l->left, leaf);
        if (l->kind == Logical::Kind::And ? !left : left) return left;
        return evaluate(*l->right, leaf);
    }
    if (auto n = std::get_if<Not>(&node.v)) return n->operand && !evaluate(*n->operand, leaf);
    return leaf(node);
}

}  // namespace

bool matches(const Node &node, const Json &resource, const ResourceType &rt) {
    return evaluate(node, [&](const Node &n) {
        if (auto vp = std::get_if<ValuePath>(&n.v)) return matchesValuePath(*vp, resource, rt);
        auto c = std::get_if<Comparison>(&n.v);
        if (!c) return false;
        Located at = locate(c->path, resource, rt);
        return at.attr && compareAttribute(*c, at.value, *at.attr, at.sub);
    });
}

bool matchesElement(const Node &node, const Json &element, const Attribute &parent) {
    return evaluate(node, [&](const Node &n) {
        // Brackets do not nest: a value path inside one matches nothing.
        auto c = std::get_if<Comparison>(&n.v);
        return c && compareInElement(*c, element, parent);
    });
}

}  // namespace scim::filter
