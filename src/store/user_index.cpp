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

void addUniqueEntries(Json &entries, const Json &doc, std::string_view id,
                      const std::vector<UniqueIndex> &unique, JsonAlloc &a) {
    for (const UniqueIndex &u : unique) {
        const Json *ext = u.urn.empty() ? &doc : findMember(doc, u.urn);
        const Json *v = ext && ext->IsObject() ? findMember(*ext, u.attribute) : nullptr;
        if (!v || !v->IsString() || v->GetStringLength() == 0) continue;
        std::string value = u.caseExact ? std::string(str(*v)) : lower(str(*v));
        Json entry(rapidjson::kArrayType);
        entry.PushBack(jstr(u.key, a), a);
        if (u.sorted) {
            entry.PushBack(jstr(lexMember(value, id), a), a);
        } else {
            entry.PushBack(jstr(value, a), a);
            entry.PushBack(jstr(u.urn + ":" + u.attribute, a), a);
        }
        entries.PushBack(entry, a);
    }
}

std::string userIndexEntries(const Json &doc, std::string_view id,
                             const std::vector<UniqueIndex> &unique) {
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
    addUniqueEntries(out, doc, id, unique, a);
    return toString(out);
}

}  // namespace scim::store
