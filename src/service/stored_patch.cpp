#include "stored_patch.hpp"

#include <algorithm>
#include <random>

#include "scim/resource.hpp"


namespace scim {

Expected<patch::Outcome> applyToStored(const StoredDocument &stored, const Json &body,
                                       const Request &request, JsonDoc &doc, bool storedChanges) {
    std::string expected = versionFromEtag(request.ifMatch);
    if (!expected.empty() && expected != std::to_string(stored.version)) {
        return preconditionFailed("If-Match does not match the current version " +
                                  etagFor(stored.version));
    }
    if (noneMatchFails(request.ifNoneMatch, stored.version)) {
        return preconditionFailed("If-None-Match matches the current version " +
                                  etagFor(stored.version));
    }
    doc.Parse(stored.json.data(), stored.json.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        return internalError("stored " + stored.type.name + " " + stored.id +
                             " is not a JSON object");
    }
    patch::Options options{stored.id, 1000};
    options.listChanged = false;
    options.listStoredChanges = storedChanges;
    return patch::apply(doc, body, stored.type, options);
}

bool mustMeetExtensionRequirements(const ResourceType &rt, const Json &patched,
                                   std::string_view storedText) {
    return !checkExtensionRequirements(rt, patched) ||
           storedMeetsExtensionRequirements(rt, storedText);
}

namespace {

// Seeded once per process: concurrent requests must not share a sequence.
std::minstd_rand &jitterSource() {
    static std::minstd_rand source(std::random_device{}());
    return source;
}

}  // namespace

std::optional<unsigned> ContentionBackoff::next() {
    if (left_ <= 0) return std::nullopt;
    unsigned wait = std::uniform_int_distribution<unsigned>(1, ceiling_)(jitterSource());
    // Newcomers back off more and more; a request that has lost many times
    // waits less and less, so it wins before the budget is spent instead of
    // starving behind fresher ones.
    ++attempts_;
    ceiling_ = attempts_ < kPatientAttempts ? std::min(ceiling_ * 2, kMaxCeilingMillis)
                                            : std::max(ceiling_ / 2, 2u);
    left_ -= wait;
    return wait;
}

bool PatchRetry::lostRace(const store::WriteOutcome &write) const {
    return !clientPrecondition_ && write.kind == store::WriteOutcome::Kind::Precondition;
}

bool PatchRetry::retryAtOnce() {
    if (retriedAtOnce_) return false;
    retriedAtOnce_ = true;
    return true;
}

Exchange::Step PatchRetry::readAgain(store::Command read) {
    retriedAtOnce_ = false;
    auto wait = backoff_.next();
    if (!wait) return contendedResponse();
    read.delayMillis = *wait;
    return read;
}

}  // namespace scim
