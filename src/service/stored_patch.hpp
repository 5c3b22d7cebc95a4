// What a User and a Group PATCH share: the If-Match check against the
// version read, and the operations applied to the stored document.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "scim/patch.hpp"
#include "scim/service/service.hpp"

namespace scim {

struct StoredDocument {
    const ResourceType &type;
    const std::string &id;
    const std::string &json;  // the canonical document as stored
    uint64_t version;
};

// Fills `doc` with the patched document. 412 when If-Match names another
// version or If-None-Match the current one; the PATCH engine's errors
// otherwise.
Expected<patch::Outcome> applyToStored(const StoredDocument &stored, const Json &body,
                                       const Request &request, JsonDoc &doc);

// A PATCH that lost the compare-and-set race to a concurrent writer starts
// over after a random wait (full jitter, the ceiling doubling from 2 ms to
// 64 ms, then shrinking again for a request that keeps losing), so that the
// writers spread out instead of colliding again, until the waits add up to
// the budget. The edge does the waiting (an nginx timer,
// store::Command::delayMillis); the exchange stays free of I/O.
class ContentionBackoff {
public:
    explicit ContentionBackoff(int64_t budgetMillis) : left_(budgetMillis) {}
    // The wait before the next attempt, or nullopt once the budget is spent.
    std::optional<unsigned> next();

private:
    static constexpr unsigned kMaxCeilingMillis = 64;
    static constexpr unsigned kPatientAttempts = 12;
    int64_t left_;
    unsigned ceiling_ = 2;
    unsigned attempts_ = 0;
};

}  // namespace scim
