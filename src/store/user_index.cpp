#include "scim/store/user_index.hpp"

#include "scim/strings.hpp"

namespace scim::store {

std::string lexMember(std::string_view value, std::string_view id) {
    std::string m(value);
    m.push_back('\0');
    m.append(id);
    return m;
}

namespace {

void addEntry(Json &list, LexIndex index, std::string_view value, std::string_view id,
              JsonAlloc &a) {
    if (value.empty()) return;
    Json pair(rapidjson::kArrayType);
    pair.PushBack(static_cast<int>(index), a);
    pair.PushBack(jstr(lexMember(value, id), a), a);
    list.PushBack(pair, a);
}

}  // namespace

std::string userIndexEntries(const Json &doc, std::string_view id) {
    JsonDoc out(rapidjson::kArrayType);
    auto &a = out.GetAllocator();
    if (const Json *v = findMember(doc, "userName"); v && v->IsString()) {
        addEntry(out, LexIndex::UserName, lower(str(*v)), id, a);
    }
    if (const Json *v = findMember(doc, "externalId"); v && v->IsString()) {
        addEntry(out, LexIndex::ExternalId, str(*v), id, a);
    }
    if (const Json *emails = findMember(doc, "emails"); emails && emails->IsArray()) {
        for (const Json &e : emails->GetArray()) {
            const Json *v = findMember(e, "value");
            if (v && v->IsString()) addEntry(out, LexIndex::Email, lower(str(*v)), id, a);
        }
    }
    return toString(out);
}

}  // namespace scim::store
