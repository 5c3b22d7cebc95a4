#include "patch_filter_terms.hpp"

#include <string_view>

#include "scim/strings.hpp"

namespace scim::patch {

namespace {

// The sub-attribute a filter comparison names, written either relative to
// the element ("type") or with the parent's name ("emails.type").
const Attribute *subNamed(const Attribute &parent, std::string_view path) {
    if (istartsWith(path, parent.name) && path.size() > parent.name.size() &&
        path[parent.name.size()] == '.') {
        path.remove_prefix(parent.name.size() + 1);
    }
    return parent.sub(path);
}

// Null for `null`, which describes no value to create.
Json literalJson(const filter::Literal &lit, JsonAlloc &alloc) {
    if (auto s = std::get_if<std::string>(&lit)) return jstr(*s, alloc);
    if (auto b = std::get_if<bool>(&lit)) return Json(*b);
    if (auto d = std::get_if<double>(&lit)) return Json(*d);
    return Json();
}

bool collectEqTerms(const filter::Node &node, const Attribute &parent, Json &out, JsonAlloc &alloc) {
    if (auto logical = std::get_if<filter::Logical>(&node.v)) {
        return logical->kind == filter::Logical::Kind::And && logical->left && logical->right &&
               collectEqTerms(*logical->left, parent, out, alloc) &&
               collectEqTerms(*logical->right, parent, out, alloc);
    }
    auto cmp = std::get_if<filter::Comparison>(&node.v);
    if (!cmp || cmp->op != filter::CompareOp::Eq) return false;
    const Attribute *sub = subNamed(parent, cmp->path);
    if (!sub) return false;
    Json value = literalJson(cmp->value, alloc);
    if (value.IsNull()) return false;
    if (Json *existing = findMember(out, sub->name)) {
        return *existing == value;  // `type eq "a" and type eq "b"` describes nothing
    }
    out.AddMember(jstr(sub->name, alloc), value, alloc);
    return true;
}

bool collectIds(const filter::Node &node, const Attribute &parent, std::vector<std::string> &out) {
    if (auto logical = std::get_if<filter::Logical>(&node.v)) {
        return logical->kind == filter::Logical::Kind::Or && logical->left && logical->right &&
               collectIds(*logical->left, parent, out) && collectIds(*logical->right, parent, out);
    }
    auto cmp = std::get_if<filter::Comparison>(&node.v);
    if (!cmp || cmp->op != filter::CompareOp::Eq) return false;
    const Attribute *sub = subNamed(parent, cmp->path);
    auto id = std::get_if<std::string>(&cmp->value);
    if (!sub || sub->name != "value" || !id) return false;
    out.push_back(*id);
    return true;
}

}  // namespace

bool eqTerms(const filter::Node &node, const Attribute &parent, Json &out, JsonAlloc &alloc) {
    out.SetObject();
    return collectEqTerms(node, parent, out, alloc);
}

std::optional<std::vector<std::string>> valueEqIds(const filter::Node &node,
                                                   const Attribute &parent) {
    std::vector<std::string> ids;
    if (!collectIds(node, parent, ids)) return std::nullopt;
    return ids;
}

}  // namespace scim::patch
