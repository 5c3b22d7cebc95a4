// POST, GET, PUT, DELETE of /Groups/{id}, and the /Groups list.
#include "group_records.hpp"
#include "list_exchange.hpp"
#include "role_context.hpp"
#include "synthetic_groups.hpp"
#include "scim/ids.hpp"
#include "scim/list_request.hpp"
#include "scim/store/group_scripts.hpp"
#include "scim/store/reply.hpp"

namespace scim {

namespace {

using store::textAt;

// POST /Groups creates (the route names no id); PUT /Groups/{id} replaces
// the document and the whole member list, which the script applies as a
// diff against the stored one. Both take a whole body the same way.
class WriteGroup final : public ResourceExchange {
public:
    using ResourceExchange::ResourceExchange;

    Step start() override {
        if (auto refused = replacePreconditionRefusal(request_)) return errorResponse(*refused);
        auto projection = requestedProjection(request_);
        if (!projection) return errorResponse(projection.error());
        auto write = prepareGroupWrite(request_, config_);
        if (!write) return errorResponse(write.error());
        write_ = std::move(*write);
        if (auto refused = syntheticGroupRefusal(request_, config_, id_, &write_.displayName)) {
            return errorResponse(*refused);
        }
        long long cap = memberCap(config_, membersWanted(*projection));
        if (creating()) {
            group_.id = newResourceId();
            return createGroupCommand(request_, config_, group_.id, write_, cap);
        }
        group_.id = id_;
        patch::MembersChange all;
        all.clearFirst = true;
        all.add = std::move(write_.members);
        return updateGroupCommand(request_, config_, group_.id, &write_, all,
                                  {versionFromEtag(request_.ifMatch), ""}, cap);
    }

    Step onReply(const redisReply &reply) override {
        if (auto failed = readGroupWrite(reply, group_, write_.displayName)) return *failed;
        return groupResponse(creating() ? 201 : 200, group_, request_, config_);
    }

private:
    bool creating() const { return id_.empty(); }

    GroupWrite write_;
    StoredGroup group_;
};

class GetGroup final : public ResourceExchange {
public:
    using ResourceExchange::ResourceExchange;

    // excludedAttributes=members reads the group hash alone: a group of any
    // size costs the same.
    Step start() override {
        group_.id = id_;
        auto projection = requestedProjection(request_);
        if (!projection) return errorResponse(projection.error());
        withMembers_ = membersWanted(*projection);
        return readGroupCommand(request_, config_, group_.id, withMembers_);
    }

    Step onReply(const redisReply &reply) override {
        if (store::isError(reply)) return storeFailure(store::text(reply));
        bool found = withMembers_ ? readGroupRecord(reply, 0, group_).has_value()
                                  : readGroupHead(reply, 0, group_);
        if (!found) return errorResponse(notFound("Group " + group_.id + " not found"));
        if (auto unchanged = notModified(request_, group_.version)) return *unchanged;
        return groupResponse(200, group_, request_, config_);
    }

private:
    StoredGroup group_;
    bool withMembers_ = false;
};

class DeleteGroup final : public ResourceExchange {
public:
    using ResourceExchange::ResourceExchange;

    Step start() override {
        if (auto refused = syntheticGroupRefusal(request_, config_, id_, nullptr)) {
            return errorResponse(*refused);
        }
        auto keys = keysFor(request_, config_);
        return store::scriptCall(
            store::deleteGroupScript(), store::groupWriteKeys(keys, id_),
            {id_, versionFromEtag(request_.ifMatch), formatTimestamp(request_.nowMillis),
             std::to_string(request_.nowMillis), request_.tokenName,
             std::to_string(config_.eventsMaxLen), keys.groupKeyPrefix(), keys.memberOfPrefix(),
             roleContextArg(request_, config_)});
    }

    Step onReply(const redisReply &reply) override {
        if (auto failed = groupWriteFailure(reply, id_, "")) return *failed;
        Response r;
        r.status = 204;
        return r;
    }

};

// GET /Groups and POST /Groups/.search: the query engine finds, filters,
// sorts and pages the groups (their records hold no members); when the
// projection wants members, one more round trip reads a bounded member list
// for each group of the page and adds it. `members eq` filters are answered
// by the engine from the membership hashes.
class ListGroups final : public RequestExchange {
public:
    ListGroups(Request r, const ServiceConfig &c, bool search)
        : RequestExchange(std::move(r), c), search_(search) {}

    Step start() override {
        if (auto list = listRequest()) {
            projection_ = list->projection;
            withMembers_ = membersWanted(projection_);
        }  // else the query engine reports the error
        PageSink sink;
        if (withMembers_) sink = [this](JsonDoc page) { return readMembers(std::move(page)); };
        query_ = queryExchange(groupsCollection(request_, config_), request_, config_, search_,
                               std::move(sink));
        return query_->start();
    }

    Step onReply(const redisReply &reply) override {
        if (!readingMembers_) return query_->onReply(reply);
        if (store::isError(reply) || !store::isArray(reply)) return storeFailure(store::text(reply));
        return withMembers(reply);
    }

private:
    Expected<ListRequest> listRequest() const {
        return parseListRequest(request_, config_, search_);
    }

    // The page the query engine found, before its response: one more round
    // trip reads the members of its groups.
    Step readMembers(JsonDoc page) {
        page_ = std::move(page);
        auto resources = page_.FindMember("Resources");
        if (resources == page_.MemberEnd() || !resources->value.IsArray() ||
            resources->value.Empty()) {
            return jsonResponse(200, page_);
        }
        auto keys = keysFor(request_, config_);
        std::vector<std::string> args{keys.groupKeyPrefix(),
                                      std::to_string(memberCap(config_, true))};
        for (const Json &group : resources->value.GetArray()) {
            const Json *id = group.IsObject() ? findMember(group, "id") : nullptr;
            args.push_back(id && id->IsString() ? std::string(str(*id)) : "");
        }
        readingMembers_ = true;
        return store::scriptCall(store::readGroupMembersScript(), {keys.groups()}, std::move(args));
    }

    Step withMembers(const redisReply &reply) {
        auto &a = page_.GetAllocator();
        size_t offset = 0;
        for (Json &resource : page_["Resources"].GetArray()) {
            StoredGroup group;
            auto next = readGroupMembers(reply, offset, group);
            if (!next) return storeFailure("malformed member list");
            offset = *next;
            if (resource.IsObject()) addMembersTo(resource, group, projection_, request_, a);
        }
        return jsonResponse(200, page_);
    }

    bool search_;
    Projection projection_;
    bool withMembers_ = false;
    bool readingMembers_ = false;
    std::unique_ptr<Exchange> query_;
    JsonDoc page_;
};

}  // namespace

std::unique_ptr<Exchange> createGroup(Request r, const ServiceConfig &c) {
    return std::make_unique<WriteGroup>("", std::move(r), c);
}
std::unique_ptr<Exchange> getGroup(std::string id, Request r, const ServiceConfig &c) {
    return std::make_unique<GetGroup>(std::move(id), std::move(r), c);
}
std::unique_ptr<Exchange> replaceGroup(std::string id, Request r, const ServiceConfig &c) {
    return std::make_unique<WriteGroup>(std::move(id), std::move(r), c);
}
std::unique_ptr<Exchange> deleteGroup(std::string id, Request r, const ServiceConfig &c) {
    return std::make_unique<DeleteGroup>(std::move(id), std::move(r), c);
}
std::unique_ptr<Exchange> listGroups(Request r, const ServiceConfig &c, bool search) {
    return std::make_unique<ListGroups>(std::move(r), c, search);
}

}  // namespace scim
