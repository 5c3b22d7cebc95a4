// POST, GET, PUT, DELETE of /Groups/{id}, and the /Groups list.
#include "group_records.hpp"
#include "list_exchange.hpp"
#include "remembered_documents.hpp"
#include "role_context.hpp"
#include "synthetic_groups.hpp"
#include "scim/ids.hpp"
#include "scim/list_request.hpp"
#include "scim/store/group_scripts.hpp"

namespace scim {

namespace {

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
        auto result = store::readGroupWriteReply(reply);
        if (auto failed = takeGroupWrite(std::move(result), group_, write_.displayName)) {
            if (!creating()) forgetDocument(request_, config_, DocumentKind::Group, group_.id);
            return *failed;
        }
        rememberDocument(request_, config_, DocumentKind::Group, group_.id, group_.doc,
                         group_.version, group_.created, group_.lastModified);
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
        auto read = withMembers_ ? store::readGroupReply(reply) : store::readGroupHeadReply(reply);
        if (read.error) return storeFailure(*read.error);
        if (!read.record) {
            forgetDocument(request_, config_, DocumentKind::Group, group_.id);
            return errorResponse(notFound("Group " + group_.id + " not found"));
        }
        group_ = storedGroup(std::move(*read.record), std::move(group_.id));
        rememberDocument(request_, config_, DocumentKind::Group, group_.id, group_.doc,
                         group_.version, group_.created, group_.lastModified);
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
        return store::deleteGroup(keysFor(request_, config_),
                                  {id_, versionFromEtag(request_.ifMatch),
                                   writeStamp(request_, config_), roleContextArg(request_, config_)});
    }

    Step onReply(const redisReply &reply) override {
        forgetDocument(request_, config_, DocumentKind::Group, id_);
        if (auto failed = groupWriteFailure(store::readGroupDeleteReply(reply), id_, "")) {
            return *failed;
        }
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
        auto list = parseListRequest(request_, config_, search_);
        if (list) {
            projection_ = list->projection;
            withMembers_ = membersWanted(projection_);
        }  // else the query engine reports the error
        PageSink sink;
        if (withMembers_) sink = [this](JsonDoc page) { return readMembers(std::move(page)); };
        query_ = queryExchange(groupsCollection(request_, config_), Request(request_), config_,
                               std::move(list), std::move(sink));
        return query_->start();
    }

    Step onReply(const redisReply &reply) override {
        if (!readingMembers_) return query_->onReply(reply);
        auto read = store::readGroupMembersReply(reply);
        if (read.error) return storeFailure(*read.error);
        return withMembers(std::move(*read.record));
    }

private:
    // The page the query engine found, before its response: one more round
    // trip reads the members of its groups.
    Step readMembers(JsonDoc page) {
        page_ = std::move(page);
        auto resources = page_.FindMember("Resources");
        if (resources == page_.MemberEnd() || !resources->value.IsArray() ||
            resources->value.Empty()) {
            return jsonResponse(200, page_);
        }
        std::vector<std::string> ids;
        for (const Json &group : resources->value.GetArray()) {
            const Json *id = group.IsObject() ? findMember(group, "id") : nullptr;
            ids.push_back(id && id->IsString() ? std::string(str(*id)) : "");
        }
        readingMembers_ = true;
        return store::readGroupMembers(keysFor(request_, config_), memberCap(config_, true), ids);
    }

    Step withMembers(std::vector<store::GroupMembers> lists) {
        auto &a = page_.GetAllocator();
        auto resources = page_["Resources"].GetArray();
        if (lists.size() < resources.Size()) return storeFailure("malformed member list");
        size_t i = 0;
        for (Json &resource : resources) {
            StoredGroup group;
            takeMembers(group, std::move(lists[i++]));
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
