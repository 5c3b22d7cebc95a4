#include "scim/store/group_index.hpp"

#include "scim/store/user_index.hpp"
#include "scim/strings.hpp"

namespace scim::store {

std::string groupIndexEntries(const Json &doc, std::string_view id,
                              const std::vector<UniqueIndex> &unique) {
    JsonOut out(128);
    JsonWriter w(out);
    w.StartArray();
    if (const Json *v = findMember(doc, "displayName"); v && v->IsString()) {
        writeLexEntry(w, static_cast<int>(GroupLexIndex::DisplayName), lower(str(*v)), id);
    }
    if (const Json *v = findMember(doc, "externalId"); v && v->IsString()) {
        writeLexEntry(w, static_cast<int>(GroupLexIndex::ExternalId), str(*v), id);
    }
    addUniqueEntries(w, doc, id, unique);
    w.EndArray();
    return out.take();
}

}  // namespace scim::store
