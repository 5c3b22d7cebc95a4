#include "query_sort.hpp"

#include <algorithm>
#include <variant>

#include "scim/strings.hpp"

namespace scim {

namespace {

using SortValue = std::variant<std::monostate, bool, double, std::string>;

const Json *primaryOrFirst(const Json &array) {
    if (!array.IsArray() || array.Empty()) return nullptr;
    for (const Json &e : array.GetArray()) {
        const Json *p = e.IsObject() ? findMember(e, "primary") : nullptr;
        if (p && p->IsBool() && p->GetBool()) return &e;
    }
    return &array[0];
}

const Json *sortedValue(const Json &resource, const AttrPath &p) {
    const Json *container = &resource;
    if (p.extension) container = findMember(resource, p.schema->id);
    if (!container || !container->IsObject()) return nullptr;
    const Json *v = findMember(*container, p.attr->name);
    if (!v) return nullptr;
    if (p.attr->multiValued) v = primaryOrFirst(*v);
    if (!v) return nullptr;
    if (p.attr->isComplex()) {
        if (!v->IsObject()) return nullptr;
        v = findMember(*v, p.subAttr ? std::string_view(p.subAttr->name) : "value");
    }
    return v;
}

SortValue keyOf(const Json &resource, const AttrPath &p) {
    const Json *v = sortedValue(resource, p);
    if (!v) return {};
    const Attribute &a = p.subAttr ? *p.subAttr : *p.attr;
    if (v->IsString()) return a.caseExact ? std::string(str(*v)) : lower(str(*v));
    if (v->IsBool()) return v->GetBool();
    if (v->IsNumber()) return v->GetDouble();
    return {};
}

// Missing values last; otherwise by type, then value.
bool before(const SortValue &a, const SortValue &b, bool descending) {
    bool aMissing = std::holds_alternative<std::monostate>(a);
    bool bMissing = std::holds_alternative<std::monostate>(b);
    if (aMissing || bMissing) return !aMissing && bMissing;
    return descending ? b < a : a < b;
}

}  // namespace

std::optional<Error> checkSortBy(const ResourceType &rt, std::string_view sortBy) {
    AttrPath p = resolvePath(rt, sortBy);
    if (!p.attr) return invalidValue("sortBy names no attribute of " + rt.name + ": '" +
                                     std::string(sortBy) + "'");
    return std::nullopt;
}

void sortMatches(std::vector<Match> &matches, const ResourceType &rt, std::string_view sortBy,
                 bool descending) {
    AttrPath p = resolvePath(rt, sortBy);
    if (!p.attr) return;
    std::vector<std::pair<SortValue, size_t>> keys;
    keys.reserve(matches.size());
    for (size_t i = 0; i < matches.size(); ++i) keys.emplace_back(keyOf(matches[i].resource, p), i);
    std::stable_sort(keys.begin(), keys.end(), [&](const auto &a, const auto &b) {
        return before(a.first, b.first, descending);
    });
    std::vector<Match> sorted;
    sorted.reserve(matches.size());
    for (auto &k : keys) sorted.push_back(std::move(matches[k.second]));
    matches = std::move(sorted);
}

}  // namespace scim
