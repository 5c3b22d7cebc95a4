// See scim/filter_prefilter.hpp. The evaluator (filter_eval.cpp) compares
// strings byte-wise, folding ASCII letters only when the attribute is not
// caseExact; a literal limited to printable ASCII without the characters
// JSON escapes is then found in the document's text wherever the
// evaluator would find it in the parsed value. Without escapes, a `"` in
// the text always opens or closes a string, so `"name"` followed by `:` is
// a member name and the string after it is its whole value.
#include "scim/filter_prefilter.hpp"

#include <algorithm>

#include "scim/strings.hpp"

namespace scim::filter {

namespace {

bool spelledAsIs(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
    });
}

// The attribute a comparison reads, when its value comes from the document
// and is compared as text; nullptr otherwise.
const Attribute *textAttribute(const Comparison &c, const ResourceType &rt) {
    AttrPath p = resolvePath(rt, c.path);
    if (!p.attr) return nullptr;
    // Common attributes (id, meta; reported as the core schema's) are the
    // server's, except externalId.
    const auto &common = commonSchema().attributes;
    bool isCommon = p.attr >= common.data() && p.attr < common.data() + common.size();
    if (isCommon && p.attr->name != "externalId") return nullptr;
    const Attribute *a = p.subAttr ? p.subAttr : p.attr;
    // A complex attribute without a sub-attribute means its `value`.
    if (!p.subAttr && a->isComplex()) a = a->sub("value");
    if (!a || (a->type != AttrType::String && a->type != AttrType::Reference)) return nullptr;
    return spelledAsIs(a->name) ? a : nullptr;
}

void collect(const Node &node, const ResourceType &rt, std::vector<RequiredText> &out) {
    if (auto l = std::get_if<Logical>(&node.v)) {
        if (l->kind != Logical::Kind::And || !l->left || !l->right) return;
        collect(*l->left, rt, out);
        collect(*l->right, rt, out);
        return;
    }
    auto c = std::get_if<Comparison>(&node.v);
    if (!c) return;
    bool textOp = c->op == CompareOp::Eq || c->op == CompareOp::Co || c->op == CompareOp::Sw ||
                  c->op == CompareOp::Ew;
    auto literal = std::get_if<std::string>(&c->value);
    if (!textOp || !literal || literal->empty() || !spelledAsIs(*literal)) return;
    const Attribute *a = textAttribute(*c, rt);
    if (!a) return;
    out.push_back(RequiredText{"\"" + lower(a->name) + "\"",
                               a->caseExact ? *literal : lower(*literal), a->caseExact});
}

// `needle` (already folded) in `haystack`, ASCII case-insensitively.
size_t findFolded(std::string_view haystack, std::string_view needle, size_t from) {
    if (from > haystack.size()) return std::string_view::npos;
    auto it = std::search(haystack.begin() + static_cast<std::ptrdiff_t>(from), haystack.end(),
                          needle.begin(), needle.end(),
                          [](char h, char n) { return foldAscii(h) == n; });
    return it == haystack.end() ? std::string_view::npos
                                : static_cast<size_t>(it - haystack.begin());
}

bool holds(std::string_view value, const RequiredText &t) {
    return t.caseExact ? value.find(t.text) != std::string_view::npos
                       : findFolded(value, t.text, 0) != std::string_view::npos;
}

size_t skipSpace(std::string_view s, size_t i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    return i;
}

// Whether some member named like the attribute (at any depth, in any case)
// has a value that may hold the literal: a string that holds it, or a
// value of another kind (left to the evaluator).
bool someValueMayHold(std::string_view doc, const RequiredText &t) {
    for (size_t at = findFolded(doc, t.quotedName, 0); at != std::string_view::npos;
         at = findFolded(doc, t.quotedName, at + 1)) {
        size_t i = skipSpace(doc, at + t.quotedName.size());
        if (i >= doc.size() || doc[i] != ':') continue;  // a string value, not a name
        i = skipSpace(doc, i + 1);
        if (i >= doc.size() || doc[i] != '"') return true;
        size_t end = doc.find('"', i + 1);
        if (end == std::string_view::npos) return true;
        if (holds(doc.substr(i + 1, end - i - 1), t)) return true;
    }
    return false;
}

}  // namespace

std::vector<RequiredText> requiredTexts(const Node &node, const ResourceType &rt) {
    std::vector<RequiredText> out;
    collect(node, rt, out);
    return out;
}

bool mayMatch(std::string_view doc, const std::vector<RequiredText> &texts) {
    if (texts.empty() || doc.find('\\') != std::string_view::npos) return true;
    return std::all_of(texts.begin(), texts.end(),
                       [&](const RequiredText &t) { return someValueMayHold(doc, t); });
}

}  // namespace scim::filter
