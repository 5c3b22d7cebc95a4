// PATCH /Users/{id}: read (or take the worker's remembered copy), apply the
// operations in the core, write back conditionally on the version that was
// read. A concurrent write in between makes the script answer
// "precondition" with the current document; the exchange then applies
// itself again (stored_patch.hpp: PatchRetry), a bounded number of times,
// so no update is lost and none is applied twice.
#include "scim/resource.hpp"
#include "exchanges.hpp"
#include "scim/patch.hpp"
#include "remembered_documents.hpp"
#include "stored_patch.hpp"
#include "user_records.hpp"

namespace scim {

namespace {

std::string joined(const std::vector<std::string> &names) {
    std::string out;
    for (const std::string &n : names) {
        if (!out.empty()) out += ',';
        out += n;
    }
    return out;
}

bool wantsNoContent(const Request &request, const ServiceConfig &config) {
    if (request.prefer.find("return=minimal") != std::string::npos) return true;
    return config.patchResponse == PatchResponse::NoContent;
}

class PatchUser final : public ResourceExchange {
public:
    using ResourceExchange::ResourceExchange;

    Step start() override {
        user_.id = id_;
        auto body = parseJson(request_.body, config_.json);
        if (!body) return errorResponse(body.error());
        body_ = std::move(*body);
        // Okta and Entra GET before they PATCH: the worker may still hold it.
        if (auto kept = rememberedForPatch(request_, config_, DocumentKind::User, user_.id)) {
            return apply({std::move(kept->doc), kept->version, std::move(kept->created),
                          std::move(kept->lastModified), {}},
                         false);
        }
        return read();
    }

    Step onReply(const redisReply &reply) override {
        if (!writing_) return errorResponse(internalError("unexpected reply"));
        return afterWrite(store::readUserWriteReply(reply));
    }

    // The read's batches (UserRead).
    Step onReplies(const std::vector<const redisReply *> &replies) override {
        if (writing_) return errorResponse(internalError("unexpected replies"));
        UserRead::Next next = read_.onReplies(replies);
        if (auto *command = std::get_if<store::Command>(&next)) return std::move(*command);
        return afterRead(std::get<UserRead::Outcome>(std::move(next)));
    }

private:
    store::Command read() {
        writing_ = false;
        return read_.start(request_, config_, user_.id);
    }

    Step afterRead(UserRead::Outcome read) {
        if (read.error) return storeFailure(*read.error);
        if (!read.record) {
            forgetDocument(request_, config_, DocumentKind::User, user_.id);
            return errorResponse(notFound("User " + user_.id + " not found"));
        }
        const store::UserRecord &r = *read.record;
        rememberDocument(request_, config_, DocumentKind::User, user_.id, r.doc, r.version,
                         r.created, r.lastModified);
        return apply(std::move(*read.record), true);
    }

    // `fromRead` false: the record is the worker's remembered copy or what a
    // lost write answered, which may only lead to a conditional write; an
    // error or "nothing to do" is decided again on a fresh read (it needs
    // the groups, and the copy may be stale).
    Step apply(store::UserRecord record, bool fromRead) {
        user_ = storedUserWithGroups(std::move(record), user_.id);
        Step step = applyAndWrite();
        if (!fromRead && std::holds_alternative<Response>(step)) return read();
        return step;
    }

    Step applyAndWrite() {
        JsonDoc doc;
        auto outcome = applyToStored({config_.userType(), user_.id, user_.doc, user_.version},
                                     body_, request_, doc, true);
        if (!outcome) return errorResponse(outcome.error());
        if (!outcome->docChanged && !outcome->password) return respond();
        bool checkExtensions = mustMeetExtensionRequirements(config_.userType(), doc, user_.doc);
        auto write = finishWrite(std::move(doc), outcome->password, config_, checkExtensions);
        if (!write) return errorResponse(write.error());
        write_ = std::move(*write);
        writing_ = true;
        return replaceUserCommand(request_, config_, user_.id, write_,
                                  std::to_string(user_.version), joined(outcome->storedChanges),
                                  !wantsNoContent(request_, config_), true);
    }

    Step afterWrite(store::UserWriteResult result) {
        if (retry_.lostRace(result.outcome)) {
            // Someone wrote in between (or the remembered copy was stale):
            // apply again to the version the refusal carried.
            if (result.current && retry_.retryAtOnce()) return apply(std::move(*result.current), false);
            return retry_.readAgain(read());
        }
        if (result.outcome.kind == store::WriteOutcome::Kind::NotFound) {
            forgetDocument(request_, config_, DocumentKind::User, user_.id);
        }
        if (auto failed = replaceFailure(result.outcome, user_.id, write_.userName)) return *failed;
        readReplaceResult(result, user_);
        user_.doc = std::move(write_.docText);  // the write is done with it
        user_.groups = userGroups(std::move(result.groups));
        rememberDocument(request_, config_, DocumentKind::User, user_.id, user_.doc, user_.version,
                         user_.created, user_.lastModified);
        return respond();
    }

    Response respond() {
        if (!wantsNoContent(request_, config_)) return userResponse(200, user_, request_, config_);
        return noContent(user_.version);
    }

    JsonDoc body_;
    StoredUser user_;
    UserWrite write_;
    bool writing_ = false;
    UserRead read_;
    PatchRetry retry_{request_, config_};
};

}  // namespace

std::unique_ptr<Exchange> patchUser(std::string id, Request r, const ServiceConfig &c) {
    return std::make_unique<PatchUser>(std::move(id), std::move(r), c);
}

}  // namespace scim
