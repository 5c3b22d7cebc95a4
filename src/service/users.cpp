// POST, GET, PUT, DELETE of /Users/{id} and the plain /Users list.
#include <algorithm>

#include "scim/ids.hpp"
#include "scim/query_string.hpp"
#include "scim/resource.hpp"
#include "scim/store/user_scripts.hpp"
#include "list_exchange.hpp"
#include "remembered_documents.hpp"
#include "role_context.hpp"
#include "user_records.hpp"

namespace scim {

namespace {

class CreateUser final : public RequestExchange {
public:
    using RequestExchange::RequestExchange;

    Step start() override {
        if (auto refused = replacePreconditionRefusal(request_)) return errorResponse(*refused);
        auto write = prepareWrite(request_, config_);
        if (!write) return errorResponse(write.error());
        write_ = std::move(*write);
        user_.id = newResourceId();
        store::UserFields fields = userFields(request_, config_, user_.id, write_);
        user_.doc = std::move(write_.docText);  // the command has its copy
        // A create's only role work is the default role: without one the
        // script needs no context (and Redis decodes none).
        std::string roles =
            config_.roles.defaultRole.empty() ? std::string() : roleContextArg(request_, config_);
        return store::createUser(keysFor(request_, config_),
                                 {std::move(fields), writeStamp(request_, config_),
                                  std::move(roles)});
    }

    Step onReply(const redisReply &reply) override {
        using Kind = store::WriteOutcome::Kind;
        store::UserWriteResult result = store::readUserWriteReply(reply);
        switch (result.outcome.kind) {
        case Kind::Ok: break;
        case Kind::Uniqueness:
            if (auto taken = uniqueValueConflict(result.outcome)) return *taken;
            return uniquenessConflict(write_.userName);
        case Kind::Claimed: return claimedConflict(result.outcome);
        default: return storeFailure(result.outcome.error);
        }
        user_.version = 1;
        user_.created = result.created;
        user_.lastModified = result.lastModified;
        return userResponse(201, user_, request_, config_);
    }

private:
    UserWrite write_;
    StoredUser user_;
};

class GetUser final : public ResourceExchange {
public:
    using ResourceExchange::ResourceExchange;

    Step start() override { return read_.start(request_, config_, id_); }

    Step onReply(const redisReply &) override {
        return errorResponse(internalError("unexpected reply"));
    }

    Step onReplies(const std::vector<const redisReply *> &replies) override {
        UserRead::Next next = read_.onReplies(replies);
        if (auto *command = std::get_if<store::Command>(&next)) return std::move(*command);
        return answer(std::get<UserRead::Outcome>(std::move(next)));
    }

private:
    UserRead read_;

    Step answer(UserRead::Outcome read) {
        if (read.error) return storeFailure(*read.error);
        if (!read.record) {
            forgetDocument(request_, config_, DocumentKind::User, id_);
            return errorResponse(notFound("User " + id_ + " not found"));
        }
        auto user = storedUserWithGroups(std::move(*read.record), id_);
        rememberDocument(request_, config_, DocumentKind::User, id_, user.doc, user.version,
                         user.created, user.lastModified);
        if (auto unchanged = notModified(request_, user.version)) return *unchanged;
        return userResponse(200, user, request_, config_);
    }
};

class ReplaceUser final : public ResourceExchange {
public:
    using ResourceExchange::ResourceExchange;

    Step start() override {
        user_.id = id_;
        if (auto refused = replacePreconditionRefusal(request_)) return errorResponse(*refused);
        auto write = prepareWrite(request_, config_);
        if (!write) return errorResponse(write.error());
        write_ = std::move(*write);
        user_.doc = write_.docText;
        // The script finds what changed in the document; a password is not in it.
        return replaceUserCommand(request_, config_, user_.id, write_,
                                  versionFromEtag(request_.ifMatch),
                                  write_.passwordSent ? "password" : "");
    }

    Step onReply(const redisReply &reply) override {
        store::UserWriteResult result = store::readUserWriteReply(reply);
        if (auto failed = replaceFailure(result.outcome, user_.id, write_.userName)) return *failed;
        readReplaceResult(result, user_);
        rememberDocument(request_, config_, DocumentKind::User, user_.id, user_.doc, user_.version,
                         user_.created, user_.lastModified);
        return userResponse(200, user_, request_, config_);
    }

private:
    UserWrite write_;
    StoredUser user_;
};

class DeleteUser final : public ResourceExchange {
public:
    using ResourceExchange::ResourceExchange;

    Step start() override {
        // The user leaves its groups in the same script.
        return store::deleteUser(keysFor(request_, config_),
                                 {id_, versionFromEtag(request_.ifMatch),
                                  config_.userDelete == UserDelete::Soft,
                                  writeStamp(request_, config_), roleContextArg(request_, config_)});
    }

    Step onReply(const redisReply &reply) override {
        using Kind = store::WriteOutcome::Kind;
        store::WriteOutcome outcome = store::readWriteOutcome(reply);
        forgetDocument(request_, config_, DocumentKind::User, id_);
        if (outcome.kind == Kind::NotFound) {
            return errorResponse(notFound("User " + id_ + " not found"));
        }
        if (outcome.kind == Kind::Precondition) {
            return errorResponse(preconditionFailed("If-Match does not match the current version"));
        }
        if (!outcome.ok()) return storeFailure(outcome.error);
        Response r;
        r.status = 204;
        return r;
    }
};

}  // namespace

std::unique_ptr<Exchange> createUser(Request r, const ServiceConfig &c) {
    return std::make_unique<CreateUser>(std::move(r), c);
}
std::unique_ptr<Exchange> getUser(std::string id, Request r, const ServiceConfig &c) {
    return std::make_unique<GetUser>(std::move(id), std::move(r), c);
}
std::unique_ptr<Exchange> replaceUser(std::string id, Request r, const ServiceConfig &c) {
    return std::make_unique<ReplaceUser>(std::move(id), std::move(r), c);
}
std::unique_ptr<Exchange> deleteUser(std::string id, Request r, const ServiceConfig &c) {
    return std::make_unique<DeleteUser>(std::move(id), std::move(r), c);
}
std::unique_ptr<Exchange> listUsers(Request r, const ServiceConfig &c, bool search) {
    Collection users = usersCollection(r, c);
    return queryExchange(std::move(users), std::move(r), c, search);
}

}  // namespace scim
