#include "scim/query_plan.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "filter_internal.hpp"
#include "scim/strings.hpp"

namespace scim {

namespace {

using filter::CompareOp;
using filter::Comparison;

// Lower is better: an id is one key, an equality a handful of members, a
// prefix or a time range possibly many.
int cost(const IndexProbe &p) {
    if (p.kind == ProbeKind::Id) return 0;
    if (p.kind == ProbeKind::Set || p.kind == ProbeKind::Name) return 1;
    // A declared index's values need not be unique: after userName's.
    if (p.index == IndexName::Declared) return 2;
    if (p.kind == ProbeKind::Lex && !p.prefix) return 1;
    if (p.kind == ProbeKind::Lex) return 2;
    return 3;
}

const std::string *stringLiteral(const Comparison &c) {
    return std::get_if<std::string>(&c.value);
}

// The index behind a lexicographic attribute, and whether it stores the
// value lower-cased (for the attributes that are not caseExact).
struct LexAttribute {
    IndexName index;
    bool folded;
};

std::optional<LexAttribute> lexAttribute(const ResourceType &rt, const AttrPath &p) {
    if (!p.attr || p.extension) return std::nullopt;
    const std::string &name = p.attr->name;
    const std::string sub = p.subAttr ? p.subAttr->name : "";
    bool isUser = rt.schema == &userSchema();
    if (isUser && name == "userName" && sub.empty()) return LexAttribute{IndexName::UserName, true};
    if (isUser && name == "emails" && (sub.empty() || sub == "value")) {
        return LexAttribute{IndexName::Email, true};
    }
    if (!isUser && name == "displayName" && sub.empty()) {
        return LexAttribute{IndexName::DisplayName, true};
    }
    if (name == "externalId" && sub.empty()) return LexAttribute{IndexName::ExternalId, false};
    return std::nullopt;
}

// `members` and `members.value` of a Group.
bool isMemberValue(const ResourceType &rt, const AttrPath &p) {
    return rt.schema == &groupSchema() && p.attr && p.attr->name == "members" &&
           (!p.subAttr || p.subAttr->name == "value");
}

std::optional<IndexProbe> timeProbe(IndexName index, const Comparison &c) {
    const std::string *text = stringLiteral(c);
    if (!text) return std::nullopt;
    auto micros = filter::detail::parseDateTime(*text);
    if (!micros) return std::nullopt;
    // Scores are milliseconds: widen to whole milliseconds, the core
    // re-checks the exact bound.
    long long floorMs = static_cast<long long>(std::floor(*micros / 1000.0));
    long long ceilMs = static_cast<long long>(std::ceil(*micros / 1000.0));
    IndexProbe p{index, ProbeKind::Score};
    switch (c.op) {
    case CompareOp::Gt:
    case CompareOp::Ge: p.minMillis = floorMs; break;
    case CompareOp::Lt:
    case CompareOp::Le: p.maxMillis = ceilMs; break;
    case CompareOp::Eq:
        p.minMillis = floorMs;
        p.maxMillis = ceilMs;
        break;
    default: return std::nullopt;
    }
    return p;
}

// The operator's index on `p`'s attribute, if it has one.
std::optional<LexAttribute> declaredAttribute(const AttrPath &p,
                                              const std::vector<IndexedAttribute> &indexed,
                                              std::string &path) {
    if (p.subAttr) return std::nullopt;
    for (const IndexedAttribute &i : indexed) {
        if (i.attr != p.attr) continue;
        path = i.path();
        return LexAttribute{IndexName::Declared, !i.attr->caseExact};
    }
    return std::nullopt;
}

std::optional<IndexProbe> comparisonProbe(const Comparison &c, const ResourceType &rt,
                                          const std::vector<IndexedAttribute> &indexed) {
    AttrPath p = resolvePath(rt, c.path);
    if (!p.attr) return std::nullopt;
    if (p.attr->name == "id" && c.op == CompareOp::Eq) {
        if (const std::string *v = stringLiteral(c)) return IndexProbe{IndexName::Id, ProbeKind::Id, *v};
        return std::nullopt;
    }
    if (p.attr->name == "meta" && p.subAttr) {
        if (p.subAttr->name == "created") return timeProbe(IndexName::Created, c);
        if (p.subAttr->name == "lastModified") return timeProbe(IndexName::LastModified, c);
        return std::nullopt;
    }
    if (isMemberValue(rt, p) && c.op == CompareOp::Eq) {
        if (const std::string *v = stringLiteral(c)) return IndexProbe{IndexName::MemberOf, ProbeKind::Set, *v};
        return std::nullopt;
    }
    std::string path;
    auto lex = lexAttribute(rt, p);
    if (!lex) lex = declaredAttribute(p, indexed, path);
    const std::string *v = stringLiteral(c);
    if (!lex || !v) return std::nullopt;
    std::string key = lex->folded ? lower(*v) : *v;
    if (c.op == CompareOp::Eq) {
        ProbeKind kind = lex->index == IndexName::UserName ? ProbeKind::Name : ProbeKind::Lex;
        return IndexProbe{lex->index, kind, key, false, {}, {}, path};
    }
    // A case-sensitive prefix of a folded index still narrows correctly.
    if (c.op == CompareOp::Sw && !key.empty()) {
        return IndexProbe{lex->index, ProbeKind::Lex, key, true, {}, {}, path};
    }
    return std::nullopt;
}

// `emails[type eq "work"].value eq "x"` and `emails[value eq "x"]` narrow
// like `emails.value eq "x"`.
std::optional<IndexProbe> valuePathProbe(const filter::ValuePath &vp, const ResourceType &rt) {
    auto qualified = [&](const Comparison &c) {
        Comparison q = c;
        q.path = vp.attr + "." + c.path;
        return comparisonProbe(q, rt, {});
    };
    if (vp.then) return qualified(*vp.then);
    if (!vp.filter) return std::nullopt;
    std::vector<const filter::Node *> stack{vp.filter.get()};
    std::optional<IndexProbe> best;
    while (!stack.empty()) {
        const filter::Node *n = stack.back();
        stack.pop_back();
        if (auto *l = std::get_if<filter::Logical>(&n->v)) {
            if (l->kind != filter::Logical::Kind::And) continue;
            stack.push_back(l->left.get());
            stack.push_back(l->right.get());
        } else if (auto *c = std::get_if<Comparison>(&n->v)) {
            auto p = qualified(*c);
            if (p && (!best || cost(*p) < cost(*best))) best = p;
        }
    }
    return best;
}

}  // namespace

std::vector<std::string> memberValues(const filter::Node &node, const ResourceType &rt) {
    std::vector<std::string> out;
    std::vector<std::pair<const filter::Node *, std::string>> stack{{&node, ""}};
    while (!stack.empty()) {
        auto [n, prefix] = stack.back();
        stack.pop_back();
        if (auto *l = std::get_if<filter::Logical>(&n->v)) {
            stack.emplace_back(l->left.get(), prefix);
            stack.emplace_back(l->right.get(), prefix);
        } else if (auto *no = std::get_if<filter::Not>(&n->v)) {
            stack.emplace_back(no->operand.get(), prefix);
        } else if (auto *vp = std::get_if<filter::ValuePath>(&n->v)) {
            if (vp->filter) stack.emplace_back(vp->filter.get(), vp->attr + ".");
        } else if (auto *c = std::get_if<Comparison>(&n->v)) {
            const std::string *v = stringLiteral(*c);
            if (v && c->op == CompareOp::Eq && isMemberValue(rt, resolvePath(rt, prefix + c->path)) &&
                std::find(out.begin(), out.end(), *v) == out.end()) {
                out.push_back(*v);
            }
        }
    }
    return out;
}

std::optional<IndexedAttribute> indexedAttribute(const ResourceType &rt, std::string_view path,
                                                 std::string &error) {
    error.clear();
    AttrPath p = resolvePath(rt, path);
    if (!p.attr) return std::nullopt;
    const Attribute *a = p.subAttr ? p.subAttr : p.attr;
    if (a->multiValued) {
        error = "\"" + std::string(path) + "\" is multi-valued: only single-valued attributes can be indexed";
    } else if (p.subAttr || a->isComplex()) {
        error = "\"" + std::string(path) + "\" is complex or a sub-attribute: only top-level string attributes can be indexed";
    } else if (a->type != AttrType::String) {
        error = "\"" + std::string(path) + "\" is not a string: only string attributes can be indexed";
    } else if (a->returned == Returned::Never) {
        error = "\"" + std::string(path) + "\" is never returned and cannot be filtered on";
    } else if (lexAttribute(rt, p) || a->name == "id") {
        error = "\"" + std::string(path) + "\" is already indexed";
    }
    if (!error.empty()) return std::nullopt;
    return IndexedAttribute{p.schema, p.attr, p.extension};
}

std::optional<IndexProbe> planProbe(const filter::Node &node, const ResourceType &rt,
                                    const std::vector<IndexedAttribute> &indexed) {
    // Walk the `and` chain (iteratively: parsed filters are depth-bounded,
    // but the walk need not rely on it).
    std::vector<const filter::Node *> stack{&node};
    std::optional<IndexProbe> best;
    while (!stack.empty()) {
        const filter::Node *n = stack.back();
        stack.pop_back();
        std::optional<IndexProbe> p;
        if (auto *l = std::get_if<filter::Logical>(&n->v)) {
            if (l->kind == filter::Logical::Kind::And) {
                stack.push_back(l->left.get());
                stack.push_back(l->right.get());
            }
        } else if (auto *c = std::get_if<Comparison>(&n->v)) {
            p = comparisonProbe(*c, rt, indexed);
        } else if (auto *vp = std::get_if<filter::ValuePath>(&n->v)) {
            p = valuePathProbe(*vp, rt);
        }
        if (p && (!best || cost(*p) < cost(*best))) best = p;
    }
    return best;
}

}  // namespace scim
