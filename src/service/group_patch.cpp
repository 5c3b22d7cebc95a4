// PATCH /Groups/{id}: read the group document (never its members) or take
// the worker's remembered copy, apply
// the operations in the core, and send the script the new document and the
// membership change. Member adds and removes are deltas the script applies
// in O(1) per member, so a membership-only PATCH needs no check and
// concurrent ones never conflict. A document change is written only if the
// stored document is still the one it was derived from; a concurrent change
// of the document makes the script answer the current one, and the exchange
// applies itself again (stored_patch.hpp: PatchRetry), a bounded number of
// times.
#include "scim/resource.hpp"
#include "group_records.hpp"
#include "synthetic_groups.hpp"
#include "remembered_documents.hpp"
#include "stored_patch.hpp"
#include "scim/query_string.hpp"

namespace scim {

namespace {

// Groups answer 204 unless configured or asked otherwise: Prefer
// return=representation, or attributes/excludedAttributes on the query.
bool wantsResource(const Request &request, const ServiceConfig &config) {
    if (request.prefer.find("return=minimal") != std::string::npos) return false;
    if (request.prefer.find("return=representation") != std::string::npos) return true;
    if (config.patchResponse != PatchResponse::Auto) {
        return config.patchResponse == PatchResponse::Resource;
    }
    static constexpr std::string_view kNames[] = {"attributes", "excludedattributes"};
    std::optional<std::string> asked[2];  // present, even with no value
    queryParams(request.query, kNames, asked, 2);
    return asked[0] || asked[1];
}

class PatchGroup final : public ResourceExchange {
public:
    using ResourceExchange::ResourceExchange;

    Step start() override {
        group_.id = id_;
        auto projection = requestedProjection(request_);
        if (!projection) return errorResponse(projection.error());
        cap_ = wantsResource(request_, config_) ? memberCap(config_, membersWanted(*projection))
                                                : -1;
        if (auto refused = memberCountRefusal(request_.body, config_)) {
            return errorResponse(*refused);
        }
        auto body = parseJson(request_.body, config_.json);
        if (!body) return errorResponse(body.error());
        body_ = std::move(*body);
        if (auto kept = rememberedForPatch(request_, config_, DocumentKind::Group, group_.id)) {
            store::GroupRecord record{std::move(kept->doc), kept->version,
                                      std::move(kept->created), std::move(kept->lastModified), {}};
            return apply(std::move(record), false);
        }
        return read();
    }

    Step onReply(const redisReply &reply) override {
        switch (phase_) {
        case Phase::Read: return afterRead(reply);
        case Phase::Write: return afterWrite(reply);
        case Phase::Render: return afterRender(reply);
        }
        return storeFailure("unexpected phase");
    }

private:
    enum class Phase { Read, Write, Render };

    store::Command read() {
        phase_ = Phase::Read;
        return readGroupCommand(request_, config_, group_.id, false);
    }

    Step afterRead(const redisReply &reply) {
        auto read = store::readGroupHeadReply(reply);
        if (read.error) return storeFailure(*read.error);
        if (!read.record) {
            forgetDocument(request_, config_, DocumentKind::Group, group_.id);
            return errorResponse(notFound("Group " + group_.id + " not found"));
        }
        remember(*read.record);
        return apply(std::move(*read.record), true);
    }

    // `fromRead` false: the record is the worker's remembered copy or what a
    // lost write answered, which may only lead to a conditional write; an
    // error or "nothing to do" is decided again on a fresh read (the copy
    // may be stale).
    Step apply(store::GroupRecord record, bool fromRead) {
        group_ = storedGroup(std::move(record), std::move(group_.id));
        JsonDoc doc;
        auto outcome = applyToStored({config_.groupType(), group_.id, group_.doc, group_.version},
                                     body_, request_, doc, false);
        if (!fromRead && (!outcome || (!outcome->docChanged && outcome->members.empty()))) {
            return read();
        }
        if (!outcome) return errorResponse(outcome.error());
        if (!outcome->docChanged && outcome->members.empty()) return respondUnchanged();
        Step step = write(std::move(doc), *outcome, versionFromEtag(request_.ifMatch));
        if (!fromRead && std::holds_alternative<Response>(step)) return read();
        return step;
    }

    void remember(const store::GroupRecord &g) {
        rememberDocument(request_, config_, DocumentKind::Group, group_.id, g.doc, g.version,
                         g.created, g.lastModified);
    }

    Step write(JsonDoc doc, const patch::Outcome &outcome, const std::string &ifMatch) {
        std::optional<GroupWrite> written;
        if (outcome.docChanged) {
            bool checkExtensions =
                mustMeetExtensionRequirements(config_.groupType(), doc, group_.doc);
            auto w = finishGroupWrite(std::move(doc), config_, checkExtensions);
            if (!w) return errorResponse(w.error());
            if (auto refused =
                    syntheticGroupRefusal(request_, config_, group_.id, &w->displayName)) {
                return errorResponse(*refused);
            }
            written = std::move(*w);
            displayName_ = written->displayName;
        }
        // Only a document change depends on what was read, and only on the
        // document: membership changes in between do not conflict with it.
        GroupPreconditions expected{ifMatch, outcome.docChanged ? group_.doc : ""};
        phase_ = Phase::Write;
        return updateGroupCommand(request_, config_, group_.id, written ? &*written : nullptr,
                                  outcome.members, expected, cap_);
    }

    Step afterWrite(const redisReply &reply) {
        // Someone wrote in between: apply again to the new version.
        auto result = store::readGroupWriteReply(reply);
        if (retry_.lostRace(result.outcome)) {
            // Someone wrote in between (or the remembered copy was stale):
            // apply again to the document the refusal carried.
            if (result.current && retry_.retryAtOnce()) return apply(std::move(*result.current), false);
            return retry_.readAgain(read());
        }
        if (result.outcome.kind == store::WriteOutcome::Kind::NotFound) {
            forgetDocument(request_, config_, DocumentKind::Group, group_.id);
        }
        if (result.outcome.ok()) remember(result.group);
        if (auto failed = takeGroupWrite(std::move(result), group_, displayName_)) return *failed;
        return respond();
    }

    // Nothing to write; a 200 still needs the members.
    Step respondUnchanged() {
        if (cap_ < 0) return respond();
        phase_ = Phase::Render;
        return readGroupCommand(request_, config_, group_.id, true);
    }

    Step afterRender(const redisReply &reply) {
        auto read = store::readGroupReply(reply);
        if (read.error) return storeFailure(*read.error);
        if (!read.record) return errorResponse(notFound("Group " + group_.id + " not found"));
        group_ = storedGroup(std::move(*read.record), std::move(group_.id));
        return respond();
    }

    Response respond() {
        if (wantsResource(request_, config_)) return groupResponse(200, group_, request_, config_);
        return noContent(group_.version);
    }

    JsonDoc body_;
    StoredGroup group_;
    std::string displayName_;
    long long cap_ = -1;
    Phase phase_ = Phase::Read;
    PatchRetry retry_{request_, config_};
};

}  // namespace

std::unique_ptr<Exchange> patchGroup(std::string id, Request r, const ServiceConfig &c) {
    return std::make_unique<PatchGroup>(std::move(id), std::move(r), c);
}

}  // namespace scim
