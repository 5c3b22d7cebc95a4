// Discovery endpoints (RFC 7644 §4, RFC 7643 §5–7). They describe only what
// this build really implements.
#include "exchanges.hpp"
#include "scim/strings.hpp"

namespace scim {

namespace {

constexpr std::string_view kSpcUrn = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
constexpr std::string_view kResourceTypeUrn = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
constexpr std::string_view kSchemaUrn = "urn:ietf:params:scim:schemas:core:2.0:Schema";

const char *typeName(AttrType t) {
    switch (t) {
    case AttrType::String: return "string";
    case AttrType::Boolean: return "boolean";
    case AttrType::Decimal: return "decimal";
    case AttrType::Integer: return "integer";
    case AttrType::DateTime: return "dateTime";
    case AttrType::Binary: return "binary";
    case AttrType::Reference: return "reference";
    case AttrType::Complex: return "complex";
    }
    return "string";
}

const char *mutabilityName(Mutability m) {
    switch (m) {
    case Mutability::ReadOnly: return "readOnly";
    case Mutability::ReadWrite: return "readWrite";
    case Mutability::Immutable: return "immutable";
    case Mutability::WriteOnly: return "writeOnly";
    }
    return "readWrite";
}

const char *returnedName(Returned r) {
    switch (r) {
    case Returned::Always: return "always";
    case Returned::Never: return "never";
    case Returned::Default: return "default";
    case Returned::Request: return "request";
    }
    return "default";
}

const char *uniquenessName(Uniqueness u) {
    switch (u) {
    case Uniqueness::None: return "none";
    case Uniqueness::Server: return "server";
    case Uniqueness::Global: return "global";
    }
    return "none";
}

Json stringArray(const std::vector<std::string> &values, JsonAlloc &a) {
    Json arr(rapidjson::kArrayType);
    for (const std::string &v : values) arr.PushBack(jstr(v, a), a);
    return arr;
}

Json schemasOf(std::string_view urn, JsonAlloc &a) {
    Json arr(rapidjson::kArrayType);
    arr.PushBack(jstr(urn, a), a);
    return arr;
}

Json metaOf(const char *resourceType, const std::string &location, JsonAlloc &a) {
    Json meta(rapidjson::kObjectType);
    meta.AddMember("resourceType", Json(resourceType, a), a);
    meta.AddMember("location", jstr(location, a), a);
    return meta;
}

Json attributeJson(const Attribute &attr, JsonAlloc &a) {
    Json j(rapidjson::kObjectType);
    j.AddMember("name", jstr(attr.name, a), a);
    j.AddMember("type", Json(typeName(attr.type), a), a);
    j.AddMember("multiValued", attr.multiValued, a);
    j.AddMember("description", jstr(attr.description, a), a);
    j.AddMember("required", attr.required, a);
    if (!attr.canonicalValues.empty()) {
        j.AddMember("canonicalValues", stringArray(attr.canonicalValues, a), a);
    }
    if (!attr.isComplex()) j.AddMember("caseExact", attr.caseExact, a);
    j.AddMember("mutability", Json(mutabilityName(attr.mutability), a), a);
    j.AddMember("returned", Json(returnedName(attr.returned), a), a);
    if (!attr.isComplex()) j.AddMember("uniqueness", Json(uniquenessName(attr.uniqueness), a), a);
    if (!attr.referenceTypes.empty()) {
        j.AddMember("referenceTypes", stringArray(attr.referenceTypes, a), a);
    }
    if (attr.isComplex()) {
        Json subs(rapidjson::kArrayType);
        for (const Attribute &s : attr.subAttributes) subs.PushBack(attributeJson(s, a), a);
        j.AddMember("subAttributes", subs, a);
    }
    return j;
}

// Group displayName is unique per tenant unless scim_group_display_name_unique
// is off; the schema says which.
Attribute asConfigured(const Schema &s, const Attribute &attr, const ServiceConfig &config) {
    Attribute out = attr;
    if (&s == &groupSchema() && attr.name == "displayName" && config.groupDisplayNameUnique) {
        out.uniqueness = Uniqueness::Server;
    }
    return out;
}

Json schemaJson(const Schema &s, const Request &req, const ServiceConfig &config, JsonAlloc &a) {
    Json j(rapidjson::kObjectType);
    j.AddMember("schemas", schemasOf(kSchemaUrn, a), a);
    j.AddMember("id", jstr(s.id, a), a);
    j.AddMember("name", jstr(s.name, a), a);
    j.AddMember("description", jstr(s.description, a), a);
    Json attrs(rapidjson::kArrayType);
    for (const Attribute &attr : s.attributes) {
        attrs.PushBack(attributeJson(asConfigured(s, attr, config), a), a);
    }
    j.AddMember("attributes", attrs, a);
    j.AddMember("meta", metaOf("Schema", req.baseUrl + "/Schemas/" + s.id, a), a);
    return j;
}

Json resourceTypeJson(const ResourceType &rt, const Request &req, JsonAlloc &a) {
    Json j(rapidjson::kObjectType);
    j.AddMember("schemas", schemasOf(kResourceTypeUrn, a), a);
    j.AddMember("id", jstr(rt.id, a), a);
    j.AddMember("name", jstr(rt.name, a), a);
    j.AddMember("endpoint", jstr(rt.endpoint, a), a);
    j.AddMember("description", jstr(rt.description, a), a);
    j.AddMember("schema", jstr(rt.schema->id, a), a);
    Json exts(rapidjson::kArrayType);
    for (const SchemaExtension &e : rt.extensions) {
        Json ext(rapidjson::kObjectType);
        ext.AddMember("schema", jstr(e.schema->id, a), a);
        ext.AddMember("required", e.required, a);
        exts.PushBack(ext, a);
    }
    j.AddMember("schemaExtensions", exts, a);
    j.AddMember("meta", metaOf("ResourceType", req.baseUrl + "/ResourceTypes/" + rt.id, a), a);
    return j;
}

Json supported(bool value, JsonAlloc &a) {
    Json j(rapidjson::kObjectType);
    j.AddMember("supported", value, a);
    return j;
}

// RFC 9865 §5: both paging methods. Cursors name a position in creation
// order and never expire, so there is no cursorTimeout.
Json pagination(const ServiceConfig &config, JsonAlloc &a) {
    Json p(rapidjson::kObjectType);
    p.AddMember("cursor", true, a);
    p.AddMember("index", true, a);
    p.AddMember("defaultPaginationMethod", "index", a);
    p.AddMember("defaultPageSize", static_cast<int64_t>(config.defaultPageSize), a);
    p.AddMember("maxPageSize", static_cast<int64_t>(config.maxPageSize), a);
    return p;
}

Response serviceProviderConfig(const Request &req, const ServiceConfig &config) {
    JsonDoc d(rapidjson::kObjectType);
    auto &a = d.GetAllocator();
    d.AddMember("schemas", schemasOf(kSpcUrn, a), a);
    d.AddMember("patch", supported(true, a), a);
    Json bulk = supported(true, a);
    bulk.AddMember("maxOperations", static_cast<int64_t>(config.bulkMaxOperations), a);
    bulk.AddMember("maxPayloadSize", static_cast<int64_t>(config.bulkMaxPayload), a);
    d.AddMember("bulk", bulk, a);
    Json filter = supported(true, a);
    filter.AddMember("maxResults", static_cast<int64_t>(config.maxPageSize), a);
    d.AddMember("filter", filter, a);
    d.AddMember("changePassword", supported(false, a), a);
    d.AddMember("sort", supported(true, a), a);
    d.AddMember("etag", supported(true, a), a);
    d.AddMember("pagination", pagination(config, a), a);
    Json scheme(rapidjson::kObjectType);
    scheme.AddMember("type", "oauthbearertoken", a);
    scheme.AddMember("name", "OAuth Bearer Token", a);
    scheme.AddMember("description", "Authentication with a bearer token issued per tenant", a);
    scheme.AddMember("primary", true, a);
    Json schemes(rapidjson::kArrayType);
    schemes.PushBack(scheme, a);
    d.AddMember("authenticationSchemes", schemes, a);
    d.AddMember("meta", metaOf("ServiceProviderConfig", req.baseUrl + "/ServiceProviderConfig", a), a);
    return jsonResponse(200, d);
}

Response listOf(JsonDoc &d, Json resources) {
    auto &a = d.GetAllocator();
    int64_t n = resources.Size();
    d.SetObject();
    d.AddMember("schemas", schemasOf(kListResponseUrn, a), a);
    d.AddMember("totalResults", n, a);
    d.AddMember("startIndex", 1, a);
    d.AddMember("itemsPerPage", n, a);
    d.AddMember("Resources", resources, a);
    return jsonResponse(200, d);
}

Response resourceTypes(const Route &route, const Request &req, const ServiceConfig &config) {
    JsonDoc d;
    auto &a = d.GetAllocator();
    if (!route.id.empty()) {
        for (const ResourceType *rt : config.schemaSet->resourceTypes()) {
            if (iequals(rt->id, route.id)) return jsonResponse(200, resourceTypeJson(*rt, req, a));
        }
        return errorResponse(notFound("no resource type " + route.id));
    }
    Json all(rapidjson::kArrayType);
    for (const ResourceType *rt : config.schemaSet->resourceTypes()) {
        all.PushBack(resourceTypeJson(*rt, req, a), a);
    }
    return listOf(d, std::move(all));
}

Response schemaList(const Route &route, const Request &req, const ServiceConfig &config) {
    JsonDoc d;
    auto &a = d.GetAllocator();
    if (!route.id.empty()) {
        for (const Schema *s : config.schemaSet->schemas()) {
            if (iequals(s->id, route.id)) return jsonResponse(200, schemaJson(*s, req, config, a));
        }
        return errorResponse(notFound("no schema " + route.id));
    }
    Json all(rapidjson::kArrayType);
    for (const Schema *s : config.schemaSet->schemas()) all.PushBack(schemaJson(*s, req, config, a), a);
    return listOf(d, std::move(all));
}

}  // namespace

std::unique_ptr<Exchange> discovery(const Route &route, const Request &req,
                                    const ServiceConfig &config) {
    switch (route.endpoint) {
    case Endpoint::ServiceProviderConfig: return immediate(serviceProviderConfig(req, config));
    case Endpoint::ResourceTypes: return immediate(resourceTypes(route, req, config));
    case Endpoint::Schemas: return immediate(schemaList(route, req, config));
    default: return immediate(errorResponse(notFound("no such endpoint")));
    }
}

}  // namespace scim
