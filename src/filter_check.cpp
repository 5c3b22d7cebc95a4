// A parsed filter checked against the resource type: what the grammar
// allows but the schema makes meaningless is refused instead of matching
// nothing (or everything).
#include <string>

#include "coerce.hpp"
#include "scim/filter.hpp"

namespace scim::filter {

namespace {

// The attribute a comparison reads: a complex attribute alone means its
// "value" sub-attribute.
const Attribute *comparedAttribute(const Attribute *attr, const Attribute *sub) {
    if (sub) return sub;
    if (attr && attr->isComplex()) return attr->sub("value");
    return attr;
}

std::optional<Error> checkLiteral(const Comparison &c, const Attribute *a) {
    if (!a || a->type != AttrType::DateTime) return std::nullopt;
    const auto *text = std::get_if<std::string>(&c.value);
    if (!text || isRfc3339DateTime(*text)) return std::nullopt;
    return invalidFilter("'" + c.path + "' is a dateTime; \"" + text->substr(0, 64) +
                         "\" is not an RFC 3339 date-time such as 2024-01-31T00:00:00Z");
}

class Checker {
public:
    explicit Checker(const ResourceType &rt) : rt_(rt) {}

    // `parent` is set inside attr[…], where paths name its sub-attributes.
    std::optional<Error> check(const Node &n, const Attribute *parent) {
        if (auto *c = std::get_if<Comparison>(&n.v)) return comparison(*c, parent);
        if (auto *vp = std::get_if<ValuePath>(&n.v)) return valuePath(*vp);
        if (auto *l = std::get_if<Logical>(&n.v)) {
            if (auto e = check(*l->left, parent)) return e;
            return check(*l->right, parent);
        }
        return check(*std::get<Not>(n.v).operand, parent);
    }

private:
    std::optional<Error> comparison(const Comparison &c, const Attribute *parent) {
        if (parent) return checkLiteral(c, comparedAttribute(parent->sub(c.path), nullptr));
        AttrPath p = resolvePath(rt_, c.path);
        return checkLiteral(c, comparedAttribute(p.attr, p.subAttr));
    }

    std::optional<Error> valuePath(const ValuePath &vp) {
        AttrPath p = resolvePath(rt_, vp.attr);
        if (p.attr && (p.subAttr || !p.attr->isComplex())) {
            return invalidFilter("'" + vp.attr + "' is not a complex attribute, so '" + vp.attr +
                                 "[…]' filters nothing; use e.g. emails[type eq \"work\"]");
        }
        if (!p.attr) return std::nullopt;  // unknown: matches nothing, as elsewhere
        if (auto e = check(*vp.filter, p.attr)) return e;
        if (vp.then) return checkLiteral(*vp.then, p.attr->sub(vp.then->path));
        return std::nullopt;
    }

    const ResourceType &rt_;
};

}  // namespace

std::optional<Error> checkAgainst(const Node &node, const ResourceType &rt) {
    return Checker(rt).check(node, nullptr);
}

}  // namespace scim::filter
