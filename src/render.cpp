// Canonical document + server metadata -> the resource as RFC 7643 shows
// it: schemas, id, externalId, attributes in schema order, extension
// objects, meta last. Strict out: only attributes the schema knows are
// copied, under the schema's spelling.
#include "scim/render.hpp"

namespace scim {

std::string etagFor(uint64_t version) { return "W/\"" + std::to_string(version) + "\""; }

namespace {

// Copies attribute `a` from `from` (found case-insensitively) into `to`
// under the schema's spelling. returned=never ones (the password) never
// leave.
void copyAttribute(const Json &from, Json &to, const Attribute &a, JsonAlloc &alloc) {
    if (a.returned == Returned::Never) return;
    const Json *v = findMember(from, a.name);
    if (v && !v->IsNull()) to.AddMember(jstr(a.name, alloc), Json(*v, alloc), alloc);
}

void copyAttributes(const Json &from, Json &to, const Schema &s, JsonAlloc &alloc) {
    for (const Attribute &a : s.attributes) copyAttribute(from, to, a, alloc);
}

void addString(Json &object, const char *name, const std::string &value, JsonAlloc &alloc) {
    if (!value.empty()) object.AddMember(rapidjson::StringRef(name), jstr(value, alloc), alloc);
}

Json renderMeta(const ResourceType &rt, const ResourceMeta &meta, JsonAlloc &alloc) {
    Json m(rapidjson::kObjectType);
    addString(m, "resourceType", rt.name, alloc);
    addString(m, "created", meta.created, alloc);
    addString(m, "lastModified", meta.lastModified, alloc);
    addString(m, "location", meta.location, alloc);
    addString(m, "version", etagFor(meta.version), alloc);
    return m;
}

}  // namespace

JsonDoc renderResource(const ResourceType &rt, const Json &doc, const ResourceMeta &meta) {
    JsonDoc out;
    Json rendered = renderResource(rt, doc, meta, out.GetAllocator());
    static_cast<Json &>(out).Swap(rendered);
    return out;
}

Json renderResource(const ResourceType &rt, const Json &doc, const ResourceMeta &meta,
                    JsonAlloc &alloc) {
    Json out(rapidjson::kObjectType);

    // Extensions first, so that "schemas" lists only those with content.
    Json schemas(rapidjson::kArrayType);
    schemas.PushBack(jstr(rt.schema->id, alloc), alloc);
    Json extensions(rapidjson::kObjectType);
    for (const SchemaExtension &e : rt.extensions) {
        const Json *stored = findMember(doc, e.schema->id);
        if (!stored || !stored->IsObject()) continue;
        Json rendered(rapidjson::kObjectType);
        copyAttributes(*stored, rendered, *e.schema, alloc);
        if (rendered.ObjectEmpty()) continue;
        schemas.PushBack(jstr(e.schema->id, alloc), alloc);
        extensions.AddMember(jstr(e.schema->id, alloc), rendered, alloc);
    }

    out.AddMember("schemas", schemas, alloc);
    out.AddMember("id", jstr(meta.id, alloc), alloc);
    for (const Attribute &a : commonSchema().attributes) {
        // id and meta are the server's; externalId is the client's.
        if (a.mutability != Mutability::ReadOnly) copyAttribute(doc, out, a, alloc);
    }
    copyAttributes(doc, out, *rt.schema, alloc);
    for (auto &e : extensions.GetObject()) out.AddMember(e.name, e.value, alloc);
    out.AddMember("meta", renderMeta(rt, meta, alloc), alloc);
    return out;
}

}  // namespace scim
