// POST, GET, PUT, DELETE of /Users/{id} and the plain /Users list.
#include <algorithm>

#include "scim/ids.hpp"
#include "scim/query_string.hpp"
#include "scim/resource.hpp"
#include "scim/store/reply.hpp"
#include "scim/store/scripts.hpp"
#include "scim/store/user_index.hpp"
#include "scim/strings.hpp"
#include "list_exchange.hpp"
#include "role_context.hpp"
#include "user_records.hpp"

namespace scim {

namespace {

using store::textAt;

class CreateUser final : public RequestExchange {
public:
    using RequestExchange::RequestExchange;

    Step start() override {
        if (auto refused = replacePreconditionRefusal(request_)) return errorResponse(*refused);
        auto write = prepareWrite(request_, config_);
        if (!write) return errorResponse(write.error());
        write_ = std::move(*write);
        user_.id = newResourceId();
        user_.doc = write_.docText;
        std::string now = formatTimestamp(request_.nowMillis);
        auto keys = keysFor(request_, config_);
        return store::scriptCall(
            store::createUserScript(), store::userWriteKeys(keys, user_.id),
            {user_.id, lower(write_.userName), write_.userName, write_.docText, now,
             write_.passwordHash, activeFlag(write_.doc), request_.tokenName,
             std::to_string(config_.eventsMaxLen), std::to_string(request_.nowMillis),
             store::userIndexEntries(write_.doc, user_.id,
                                     uniqueIndexes(keys, config_, config_.userType())),
             claimedKeyArg(request_, config_),
             roleContextArg(request_, config_)});
    }

    Step onReply(const redisReply &reply) override {
        std::string_view status = textAt(reply, 0);
        if (auto taken = uniqueValueConflict(reply)) return *taken;
        if (status == "uniqueness") return uniquenessConflict(write_.userName);
        if (status == "claimed") return claimedConflict(reply);
        if (status != "ok") return storeFailure(store::text(reply));
        user_.version = 1;
        user_.created = std::string(textAt(reply, 2));
        user_.lastModified = std::string(textAt(reply, 3));
        return userResponse(201, user_, request_, config_);
    }

private:
    UserWrite write_;
    StoredUser user_;
};

class GetUser final : public ResourceExchange {
public:
    using ResourceExchange::ResourceExchange;

    Step start() override { return readUserCommand(request_, config_, id_); }

    Step onReply(const redisReply &reply) override {
        if (store::isError(reply)) return storeFailure(store::text(reply));
        auto user = storedUserWithGroups(reply, id_);
        if (!user) return errorResponse(notFound("User " + id_ + " not found"));
        if (auto unchanged = notModified(request_, user->version)) return *unchanged;
        return userResponse(200, *user, request_, config_);
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
        if (auto failed = replaceFailure(reply, user_.id, write_.userName)) return *failed;
        readReplaceResult(reply, user_);
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
        auto keys = keysFor(request_, config_);
        // The user leaves its groups in the same script.
        bool soft = config_.userDelete == UserDelete::Soft;
        return store::scriptCall(
            store::deleteUserScript(), store::userDeleteKeys(keys, id_),
            {id_, versionFromEtag(request_.ifMatch), formatTimestamp(request_.nowMillis),
             request_.tokenName, std::to_string(config_.eventsMaxLen), keys.groupKeyPrefix(),
             std::to_string(request_.nowMillis), soft ? "soft" : "hard",
             roleContextArg(request_, config_)});
    }

    Step onReply(const redisReply &reply) override {
        std::string_view status = textAt(reply, 0);
        if (status == "notfound") return errorResponse(notFound("User " + id_ + " not found"));
        if (status == "precondition") {
            return errorResponse(preconditionFailed("If-Match does not match the current version"));
        }
        if (status != "ok") return storeFailure(store::text(reply));
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
