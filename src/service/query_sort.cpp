#include "query_sort.hpp"

#include <algorithm>
#include <variant>

#include "scim/input_checks.hpp"
#include "scim/strings.hpp"

namespace scim {

namespace {

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

}  // namespace

SortKey sortKeyOf(const Json &resource, const AttrPath &p) {
    if (!p.attr) return {};
    const Json *v = sortedValue(resource, p);
    if (!v) return {};
    const Attribute &a = p.subAttr ? *p.subAttr : *p.attr;
    if (v->IsString()) return a.caseExact ? std::string(str(*v)) : lower(str(*v));
    if (v->IsBool()) return v->GetBool();
    if (v->IsNumber()) return v->GetDouble();
    return {};
}

namespace {

// Missing values last; otherwise by type, then value.
bool before(const SortKey &a, const SortKey &b, bool descending) {
    bool aMissing = std::holds_alternative<std::monostate>(a);
    bool bMissing = std::holds_alternative<std::monostate>(b);
    if (aMissing || bMissing) return !aMissing && bMissing;
    return descending ? b < a : a < b;
}

}  // namespace

std::optional<Error> checkSortBy(const ResourceType &rt, std::string_view sortBy) {
    if (!isAttributePath(sortBy)) {
        return invalidValue("sortBy must be an attribute path such as name.familyName, not '" +
                            validUtf8(sortBy.substr(0, 100)) + "'");
    }
    AttrPath p = resolvePath(rt, sortBy);
    if (!p.attr) return invalidValue("sortBy names no attribute of " + rt.name + ": '" +
                                     std::string(sortBy) + "'");
    return std::nullopt;
}

void sortMatches(std::vector<Match> &matches, bool descending) {
    std::stable_sort(matches.begin(), matches.end(), [&](const Match &a, const Match &b) {
        return before(a.key, b.key, descending);
    });
}

}  // namespace scim
