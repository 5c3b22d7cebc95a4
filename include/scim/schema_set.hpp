// The schemas one SCIM location serves: the core User and Group resource
// types with the Enterprise User extension, plus the operator's own
// extensions (scim_schema_extension, docs/extensions.md). Built once at
// configuration time and shared, immutable, by every request of the
// location. The core schemas stay the process-wide objects of schema.hpp,
// so code that recognises a core attribute by its address keeps working.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scim/schema.hpp"

namespace scim {

// Which resource type an extension extends.
enum class ExtendedType { User, Group };

// One operator-declared extension, as the loader read it.
struct DeclaredExtension {
    Schema schema;
    ExtendedType extends = ExtendedType::User;
    bool required = false;     // the resource must carry the extension
    std::string source;        // the file, for error messages
};

// A top-level attribute whose values are unique per tenant
// (`uniqueness: server`), enforced by the write scripts.
struct UniqueAttribute {
    const Schema *schema;
    const Attribute *attr;
    std::string path() const { return schema->id + ":" + attr->name; }
};

class SchemaSet {
public:
    // The core schemas only: what a location without extensions serves.
    static std::shared_ptr<const SchemaSet> builtin();

    // The core schemas plus `extensions`, in order. Fails with a message
    // naming the files when two extensions clash (same or nested URN).
    static std::shared_ptr<const SchemaSet> build(std::vector<DeclaredExtension> extensions,
                                                  std::string &error);

    SchemaSet(const SchemaSet &) = delete;
    SchemaSet &operator=(const SchemaSet &) = delete;

    const ResourceType &user() const { return user_; }
    const ResourceType &group() const { return group_; }
    const std::vector<const ResourceType *> &resourceTypes() const { return types_; }
    const std::vector<const Schema *> &schemas() const { return schemas_; }
    // Operator extension attributes with `uniqueness: server`.
    const std::vector<UniqueAttribute> &unique(const ResourceType &rt) const {
        return &rt == &group_ ? groupUnique_ : userUnique_;
    }
    bool hasExtensions() const { return !declared_.empty(); }

private:
    SchemaSet();
    void attach(const DeclaredExtension &e);

    std::vector<std::unique_ptr<DeclaredExtension>> declared_;  // stable addresses
    ResourceType user_;
    ResourceType group_;
    std::vector<const ResourceType *> types_;
    std::vector<const Schema *> schemas_;
    std::vector<UniqueAttribute> userUnique_;
    std::vector<UniqueAttribute> groupUnique_;
};

// Parses one SCIM Schema resource (RFC 7643 §7) as an operator extension.
// The schema's `id` says what it extends: a URN ending in ":User" or
// ":Group". Returns nullopt and sets `error` (lowercase, no file name) for
// invalid JSON, a missing or clashing URN, an unknown type or
// characteristic, a duplicate attribute, or a combination the module
// cannot honour.
std::optional<DeclaredExtension> parseSchemaExtension(std::string_view text, std::string &error);

// Reads and parses the file at `path` (at most 1 MiB); `required` and the
// path are recorded in the result.
std::optional<DeclaredExtension> loadSchemaExtension(const std::string &path, bool required,
                                                     std::string &error);

}  // namespace scim
