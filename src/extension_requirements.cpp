// Required extensions and required extension attributes (RFC 7643 §3.3,
// §7), checked on the canonical document every write produces. The core
// schemas' own requirements (userName, displayName) are checked where the
// document is built.
#include "scim/resource.hpp"

#include "coerce.hpp"

namespace scim {

namespace {

// Required sub-attributes of one complex value.
std::optional<Error> checkElement(const Attribute &a, const Json &element,
                                  const std::string &path) {
    if (!element.IsObject()) return std::nullopt;
    for (const Attribute &sub : a.subAttributes) {
        if (sub.required && !findMember(element, sub.name)) {
            return invalidAttribute(path + "." + sub.name, "is required");
        }
    }
    return std::nullopt;
}

std::optional<Error> checkAttribute(const Attribute &a, const Json *value,
                                    const std::string &path) {
    if (!value) {
        if (a.required) return invalidAttribute(path, "is required");
        return std::nullopt;
    }
    if (!a.isComplex()) return std::nullopt;
    if (!value->IsArray()) return checkElement(a, *value, path);
    for (const Json &element : value->GetArray()) {
        if (auto failure = checkElement(a, element, path)) return failure;
    }
    return std::nullopt;
}

}  // namespace

std::optional<Error> checkExtensionRequirements(const ResourceType &rt, const Json &doc) {
    for (const SchemaExtension &e : rt.extensions) {
        const Json *ext = findMember(doc, e.schema->id);
        if (!ext || !ext->IsObject() || ext->ObjectEmpty()) {
            if (e.required) {
                return invalidValue("the extension '" + e.schema->id + "' is required");
            }
            continue;
        }
        for (const Attribute &a : e.schema->attributes) {
            if (auto failure =
                    checkAttribute(a, findMember(*ext, a.name), e.schema->id + ":" + a.name)) {
                return failure;
            }
        }
    }
    return std::nullopt;
}

bool storedMeetsExtensionRequirements(const ResourceType &rt, std::string_view docText) {
    JsonDoc doc;
    doc.Parse(docText.data(), docText.size());
    return !doc.HasParseError() && doc.IsObject() && !checkExtensionRequirements(rt, doc);
}

}  // namespace scim
