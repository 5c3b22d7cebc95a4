// POST, GET, PUT, DELETE of /Users/{id} and the plain /Users list.
#include <algorithm>

#include "scim/ids.hpp"
#include "scim/query.hpp"
#include "scim/resource.hpp"
#include "scim/store/reply.hpp"
#include "scim/store/scripts.hpp"
#include "scim/store/user_index.hpp"
#include "scim/strings.hpp"
#include "user_store.hpp"

namespace scim {

namespace {

using store::textAt;

class CreateUser final : public Exchange {
public:
    CreateUser(Request r, const ServiceConfig &c) : request_(std::move(r)), config_(c) {}

    Step start() override {
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
             store::userIndexEntries(write_.doc, user_.id)});
    }

    Step onReply(const redisReply &reply) override {
        std::string_view status = textAt(reply, 0);
        if (status == "uniqueness") return uniquenessConflict(write_.userName);
        if (status != "ok") return storeFailure(store::text(reply));
        user_.version = 1;
        user_.created = std::string(textAt(reply, 2));
        user_.lastModified = std::string(textAt(reply, 3));
        return userResponse(201, user_, request_);
    }

private:
    Request request_;
    const ServiceConfig &config_;
    UserWrite write_;
    StoredUser user_;
};

class GetUser final : public Exchange {
public:
    GetUser(std::string id, Request r, const ServiceConfig &c)
        : id_(std::move(id)), request_(std::move(r)), config_(c) {}

    Step start() override { return readUserCommand(request_, config_, id_); }

    Step onReply(const redisReply &reply) override {
        if (store::isError(reply)) return storeFailure(store::text(reply));
        auto user = storedUserFrom(reply, id_);
        if (!user) return errorResponse(notFound("User " + id_ + " not found"));
        if (!request_.ifNoneMatch.empty() &&
            (request_.ifNoneMatch == "*" ||
             versionFromEtag(request_.ifNoneMatch) == std::to_string(user->version))) {
            Response r;
            r.status = 304;
            r.headers.emplace_back("ETag", etagFor(user->version));
            return r;
        }
        return userResponse(200, *user, request_);
    }

private:
    std::string id_;
    Request request_;
    const ServiceConfig &config_;
};

class ReplaceUser final : public Exchange {
public:
    ReplaceUser(std::string id, Request r, const ServiceConfig &c)
        : request_(std::move(r)), config_(c) {
        user_.id = std::move(id);
    }

    Step start() override {
        auto write = prepareWrite(request_, config_);
        if (!write) return errorResponse(write.error());
        write_ = std::move(*write);
        user_.doc = write_.docText;
        return replaceUserCommand(request_, config_, user_.id, write_,
                                  versionFromEtag(request_.ifMatch), "");
    }

    Step onReply(const redisReply &reply) override {
        if (auto failed = replaceFailure(reply, user_.id, write_.userName)) return *failed;
        readReplaceResult(reply, user_);
        return userResponse(200, user_, request_);
    }

private:
    Request request_;
    const ServiceConfig &config_;
    UserWrite write_;
    StoredUser user_;
};

class DeleteUser final : public Exchange {
public:
    DeleteUser(std::string id, Request r, const ServiceConfig &c)
        : id_(std::move(id)), request_(std::move(r)), config_(c) {}

    Step start() override {
        auto keys = keysFor(request_, config_);
        return store::scriptCall(
            store::deleteUserScript(), store::userWriteKeys(keys, id_),
            {id_, versionFromEtag(request_.ifMatch), formatTimestamp(request_.nowMillis),
             request_.tokenName, std::to_string(config_.eventsMaxLen)});
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

private:
    std::string id_;
    Request request_;
    const ServiceConfig &config_;
};

class ListUsers final : public Exchange {
public:
    ListUsers(Request r, const ServiceConfig &c) : request_(std::move(r)), config_(c) {}

    Step start() override {
        auto params = parseQuery(request_.query);
        auto start = integerParam(params, "startIndex");
        if (!start) return errorResponse(start.error());
        auto count = integerParam(params, "count");
        if (!count) return errorResponse(count.error());
        // RFC 7644 §3.4.2.4: startIndex below 1 counts as 1, a negative
        // count as 0, and the server may return fewer than asked.
        startIndex_ = std::max<long long>(1, start->value_or(1));
        long long wanted = count->value_or(static_cast<long long>(config_.defaultPageSize));
        count_ = std::clamp<long long>(wanted, 0, static_cast<long long>(config_.maxPageSize));
        if (params.count("filter")) {
            return errorResponse(invalidFilter("filtering is not supported by this build"));
        }
        auto keys = keysFor(request_, config_);
        return store::scriptCall(store::listUsersScript(), {keys.users()},
                                 {std::to_string(startIndex_ - 1), std::to_string(count_),
                                  keys.userKeyPrefix()});
    }

    Step onReply(const redisReply &reply) override {
        if (!store::isArray(reply) || reply.elements < 1) return storeFailure(store::text(reply));
        long long total = store::integer(*reply.element[0]).value_or(0);
        JsonDoc out(rapidjson::kObjectType);
        auto &a = out.GetAllocator();
        Json resources(rapidjson::kArrayType);
        for (size_t i = 1; i + 5 <= reply.elements; i += 5) {
            auto user = storedUserFrom(reply, std::string(textAt(reply, i)), i + 1);
            if (!user) continue;
            auto rendered = renderStoredUser(*user, request_);
            if (!rendered) return errorResponse(rendered.error());
            resources.PushBack(Json(*rendered, a), a);
        }
        Json schemas(rapidjson::kArrayType);
        schemas.PushBack(jstr(kListResponseUrn, a), a);
        out.AddMember("schemas", schemas, a);
        out.AddMember("totalResults", Json(static_cast<int64_t>(total)), a);
        out.AddMember("startIndex", Json(static_cast<int64_t>(startIndex_)), a);
        out.AddMember("itemsPerPage", Json(static_cast<int64_t>(resources.Size())), a);
        out.AddMember("Resources", resources, a);
        return jsonResponse(200, out);
    }

private:
    Request request_;
    const ServiceConfig &config_;
    long long startIndex_ = 1;
    long long count_ = 0;
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
std::unique_ptr<Exchange> listUsers(Request r, const ServiceConfig &c) {
    return std::make_unique<ListUsers>(std::move(r), c);
}

}  // namespace scim
