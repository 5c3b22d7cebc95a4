// What a User and a Group PATCH share: the If-Match check against the
// version read, and the operations applied to the stored document.
#pragma once

#include <cstdint>
#include <string>

#include "scim/patch.hpp"
#include "scim/service.hpp"

namespace scim {

struct StoredDocument {
    const ResourceType &type;
    const std::string &id;
    const std::string &json;  // the canonical document as stored
    uint64_t version;
};

// Fills `doc` with the patched document. 412 when `ifMatch` names another
// version; the PATCH engine's errors otherwise.
Expected<patch::Outcome> applyToStored(const StoredDocument &stored, const Json &body,
                                       const std::string &ifMatch, JsonDoc &doc);

}  // namespace scim
