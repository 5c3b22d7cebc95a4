#include "stored_patch.hpp"

#include "exchanges.hpp"

namespace scim {

Expected<patch::Outcome> applyToStored(const StoredDocument &stored, const Json &body,
                                       const std::string &ifMatch, JsonDoc &doc) {
    std::string expected = versionFromEtag(ifMatch);
    if (!expected.empty() && expected != std::to_string(stored.version)) {
        return preconditionFailed("If-Match does not match the current version " +
                                  etagFor(stored.version));
    }
    doc.Parse(stored.json.data(), stored.json.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        return internalError("stored " + stored.type.name + " " + stored.id +
                             " is not a JSON object");
    }
    return patch::apply(doc, body, stored.type, patch::Options{stored.id, 1000});
}

}  // namespace scim
