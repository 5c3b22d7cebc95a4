// Operations on chosen elements of a multi-valued attribute: those a value
// filter matches (`emails[type eq "work"]`), or all of them (`emails.type`).
#include "patch_engine.hpp"

#include <string>

#include "patch_filter_terms.hpp"
#include "patch_values.hpp"
#include "scim/filter.hpp"
#include "scim/resource.hpp"

namespace scim::patch {

namespace {

const Json &unwrapSingle(const Json &v) {
    return (v.IsArray() && v.Size() == 1) ? v[0] : v;
}

}  // namespace

std::vector<size_t> Engine::chosenElements(const PatchPath &p, const Json *array) const {
    std::vector<size_t> chosen;
    if (!array || !array->IsArray()) return chosen;
    for (rapidjson::SizeType i = 0; i < array->Size(); ++i) {
        const Json &element = (*array)[i];
        if (!element.IsObject()) continue;
        if (!p.filter || filter::matchesElement(*p.filter, element, *p.attr)) chosen.push_back(i);
    }
    return chosen;
}

// A filter that matches nothing is 400 noTarget for remove (§3.12), but for
// add and replace it describes the element to create, as Entra ID expects.
Status Engine::applyToElements(OpKind kind, const PatchPath &p, const Json *value) {
    if (kind != OpKind::Remove && !value)
        return invalidValue(std::string(opName(kind)) + " of " + p.text + " requires a value");
    Json *array = attributeValue(p);
    std::vector<size_t> chosen = chosenElements(p, array);
    if (chosen.empty()) {
        if (kind != OpKind::Remove) return createElement(p, *value);
        if (p.filter) return noTarget("no value of " + p.attr->name + " matches " + p.text);
        return Done{};
    }
    if (kind == OpKind::Remove) return removeElements(p, *array, chosen);
    return writeElements(kind, p, *value, *array, chosen);
}

// Removes the chosen elements, or just their sub-attribute; elements and
// attributes left empty are unassigned.
Status Engine::removeElements(const PatchPath &p, Json &array, const std::vector<size_t> &chosen) {
    if (!p.subAttr) {
        eraseElements(array, chosen);
    } else {
        std::vector<size_t> emptied;
        for (size_t i : chosen) {
            Json &element = array[static_cast<rapidjson::SizeType>(i)];
            if (auto s = writeSub(element, *p.subAttr, Json()); !s) return s;
            if (element.ObjectEmpty()) emptied.push_back(i);
        }
        eraseElements(array, emptied);
    }
    if (array.Empty()) eraseMember(*container(p, false), p.attr->name);
    return Done{};
}

// Sets the sub-attribute of each chosen element, or replaces the elements
// (add merges into them instead). An empty value under replace removes.
Status Engine::writeElements(OpKind kind, const PatchPath &p, const Json &value, Json &array,
                             const std::vector<size_t> &chosen) {
    auto v = p.subAttr ? normalizeValue(*p.subAttr, value, alloc_, p.text) : elementValue(p, value);
    if (!v) return v.takeError();
    if (v->IsNull()) {
        return kind == OpKind::Replace ? removeElements(p, array, chosen) : Status(Done{});
    }
    for (size_t i : chosen) {
        Json &element = array[static_cast<rapidjson::SizeType>(i)];
        if (p.subAttr) {
            if (auto s = writeSub(element, *p.subAttr, Json(*v, alloc_)); !s) return s;
        } else if (kind == OpKind::Replace) {
            Json replacement(*v, alloc_);
            keepFilterTerms(p, element, replacement);
            element = std::move(replacement);
        } else {
            for (auto &m : v->GetObject()) {
                const Attribute *sub = p.attr->sub(str(m.name));
                if (!sub) continue;
                if (auto s = writeSub(element, *sub, Json(m.value, alloc_)); !s) return s;
            }
        }
    }
    keepOnePrimary(array, chosen);
    return Done{};
}

// The new element: the value, completed by the filter's `eq` terms so that
// it matches the filter that targeted it.
Status Engine::createElement(const PatchPath &p, const Json &value) {
    Json terms(rapidjson::kObjectType);
    if (p.filter && !eqTerms(*p.filter, *p.attr, terms, alloc_)) {
        return noTarget("no value of " + p.attr->name + " matches " + p.text +
                        ", and only eq terms joined by and describe a value to create");
    }
    Expected<Json> v = p.subAttr ? normalizeValue(*p.subAttr, value, alloc_, p.text)
                                 : elementValue(p, value);
    if (!v) return v.takeError();
    if (v->IsNull()) return Done{};  // nothing to create
    Json element(rapidjson::kObjectType);
    if (p.subAttr) {
        element.AddMember(jstr(p.subAttr->name, alloc_), *v, alloc_);
    } else {
        element = std::move(*v);
    }
    for (auto &term : terms.GetObject()) {
        const Attribute *sub = p.attr->sub(str(term.name));
        if (!sub || findMember(element, sub->name)) continue;
        auto t = normalizeValue(*sub, term.value, alloc_, p.text);
        if (!t) return t.takeError();
        if (!t->IsNull()) element.AddMember(jstr(sub->name, alloc_), *t, alloc_);
    }
    Json *c = container(p, true);
    Json *array = findMember(*c, p.attr->name);
    if (!array || !array->IsArray()) {
        setMember(*c, p.attr->name, Json(rapidjson::kArrayType), alloc_);
        array = findMember(*c, p.attr->name);
    }
    array->PushBack(element, alloc_);
    keepOnePrimary(*array, {array->Size() - 1});
    return Done{};
}

// One element as the client sent it, normalised: an object, or null.
Expected<Json> Engine::elementValue(const PatchPath &p, const Json &value) {
    auto v = normalizeSingle(*p.attr, unwrapSingle(value), alloc_, p.text);
    if (v && !v->IsNull() && !v->IsObject()) return invalidValue(p.text + " must be an object");
    return v;
}

// A replacement that leaves out a sub-attribute the filter tested with eq
// keeps the replaced element's value for it: a replace of
// `emails[type eq "work"]` with {"value":…} still yields a work email.
void Engine::keepFilterTerms(const PatchPath &p, const Json &old, Json &replacement) {
    Json terms;
    if (!p.filter || !eqTerms(*p.filter, *p.attr, terms, alloc_)) return;
    for (auto &term : terms.GetObject()) {
        const Json *kept = findMember(old, str(term.name));
        if (!kept || findMember(replacement, str(term.name))) continue;
        replacement.AddMember(jstr(str(term.name), alloc_), Json(*kept, alloc_), alloc_);
    }
}

}  // namespace scim::patch
