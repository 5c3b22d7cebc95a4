#include "scim/store/group_index.hpp"

#include "scim/store/user_index.hpp"
#include "scim/strings.hpp"

namespace scim::store {

std::string groupIndexEntries(const Json &doc, std::string_view id,
                              const std::vector<UniqueIndex> &unique) {
    JsonDoc out(rapidjson::kArrayType);
    auto &a = out.GetAllocator();
    auto entry = [&](GroupLexIndex index, const std::string &value) {
        if (value.empty()) return;
        Json pair(rapidjson::kArrayType);
        pair.PushBack(static_cast<int>(index), a).PushBack(jstr(lexMember(value, id), a), a);
        out.PushBack(pair, a);
    };
    if (const Json *v = findMember(doc, "displayName"); v && v->IsString()) {
        entry(GroupLexIndex::DisplayName, lower(str(*v)));
    }
    if (const Json *v = findMember(doc, "externalId"); v && v->IsString()) {
        entry(GroupLexIndex::ExternalId, std::string(str(*v)));
    }
    addUniqueEntries(out, doc, id, unique, a);
    return toString(out);
}

}  // namespace scim::store
