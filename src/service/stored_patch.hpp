// What a User and a Group PATCH share: the If-Match check against the
// version read, the operations applied to the stored document, and the
// retry of a write that lost a race.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "exchanges.hpp"
#include "scim/patch.hpp"
#include "scim/store/write_outcome.hpp"

namespace scim {

struct StoredDocument {
    const ResourceType &type;
    const std::string &id;
    const std::string &json;  // the canonical document as stored
    uint64_t version;
};

// Fills `doc` with the patched document. 412 when If-Match names another
// version or If-None-Match the current one; the PATCH engine's errors
// otherwise. `storedChanges`: fill Outcome::storedChanges (a user's change
// event needs it; Outcome::changedAttributes is never filled here).
Expected<patch::Outcome> applyToStored(const StoredDocument &stored, const Json &body,
                                       const Request &request, JsonDoc &doc, bool storedChanges);

// Whether a patched document must meet the extensions' requirements: when
// it does, the answer does not matter; when it does not, only if the
// stored one did (a user or group stored before they applied may still be
// patched). So the stored text is parsed again only for a failing PATCH.
bool mustMeetExtensionRequirements(const ResourceType &rt, const Json &patched,
                                   std::string_view storedText);

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

// The compare-and-set loop of a PATCH: read (or take the worker's
// remembered copy), apply, write conditionally on what was read. A write
// refused as "precondition" when the client sent no If-Match lost the race
// to a concurrent writer, or started from a stale remembered copy (the
// refusal is the client's 412 otherwise). The refusal carries the current
// document: the exchange applies itself to it at once, without a read. A
// second loss in a row is contention: the exchange reads again after a
// backoff wait (the document it holds is stale by then), or answers 503
// (contendedResponse) once the budget is spent.
class PatchRetry {
public:
    PatchRetry(const Request &request, const ServiceConfig &config)
        : clientPrecondition_(!request.ifMatch.empty()), backoff_(config.contentionBudgetMillis) {}
    bool lostRace(const store::WriteOutcome &write) const;
    // After a lost race: true when the exchange should apply itself again
    // at once to the document the refusal carried; false when it should
    // readAgain.
    bool retryAtOnce();
    // `read` again, delayed by the next wait; or the 503.
    Exchange::Step readAgain(store::Command read);

private:
    bool clientPrecondition_;
    bool retriedAtOnce_ = false;
    ContentionBackoff backoff_;
};

}  // namespace scim
