// POST /.search (RFC 7644 §3.4.3): one search across Users and Groups. The
// results are the matching users, then the matching groups, each in its own
// order; one index page spans both. It runs the two searches one after the
// other, asking the second only for what the first did not fill.
#include <algorithm>

#include "exchanges.hpp"
#include "list_exchange.hpp"
#include "scim/list_request.hpp"
#include "scim/strings.hpp"

namespace scim {

namespace {

class RootSearch final : public RequestExchange {
public:
    using RequestExchange::RequestExchange;

    Step start() override {
        auto body = parseJson(request_.body, config_.json);
        if (!body) return errorResponse(body.error());
        body_ = std::move(*body);
        auto list = listRequestFromSearch(body_, listLimits(config_));
        if (!list) return errorResponse(list.error());
        if (list->cursorPaging) {
            return errorResponse(invalidValue("cursor paging is offered on /Users/.search and "
                                              "/Groups/.search, not across resource types"));
        }
        startIndex_ = list->startIndex;
        count_ = list->count;
        current_ = listUsers(subRequest(startIndex_, count_), config_, true);
        return follow(current_->start());
    }

    Step onReply(const redisReply &reply) override { return follow(current_->onReply(reply)); }
    Step onReplies(const std::vector<const redisReply *> &replies) override {
        return follow(current_->onReplies(replies));
    }

private:
    // The same SearchRequest with its own page bounds.
    Request subRequest(long long startIndex, long long count) {
        auto &a = body_.GetAllocator();
        for (auto m = body_.MemberBegin(); m != body_.MemberEnd();) {
            std::string_view name = str(m->name);
            m = iequals(name, "startIndex") || iequals(name, "count") ? body_.EraseMember(m) : m + 1;
        }
        body_.AddMember("startIndex", Json(static_cast<int64_t>(startIndex)), a);
        body_.AddMember("count", Json(static_cast<int64_t>(count)), a);
        Request sub = request_;
        sub.body = toString(body_);
        return sub;
    }

    // Passes commands through; a finished sub-search is merged.
    Step follow(Step step) {
        auto *response = std::get_if<Response>(&step);
        if (!response) return step;
        if (response->status != 200) return step;
        JsonDoc page;
        page.Parse(response->body.c_str(), response->body.size());
        if (page.HasParseError() || !page.IsObject()) return step;
        long long total = page["totalResults"].IsInt64() ? page["totalResults"].GetInt64() : 0;
        totals_ += total;
        if (page["Resources"].IsArray()) {
            for (Json &r : page["Resources"].GetArray()) {
                resources_.PushBack(Json(r, merged_.GetAllocator()), merged_.GetAllocator());
            }
        }
        if (groupsDone_) return merged();
        groupsDone_ = true;
        // The groups' part of the page starts where the users ran out.
        long long returned = resources_.Size();
        long long groupStart = std::max<long long>(1, startIndex_ - total);
        long long groupCount = std::max<long long>(0, count_ - returned);
        current_ = listGroups(subRequest(groupStart, groupCount), config_, true);
        return follow(current_->start());
    }

    Response merged() {
        auto &a = merged_.GetAllocator();
        merged_.SetObject();
        Json schemas(rapidjson::kArrayType);
        schemas.PushBack(jstr(kListResponseUrn, a), a);
        merged_.AddMember("schemas", schemas, a);
        merged_.AddMember("totalResults", Json(static_cast<int64_t>(totals_)), a);
        merged_.AddMember("itemsPerPage", Json(static_cast<int64_t>(resources_.Size())), a);
        merged_.AddMember("startIndex", Json(static_cast<int64_t>(startIndex_)), a);
        merged_.AddMember("Resources", resources_, a);
        return jsonResponse(200, merged_);
    }

    JsonDoc body_;
    JsonDoc merged_;
    Json resources_{rapidjson::kArrayType};
    long long startIndex_ = 1;
    long long count_ = 0;
    long long totals_ = 0;
    bool groupsDone_ = false;
    std::unique_ptr<Exchange> current_;
};

}  // namespace

std::unique_ptr<Exchange> rootSearch(Request request, const ServiceConfig &config) {
    return std::make_unique<RootSearch>(std::move(request), config);
}

}  // namespace scim
