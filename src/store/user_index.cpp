#include "scim/store/user_index.hpp"

#include "scim/strings.hpp"

namespace scim::store {

std::string lexMember(std::string_view value, std::string_view id) {
    std::string m(value);
    m.push_back('\0');
    m.append(id);
    return m;
}

void writeLexEntry(JsonWriter &w, int index, std::string_view value, std::string_view id) {
    if (value.empty()) return;
    w.StartArray();
    w.Int(index);
    if (needsEscape(value) || needsEscape(id)) {
        writeString(w, lexMember(value, id));
    } else {
        // The member's text as the writer escapes it, its NUL as \u0000,
        // without building the member first.
        std::string text;
        text.reserve(value.size() + id.size() + 8);
        text.append(1, '"').append(value).append("\\u0000").append(id).append(1, '"');
        w.RawText(text);
    }
    w.EndArray();
}

void addUniqueEntries(JsonWriter &w, const Json &doc, std::string_view id,
                      const std::vector<UniqueIndex> &unique) {
    for (const UniqueIndex &u : unique) {
        const Json *ext = u.urn.empty() ? &doc : findMember(doc, u.urn);
        const Json *v = ext && ext->IsObject() ? findMember(*ext, u.attribute) : nullptr;
        if (!v || !v->IsString() || v->GetStringLength() == 0) continue;
        std::string value = u.caseExact ? std::string(str(*v)) : lower(str(*v));
        w.StartArray();
        writeString(w, u.key);
        if (u.sorted) {
            writeString(w, lexMember(value, id));
        } else {
            writeString(w, value);
            writeString(w, u.urn + ":" + u.attribute);
        }
        w.EndArray();
    }
}

// Written directly: no DOM of the entries (bench/README.md, "Session 8").
std::string userIndexEntries(const Json &doc, std::string_view id,
                             const std::vector<UniqueIndex> &unique) {
    JsonOut out(128);
    JsonWriter w(out);
    w.StartArray();
    if (const Json *v = findMember(doc, "userName"); v && v->IsString()) {
        writeLexEntry(w, static_cast<int>(LexIndex::UserName), lower(str(*v)), id);
    }
    if (const Json *v = findMember(doc, "externalId"); v && v->IsString()) {
        writeLexEntry(w, static_cast<int>(LexIndex::ExternalId), str(*v), id);
    }
    if (const Json *emails = findMember(doc, "emails"); emails && emails->IsArray()) {
        for (const Json &e : emails->GetArray()) {
            const Json *v = findMember(e, "value");
            if (v && v->IsString()) {
                writeLexEntry(w, static_cast<int>(LexIndex::Email), lower(str(*v)), id);
            }
        }
    }
    addUniqueEntries(w, doc, id, unique);
    w.EndArray();
    return out.take();
}

}  // namespace scim::store
