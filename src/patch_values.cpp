#include "patch_values.hpp"

#include "scim/strings.hpp"

namespace scim::patch {

void setMember(Json &object, std::string_view name, Json value, JsonAlloc &alloc) {
    eraseMember(object, name);
    object.AddMember(jstr(name, alloc), value, alloc);
}

bool eraseMember(Json &object, std::string_view name) {
    if (!object.IsObject()) return false;
    bool erased = false;
    for (auto it = object.MemberBegin(); it != object.MemberEnd();) {
        if (iequals(str(it->name), name)) {
            it = object.EraseMember(it);
            erased = true;
        } else {
            ++it;
        }
    }
    return erased;
}

namespace {

bool sameScalar(const Attribute *a, const Json &x, const Json &y) {
    if (x.IsString() && y.IsString()) {
        return (a && !a->caseExact) ? iequals(str(x), str(y)) : str(x) == str(y);
    }
    return x == y;
}

bool isFalse(const Json &v) { return v.IsBool() && !v.GetBool(); }

// Every sub-attribute of `small` is in `big` with the same value.
bool subsetOf(const Attribute &a, const Json &small, const Json &big) {
    for (auto &m : small.GetObject()) {
        const Json *other = findMember(big, str(m.name));
        if (!other) {
            if (isFalse(m.value)) continue;
            return false;
        }
        if (!sameScalar(a.sub(str(m.name)), m.value, *other)) return false;
    }
    return true;
}

}  // namespace

bool sameValue(const Attribute &a, const Json &x, const Json &y) {
    if (a.isComplex() && x.IsObject() && y.IsObject()) return subsetOf(a, x, y) && subsetOf(a, y, x);
    return sameScalar(&a, x, y);
}

bool containedIn(const Attribute &a, const Json &candidate, const Json &existing) {
    if (a.isComplex() && candidate.IsObject() && existing.IsObject())
        return subsetOf(a, candidate, existing);
    return sameScalar(&a, candidate, existing);
}

void keepOnePrimary(Json &array, const std::vector<size_t> &touched) {
    if (!array.IsArray()) return;
    auto isPrimary = [&](size_t i) {
        const Json *p = findMember(array[static_cast<rapidjson::SizeType>(i)], "primary");
        return p && p->IsBool() && p->GetBool();
    };
    for (auto it = touched.rbegin(); it != touched.rend(); ++it) {
        if (*it >= array.Size() || !isPrimary(*it)) continue;
        for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
            if (i != *it && isPrimary(i)) eraseMember(array[i], "primary");
        }
        return;
    }
}

void eraseElements(Json &array, const std::vector<size_t> &doomed) {
    for (auto it = doomed.rbegin(); it != doomed.rend(); ++it) {
        if (*it < array.Size()) array.Erase(array.Begin() + *it);
    }
}

}  // namespace scim::patch
