// See scim/filter_prefilter.hpp. The evaluator (filter_eval.cpp) compares
// strings byte-wise, folding ASCII letters only when the attribute is not
// caseExact; a literal limited to printable ASCII without the characters
// JSON escapes is then found in the document's text wherever the
// evaluator would find it in the parsed value.
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
    // Common attributes (id, meta) are the server's, except externalId.
    if (p.schema == &commonSchema() && p.attr->name != "externalId") return nullptr;
    const Attribute *a = p.subAttr ? p.subAttr : p.attr;
    // A complex attribute without a sub-attribute means its `value`.
    if (!p.subAttr && a->isComplex()) a = a->sub("value");
    if (!a || (a->type != AttrType::String && a->type != AttrType::Reference)) return nullptr;
    return a;
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
    out.push_back(RequiredText{a->caseExact ? *literal : lower(*literal), a->caseExact});
}

bool containsFolded(std::string_view haystack, std::string_view folded) {
    auto it = std::search(haystack.begin(), haystack.end(), folded.begin(), folded.end(),
                          [](char h, char n) { return foldAscii(h) == n; });
    return it != haystack.end();
}

}  // namespace

std::vector<RequiredText> requiredTexts(const Node &node, const ResourceType &rt) {
    std::vector<RequiredText> out;
    collect(node, rt, out);
    return out;
}

bool mayMatch(std::string_view doc, const std::vector<RequiredText> &texts) {
    if (texts.empty() || doc.find('\\') != std::string_view::npos) return true;
    return std::all_of(texts.begin(), texts.end(), [&](const RequiredText &t) {
        return t.caseExact ? doc.find(t.text) != std::string_view::npos
                           : containsFolded(doc, t.text);
    });
}

}  // namespace scim::filter
