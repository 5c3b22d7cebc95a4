// Attribute definitions from RFC 7643 §4 and §8.7.
#include "scim/schema.hpp"

#include "scim/strings.hpp"

#include <optional>

namespace scim {

namespace {

// Small builders keep the tables below readable.
Attribute attr(std::string name, AttrType type, std::string description) {
    Attribute a;
    a.name = std::move(name);
    a.type = type;
    a.description = std::move(description);
    return a;
}

Attribute str(std::string name, std::string description) {
    return attr(std::move(name), AttrType::String, std::move(description));
}

Attribute boolean(std::string name, std::string description) {
    return attr(std::move(name), AttrType::Boolean, std::move(description));
}

Attribute ref(std::string name, std::vector<std::string> types, std::string description) {
    Attribute a = attr(std::move(name), AttrType::Reference, std::move(description));
    a.referenceTypes = std::move(types);
    return a;
}

Attribute complex(std::string name, std::vector<Attribute> subs, std::string description) {
    Attribute a = attr(std::move(name), AttrType::Complex, std::move(description));
    a.subAttributes = std::move(subs);
    return a;
}

Attribute multi(Attribute a) {
    a.multiValued = true;
    return a;
}

Attribute readOnly(Attribute a) {
    a.mutability = Mutability::ReadOnly;
    return a;
}

Attribute canonical(Attribute a, std::vector<std::string> values) {
    a.canonicalValues = std::move(values);
    return a;
}

// The usual sub-attributes of a multi-valued attribute (RFC 7643 §2.4).
std::vector<Attribute> multiValuedSubs(std::string valueDescription,
                                       std::vector<std::string> types,
                                       AttrType valueType = AttrType::String) {
    return {attr("value", valueType, std::move(valueDescription)),
            str("display", "A human-readable name, primarily used for display purposes."),
            canonical(str("type", "A label indicating the attribute's function."),
                      std::move(types)),
            boolean("primary", "A Boolean value indicating the 'primary' or preferred value.")};
}

Attribute multiValuedComplex(std::string name, std::string valueDescription,
                             std::vector<std::string> types, std::string description,
                             AttrType valueType = AttrType::String) {
    return multi(complex(std::move(name),
                         multiValuedSubs(std::move(valueDescription), std::move(types), valueType),
                         std::move(description)));
}

Schema buildCommon() {
    Attribute id = readOnly(str("id", "Unique identifier for the SCIM resource."));
    id.caseExact = true;
    id.returned = Returned::Always;
    id.uniqueness = Uniqueness::Server;

    Attribute externalId = str("externalId", "Identifier defined by the provisioning client.");
    externalId.caseExact = true;

    Attribute resourceType = readOnly(str("resourceType", "The name of the resource type."));
    resourceType.caseExact = true;
    Attribute location = readOnly(ref("location", {"uri"}, "The URI of the resource."));
    location.caseExact = true;
    Attribute version = readOnly(str("version", "The version of the resource."));
    version.caseExact = true;
    Attribute meta = readOnly(complex(
        "meta",
        {resourceType,
         readOnly(attr("created", AttrType::DateTime, "When the resource was added.")),
         readOnly(attr("lastModified", AttrType::DateTime, "When the resource was last updated.")),
         location, version},
        "Resource metadata."));

    return Schema{"urn:ietf:params:scim:schemas:core:2.0:Common", "Common",
                  "Attributes common to all resources", {id, externalId, meta}};
}

Schema buildUser() {
    Attribute userName = str("userName", "Unique identifier for the User.");
    userName.required = true;
    userName.uniqueness = Uniqueness::Server;

    Attribute name = complex(
        "name",
        {str("formatted", "The full name, formatted for display."),
         str("familyName", "The family name of the User."),
         str("givenName", "The given name of the User."),
         str("middleName", "The middle name(s) of the User."),
         str("honorificPrefix", "The honorific prefix(es) of the User."),
         str("honorificSuffix", "The honorific suffix(es) of the User.")},
        "The components of the user's real name.");

    Attribute password = str("password", "The User's cleartext password.");
    password.mutability = Mutability::WriteOnly;
    password.returned = Returned::Never;

    Attribute addresses = multi(complex(
        "addresses",
        {str("formatted", "The full mailing address."),
         str("streetAddress", "The full street address component."),
         str("locality", "The city or locality component."),
         str("region", "The state or region component."),
         str("postalCode", "The zip code or postal code component."),
         str("country", "The country name component."),
         canonical(str("type", "A label indicating the attribute's function."),
                   {"work", "home", "other"}),
         boolean("primary", "A Boolean value indicating the 'primary' or preferred address.")},
        "A physical mailing address for this User."));

    Attribute groupRef = ref("$ref", {"User", "Group"}, "The URI of the corresponding Group.");
    Attribute groups = readOnly(multi(complex(
        "groups",
        {readOnly(str("value", "The identifier of the User's group.")), readOnly(groupRef),
         readOnly(str("display", "A human-readable name.")),
         readOnly(canonical(str("type", "direct or indirect membership."),
                            {"direct", "indirect"}))},
        "A list of groups to which the user belongs.")));

    Attribute x509 = multiValuedComplex("x509Certificates", "The value of an X.509 certificate.",
                                        {}, "A list of certificates issued to the User.",
                                        AttrType::Binary);

    return Schema{
        std::string(kUserUrn),
        "User",
        "User Account",
        {userName,
         name,
         str("displayName", "The name of the User, suitable for display."),
         str("nickName", "The casual way to address the user."),
         ref("profileUrl", {"external"}, "A fully qualified URL to the User's online profile."),
         str("title", "The user's title."),
         str("userType", "Used to identify the relationship between the organization and the user."),
         str("preferredLanguage", "Indicates the User's preferred written or spoken language."),
         str("locale", "Used to indicate the User's default location."),
         str("timezone", "The User's time zone in the 'Olson' time zone database format."),
         boolean("active", "A Boolean value indicating the User's administrative status."),
         password,
         multiValuedComplex("emails", "Email addresses for the user.", {"work", "home", "other"},
                            "Email addresses for the user."),
         multiValuedComplex("phoneNumbers", "Phone number of the User.",
                            {"work", "home", "mobile", "fax", "pager", "other"},
                            "Phone numbers for the User."),
         multiValuedComplex("ims", "Instant messaging address for the User.",
                            {"aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"},
                            "Instant messaging addresses for the User."),
         multiValuedComplex("photos", "URL of a photo of the User.", {"photo", "thumbnail"},
                            "URLs of photos of the User.", AttrType::Reference),
         addresses,
         groups,
         multiValuedComplex("entitlements", "The value of an entitlement.", {},
                            "A list of entitlements for the User."),
         multiValuedComplex("roles", "The value of a role.", {},
                            "A list of roles for the User."),
         x509}};
}

Schema buildEnterpriseUser() {
    Attribute managerRef = ref("$ref", {"User"}, "The URI of the SCIM resource of the manager.");
    Attribute manager = complex(
        "manager",
        {str("value", "The id of the SCIM resource representing the User's manager."),
         managerRef,
         readOnly(str("displayName", "The displayName of the User's manager."))},
        "The User's manager.");
    return Schema{std::string(kEnterpriseUserUrn),
                  "EnterpriseUser",
                  "Enterprise User",
                  {str("employeeNumber", "Numeric or alphanumeric identifier assigned to a person."),
                   str("costCenter", "Identifies the name of a cost center."),
                   str("organization", "Identifies the name of an organization."),
                   str("division", "Identifies the name of a division."),
                   str("department", "Identifies the name of a department."),
                   manager}};
}

Schema buildGroup() {
    Attribute displayName = str("displayName", "A human-readable name for the Group.");
    displayName.required = true;

    Attribute value = str("value", "Identifier of the member of this Group.");
    value.mutability = Mutability::Immutable;
    value.caseExact = true;
    Attribute memberRef = ref("$ref", {"User", "Group"}, "The URI of the member resource.");
    memberRef.mutability = Mutability::Immutable;
    Attribute type = canonical(str("type", "The type of the member."), {"User", "Group"});
    type.mutability = Mutability::Immutable;
    Attribute members = multi(complex(
        "members", {value, memberRef, str("display", "A human-readable name."), type},
        "A list of members of the Group."));

    return Schema{std::string(kGroupUrn), "Group", "Group", {displayName, members}};
}

const Attribute *findIn(const std::vector<Attribute> &list, std::string_view name) noexcept {
    for (const Attribute &a : list) {
        // The length first, here: most names differ in it (no call).
        if (a.name.size() == name.size() && iequals(a.name, name)) return &a;
    }
    return nullptr;
}

}  // namespace

const Attribute *Attribute::sub(std::string_view n) const noexcept {
    return findIn(subAttributes, n);
}

const Attribute *Schema::find(std::string_view n) const noexcept {
    return findIn(attributes, n);
}

const Schema *ResourceType::schemaByUrn(std::string_view urn) const noexcept {
    if (iequals(schema->id, urn)) return schema;
    for (const SchemaExtension &e : extensions) {
        if (iequals(e.schema->id, urn)) return e.schema;
    }
    return nullptr;
}

const Schema &commonSchema() {
    static const Schema s = buildCommon();
    return s;
}

const Schema &userSchema() {
    static const Schema s = buildUser();
    return s;
}

const Schema &enterpriseUserSchema() {
    static const Schema s = buildEnterpriseUser();
    return s;
}

const Schema &groupSchema() {
    static const Schema s = buildGroup();
    return s;
}

const ResourceType &userResourceType() {
    static const ResourceType rt{"User",         "User", "/Users", "User Account",
                                 &userSchema(), {{&enterpriseUserSchema(), false}}};
    return rt;
}

const ResourceType &groupResourceType() {
    static const ResourceType rt{"Group", "Group", "/Groups", "Group", &groupSchema(), {}};
    return rt;
}

const std::vector<const ResourceType *> &resourceTypes() {
    static const std::vector<const ResourceType *> all{&userResourceType(), &groupResourceType()};
    return all;
}

const std::vector<const Schema *> &schemas() {
    static const std::vector<const Schema *> all{&userSchema(), &enterpriseUserSchema(),
                                                 &groupSchema()};
    return all;
}

namespace {

// Resolves "attr" or "attr.sub" inside one schema.
AttrPath resolveIn(const Schema &schema, std::string_view rest, bool extension) {
    AttrPath p;
    std::string_view head = rest, tail;
    if (auto dot = rest.find('.'); dot != std::string_view::npos) {
        head = rest.substr(0, dot);
        tail = rest.substr(dot + 1);
    }
    const Attribute *a = schema.find(head);
    const Schema *owner = &schema;
    if (!a && !extension) {
        a = commonSchema().find(head);
        owner = &schema;  // common attributes are reported as the core schema's
    }
    if (!a) return p;
    const Attribute *sub = nullptr;
    if (!tail.empty()) {
        sub = a->sub(tail);
        if (!sub) return p;
    }
    p.schema = owner;
    p.attr = a;
    p.subAttr = sub;
    p.extension = extension;
    return p;
}

}  // namespace

AttrPath resolvePath(const ResourceType &rt, std::string_view path) {
    // A URN prefix ends at the last ':' before the attribute name. Try every
    // known schema URN as a prefix, longest first (extensions are longer).
    auto tryUrn = [&](const Schema &s, bool extension) -> std::optional<AttrPath> {
        if (path.size() <= s.id.size() || !istartsWith(path, s.id)) return std::nullopt;
        char sep = path[s.id.size()];
        if (sep != ':' && sep != '.') return std::nullopt;
        return resolveIn(s, path.substr(s.id.size() + 1), extension);
    };
    for (const SchemaExtension &e : rt.extensions) {
        if (auto p = tryUrn(*e.schema, true)) return *p;
    }
    if (auto p = tryUrn(*rt.schema, false)) return *p;
    return resolveIn(*rt.schema, path, false);
}

}  // namespace scim
