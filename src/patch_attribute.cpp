// Operations on a whole attribute, or on a sub-attribute of a single-valued
// complex one (RFC 7644 §3.5.2.1-3).
#include "patch_engine.hpp"

#include <algorithm>
#include <string>

#include "patch_values.hpp"
#include "scim/resource.hpp"

namespace scim::patch {

namespace {

bool isEmptyValue(const Json *v) {
    return !v || v->IsNull() || (v->IsArray() && v->Empty()) ||
           (v->IsObject() && v->ObjectEmpty()) || (v->IsString() && v->GetStringLength() == 0);
}

// One-element arrays stand for their element where one value is expected.
const Json &unwrapSingle(const Json &v) {
    return (v.IsArray() && v.Size() == 1) ? v[0] : v;
}

}  // namespace

Json *Engine::container(const PatchPath &p, bool create) {
    if (!p.extension) return &doc_;
    Json *ext = findMember(doc_, p.schema->id);
    if (ext && ext->IsObject()) return ext;
    if (!create) return nullptr;
    setMember(doc_, p.schema->id, Json(rapidjson::kObjectType), alloc_);
    return findMember(doc_, p.schema->id);
}

Json *Engine::attributeValue(const PatchPath &p) {
    Json *c = container(p, false);
    return c ? findMember(*c, p.attr->name) : nullptr;
}

Status Engine::applyWhole(OpKind kind, const PatchPath &p, const Json &value) {
    if (p.attr->multiValued) return setMultiValued(kind, p, value);
    if (p.attr->isComplex()) return mergeComplex(kind, p, value);
    return setSimple(kind, p, value);
}

// Add and replace both set a single value; an empty one unsets it under
// replace and adds nothing under add.
Status Engine::setSimple(OpKind kind, const PatchPath &p, const Json &value) {
    auto v = normalizeValue(*p.attr, value, alloc_, p.text);
    if (!v) return v.takeError();
    if (v->IsNull()) return kind == OpKind::Replace ? unsetAttribute(p) : Status(Done{});
    Json *current = attributeValue(p);
    if (p.attr->mutability == Mutability::Immutable && current && !(*current == *v))
        return mutability(p.attr->name + " is immutable and already set");
    setMember(*container(p, true), p.attr->name, std::move(*v), alloc_);
    return Done{};
}

// A complex value sets the sub-attributes it names and leaves the others
// alone (§3.5.2.3); a null sub-attribute is unset under replace. Unknown and
// readOnly sub-attributes (manager.displayName echoed back) are ignored.
Status Engine::mergeComplex(OpKind kind, const PatchPath &p, const Json &value) {
    const Attribute &a = *p.attr;
    const Json *raw = &unwrapSingle(value);
    Json normalized;
    if (!raw->IsObject()) {  // e.g. Entra's manager as a bare id
        auto v = normalizeValue(a, value, alloc_, p.text);
        if (!v) return v.takeError();
        if (!v->IsNull() && !v->IsObject()) return invalidValue(p.text + " must be an object");
        normalized = std::move(*v);
        raw = &normalized;
    }
    if (isEmptyValue(raw)) return kind == OpKind::Replace ? unsetAttribute(p) : Status(Done{});
    Json *c = container(p, true);
    Json *target = findMember(*c, a.name);
    if (!target || !target->IsObject()) {
        setMember(*c, a.name, Json(rapidjson::kObjectType), alloc_);
        target = findMember(*c, a.name);
    }
    for (auto &m : raw->GetObject()) {
        const Attribute *sub = a.sub(str(m.name));
        if (!sub || sub->mutability == Mutability::ReadOnly) continue;
        auto v = normalizeValue(*sub, m.value, alloc_, a.name + "." + sub->name);
        if (!v) return v.takeError();
        if (v->IsNull() && kind == OpKind::Add) continue;
        if (auto s = writeSub(*target, *sub, std::move(*v)); !s) return s;
    }
    if (target->ObjectEmpty()) eraseMember(*c, a.name);
    return Done{};
}

// Add appends the values not already present; replace swaps the whole
// list. Either way a new primary value demotes the others.
Status Engine::setMultiValued(OpKind kind, const PatchPath &p, const Json &value) {
    const Attribute &a = *p.attr;
    auto v = normalizeValue(a, value, alloc_, p.text);
    if (!v) return v.takeError();
    if (v->IsNull()) return kind == OpKind::Replace ? unsetAttribute(p) : Status(Done{});
    if (!v->IsArray()) return invalidValue(p.text + " must be an array");
    Json *c = container(p, true);
    Json *array = findMember(*c, a.name);
    if (kind == OpKind::Replace || !array || !array->IsArray()) {
        setMember(*c, a.name, Json(rapidjson::kArrayType), alloc_);
        array = findMember(*c, a.name);
    }
    std::vector<size_t> touched;
    for (Json &element : v->GetArray()) {
        auto present = [&](const Json &e) { return containedIn(a, element, e); };
        if (std::any_of(array->Begin(), array->End(), present)) continue;
        array->PushBack(element, alloc_);
        touched.push_back(array->Size() - 1);
    }
    keepOnePrimary(*array, touched);
    if (array->Empty()) eraseMember(*c, a.name);
    return Done{};
}

// Without a value: unset. A multi-valued attribute with a value (the Entra
// ID dialect, `"value":[{"value":"x"}]`) loses just those values.
Status Engine::removeWhole(const PatchPath &p, const Json *value) {
    if (p.attr->multiValued && !isEmptyValue(value)) return removeByValue(p, *value);
    return unsetAttribute(p);
}

// Each listed value must match at least one element (else 400 noTarget, as
// for a filter that matches nothing); every element it matches goes.
Status Engine::removeByValue(const PatchPath &p, const Json &value) {
    const Attribute &a = *p.attr;
    auto v = normalizeValue(a, value, alloc_, p.text);
    if (!v) return v.takeError();
    if (!v->IsArray() || v->Empty())
        return invalidValue("the value of remove " + p.text + " names nothing to remove");
    Json *array = attributeValue(p);
    for (const Json &unwanted : v->GetArray()) {
        std::vector<size_t> doomed;
        for (rapidjson::SizeType i = 0; array && array->IsArray() && i < array->Size(); ++i) {
            if (containedIn(a, unwanted, (*array)[i])) doomed.push_back(i);
        }
        if (doomed.empty())
            return noTarget("no value of " + a.name + " matches " + clipForDetail(toString(unwanted)));
        eraseElements(*array, doomed);
    }
    if (array->Empty()) eraseMember(*container(p, false), a.name);
    return Done{};
}

Status Engine::applySub(OpKind kind, const PatchPath &p, const Json *value) {
    if (kind != OpKind::Remove && !value)
        return invalidValue(std::string(opName(kind)) + " of " + p.text + " requires a value");
    Json v;
    if (kind != OpKind::Remove) {
        auto normalized = normalizeValue(*p.subAttr, *value, alloc_, p.text);
        if (!normalized) return normalized.takeError();
        v = std::move(*normalized);
    }
    if (v.IsNull() && kind == OpKind::Add) return Done{};
    Json *target = attributeValue(p);
    if (v.IsNull()) {  // remove, or replace with nothing
        if (!target || !target->IsObject()) return Done{};
        if (auto s = writeSub(*target, *p.subAttr, Json()); !s) return s;
        return target->ObjectEmpty() ? unsetAttribute(p) : Status(Done{});
    }
    Json *c = container(p, true);
    target = findMember(*c, p.attr->name);
    if (!target || !target->IsObject()) {
        setMember(*c, p.attr->name, Json(rapidjson::kObjectType), alloc_);
        target = findMember(*c, p.attr->name);
    }
    return writeSub(*target, *p.subAttr, std::move(v));
}

// Sets (or, for null, erases) one sub-attribute of `object`, refusing to
// change an immutable one that already has a value.
Status Engine::writeSub(Json &object, const Attribute &sub, Json value) {
    const Json *current = findMember(object, sub.name);
    if (sub.mutability == Mutability::Immutable && current && !(*current == value))
        return mutability(sub.name + " is immutable and already set");
    if (value.IsNull())
        eraseMember(object, sub.name);
    else
        setMember(object, sub.name, std::move(value), alloc_);
    return Done{};
}

// A required attribute cannot become unassigned (§3.5.2.2: mutability).
Status Engine::unsetAttribute(const PatchPath &p) {
    const Attribute &a = *p.attr;
    if (a.required) return mutability(a.name + " is required and cannot be removed");
    Json *c = container(p, false);
    if (!c || !findMember(*c, a.name)) return Done{};
    if (a.mutability == Mutability::Immutable)
        return mutability(a.name + " is immutable and cannot be removed");
    eraseMember(*c, a.name);
    return Done{};
}

}  // namespace scim::patch
