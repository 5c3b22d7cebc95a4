// The schema model (RFC 7643 §2, §7): attribute descriptors for the core
// User, the Enterprise User extension and Group. Everything that validates,
// filters, patches or projects resources asks this model, so attribute names
// are compared case-insensitively in one place.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace scim {

enum class AttrType { String, Boolean, Decimal, Integer, DateTime, Binary, Reference, Complex };
enum class Mutability { ReadOnly, ReadWrite, Immutable, WriteOnly };
enum class Returned { Always, Never, Default, Request };
enum class Uniqueness { None, Server, Global };

struct Attribute {
    std::string name;
    AttrType type = AttrType::String;
    bool multiValued = false;
    bool required = false;
    bool caseExact = false;
    Mutability mutability = Mutability::ReadWrite;
    Returned returned = Returned::Default;
    Uniqueness uniqueness = Uniqueness::None;
    std::string description;
    std::vector<std::string> canonicalValues;
    std::vector<std::string> referenceTypes;
    std::vector<Attribute> subAttributes;

    // Case-insensitive look-up of a sub-attribute; nullptr when unknown.
    const Attribute *sub(std::string_view name) const noexcept;
    bool isComplex() const noexcept { return type == AttrType::Complex; }
};

struct Schema {
    std::string id;  // the URN
    std::string name;
    std::string description;
    std::vector<Attribute> attributes;

    const Attribute *find(std::string_view name) const noexcept;
};

struct SchemaExtension {
    const Schema *schema;
    bool required;
};

struct ResourceType {
    std::string id;        // "User"
    std::string name;      // "User"
    std::string endpoint;  // "/Users"
    std::string description;
    const Schema *schema;
    std::vector<SchemaExtension> extensions;

    // The schema (core or extension) whose URN is `urn`, case-insensitively.
    const Schema *schemaByUrn(std::string_view urn) const noexcept;
};

// Common attributes present on every resource (id, externalId, meta).
const Schema &commonSchema();
const Schema &userSchema();
const Schema &enterpriseUserSchema();
const Schema &groupSchema();
const ResourceType &userResourceType();
const ResourceType &groupResourceType();
const std::vector<const ResourceType *> &resourceTypes();
const std::vector<const Schema *> &schemas();

// A resolved attribute path: `name.givenName`,
// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`,
// the dotted URN form `…:User.manager`, `meta.created`, `id`.
struct AttrPath {
    const Schema *schema = nullptr;      // schema that owns `attr`
    const Attribute *attr = nullptr;     // top-level attribute
    const Attribute *subAttr = nullptr;  // sub-attribute, if any
    bool extension = false;              // attr lives under the schema URN key
};

// Splits an optional schema URN prefix off `path` and resolves the rest
// against `rt`. Returns an AttrPath with attr == nullptr when unknown.
AttrPath resolvePath(const ResourceType &rt, std::string_view path);

// Constants.
inline constexpr std::string_view kUserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr std::string_view kGroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";
inline constexpr std::string_view kEnterpriseUserUrn =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr std::string_view kErrorUrn = "urn:ietf:params:scim:api:messages:2.0:Error";
inline constexpr std::string_view kListResponseUrn =
    "urn:ietf:params:scim:api:messages:2.0:ListResponse";
inline constexpr std::string_view kPatchOpUrn = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
inline constexpr std::string_view kSearchRequestUrn =
    "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

}  // namespace scim
