// A reference for countNamedMembers (scim/member_count.hpp): the same
// rule on parsed JSON. The unit tests and patch_fuzz compare the two.
#pragma once

#include <cstddef>

#include "scim/json.hpp"
#include "scim/strings.hpp"

namespace scim {

inline size_t memberElementsOf(const Json *v) { return v && v->IsArray() ? v->Size() : (v ? 1 : 0); }

// The same rule on the parsed document.
inline size_t countMembersOnDom(const Json &body) {
    if (!body.IsObject()) return 0;
    size_t n = memberElementsOf(findMember(body, "members"));
    const Json *ops = findMember(body, "Operations");
    if (!ops || !ops->IsArray()) return n;
    for (const Json &op : ops->GetArray()) {
        const Json *value = findMember(op, "value");
        if (!value) continue;
        const Json *path = findMember(op, "path");
        if (path && path->IsString()) {
            if (istartsWith(str(*path), "members")) n += memberElementsOf(value);
        } else if (value->IsObject()) {
            n += memberElementsOf(findMember(*value, "members"));
        }
    }
    return n;
}

}  // namespace scim
