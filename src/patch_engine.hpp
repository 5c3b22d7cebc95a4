// Applies PATCH operations, one at a time, to a working copy of the
// canonical document (RFC 7644 §3.5.2.1-3). The caller owns the copy and
// keeps or drops it as a whole, which makes a request all or nothing.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "patch_path.hpp"
#include "patch_request.hpp"
#include "patch_status.hpp"
#include "scim/json.hpp"
#include "scim/patch.hpp"
#include "scim/schema.hpp"

namespace scim::patch {

class Engine {
public:
    Engine(JsonDoc &work, const ResourceType &rt, const Options &opts, Outcome &out)
        : doc_(work), alloc_(work.GetAllocator()), rt_(rt), opts_(opts), out_(out) {}

    Status apply(const Operation &op);

    // Drops extension objects that the operations emptied.
    void finish();

private:
    // patch_engine.cpp: dispatch, path-less values, password.
    Status applyPathless(OpKind kind, const Json *value, const Schema *scope);
    Status applyPathlessKey(OpKind kind, std::string_view key, const Json &value,
                            const Schema *scope);
    Status applyAt(OpKind kind, const PatchPath &p, const Json *value);
    Status applyExtension(OpKind kind, const Schema &ext, const Json *value);
    Status applyPassword(OpKind kind, const Json *value);

    // patch_attribute.cpp: a whole attribute, or a sub-attribute of a
    // single-valued complex one.
    Status applyWhole(OpKind kind, const PatchPath &p, const Json &value);
    Status setSimple(OpKind kind, const PatchPath &p, const Json &value);
    Status mergeComplex(OpKind kind, const PatchPath &p, const Json &value);
    Status setMultiValued(OpKind kind, const PatchPath &p, const Json &value);
    Status removeWhole(const PatchPath &p, const Json *value);
    Status removeByValue(const PatchPath &p, const Json &value);
    Status applySub(OpKind kind, const PatchPath &p, const Json *value);
    Status writeSub(Json &object, const Attribute &sub, Json value);
    Status unsetAttribute(const PatchPath &p);

    // patch_elements.cpp: elements of a multi-valued attribute chosen by a
    // filter (or all of them, for `emails.type`).
    Status applyToElements(OpKind kind, const PatchPath &p, const Json *value);
    Status removeElements(const PatchPath &p, Json &array, const std::vector<size_t> &chosen);
    Status writeElements(OpKind kind, const PatchPath &p, const Json &value, Json &array,
                         const std::vector<size_t> &chosen);
    Status createElement(const PatchPath &p, const Json &value);
    Expected<Json> elementValue(const PatchPath &p, const Json &value);
    void keepFilterTerms(const PatchPath &p, const Json &old, Json &replacement);
    std::vector<size_t> chosenElements(const PatchPath &p, const Json *array) const;

    // Where `p`'s attribute lives: the document, or doc[<extension URN>].
    // With create, a missing extension object is added.
    Json *container(const PatchPath &p, bool create);
    Json *attributeValue(const PatchPath &p);

    JsonDoc &doc_;
    JsonAlloc &alloc_;
    const ResourceType &rt_;
    const Options &opts_;
    Outcome &out_;
};

}  // namespace scim::patch
