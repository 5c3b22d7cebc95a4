// PATCH /Users/{id}: read, apply the operations in the core, write back
// conditionally on the version that was read. A concurrent write in between
// makes the script answer "precondition"; the exchange then starts over, a
// bounded number of times, so no update is lost and none is applied twice.
#include "scim/resource.hpp"
#include "exchanges.hpp"
#include "scim/patch.hpp"
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
        return read();
    }

    Step onReply(const redisReply &reply) override {
        return writing_ ? afterWrite(store::readUserWriteReply(reply))
                        : afterRead(store::readUserReply(reply));
    }

private:
    store::Command read() {
        writing_ = false;
        return readUserCommand(request_, config_, user_.id);
    }

    Step afterRead(store::ReadOutcome<store::UserRecord> read) {
        if (read.error) return storeFailure(*read.error);
        if (!read.record) return errorResponse(notFound("User " + user_.id + " not found"));
        user_ = storedUserWithGroups(std::move(*read.record), user_.id);
        JsonDoc doc;
        auto outcome = applyToStored({config_.userType(), user_.id, user_.doc, user_.version},
                                     body_, request_, doc);
        if (!outcome) return errorResponse(outcome.error());
        if (!outcome->docChanged && !outcome->password) return respond();
        auto write = finishWrite(std::move(doc), outcome->password, config_,
                                 storedMeetsExtensionRequirements(config_.userType(), user_.doc));
        if (!write) return errorResponse(write.error());
        write_ = std::move(*write);
        writing_ = true;
        return replaceUserCommand(request_, config_, user_.id, write_,
                                  std::to_string(user_.version), joined(outcome->changedAttributes));
    }

    Step afterWrite(const store::UserWriteResult &result) {
        // Someone wrote in between: apply again to the new version.
        if (retry_.lostRace(result.outcome)) return retry_.readAgain(read());
        if (auto failed = replaceFailure(result.outcome, user_.id, write_.userName)) return *failed;
        readReplaceResult(result, user_);
        user_.doc = write_.docText;
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
    PatchRetry retry_{request_, config_};
};

}  // namespace

std::unique_ptr<Exchange> patchUser(std::string id, Request r, const ServiceConfig &c) {
    return std::make_unique<PatchUser>(std::move(id), std::move(r), c);
}

}  // namespace scim
