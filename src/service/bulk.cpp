// POST /Bulk (RFC 7644 §3.7). Each operation runs as its single request
// would: the router builds the same Exchange, whose Commands this exchange
// forwards one at a time, so every operation is one atomic store step with
// its own change event. Nothing is written twice and nothing here does I/O.
#include <unordered_map>

#include "bulk_plan.hpp"
#include "exchanges.hpp"

namespace scim {

namespace {

struct BulkResult {
    bool ran = false;
    int status = 0;
    std::string location;
    std::string version;
    std::string errorBody;  // the SCIM error of a failed operation
};

const std::string *headerOf(const Response &r, std::string_view name) {
    for (const auto &[key, value] : r.headers) {
        if (key == name) return &value;
    }
    return nullptr;
}

// Only writes to the two resource collections belong in a BulkRequest.
std::optional<Error> notABulkTarget(const Route &route) {
    bool resource = route.endpoint == Endpoint::Users || route.endpoint == Endpoint::Groups;
    if (resource && route.operation != Operation::Search) return std::nullopt;
    return invalidValue("a bulk operation's path is /Users, /Groups or one of their resources");
}

class BulkExchange final : public RequestExchange {
public:
    using RequestExchange::RequestExchange;

    Step start() override {
        auto parsed = parseBulkRequest(request_.body, config_);
        if (!parsed) return errorResponse(parsed.error());
        bulk_ = std::move(*parsed);
        request_.body.clear();  // the document holds what is still needed
        order_ = bulkExecutionOrder(bulk_.operations);
        results_.resize(bulk_.operations.size());
        failed_.assign(bulk_.operations.size(), false);
        for (size_t i = 0; i < bulk_.operations.size(); i++) {
            const std::string &id = bulk_.operations[i].bulkId;
            if (!id.empty()) known_.emplace(id, i);
        }
        return runNext();
    }

    Step onReply(const redisReply &reply) override {
        if (!current_) return errorResponse(internalError("unexpected reply"));
        return settle(current_->onReply(reply));
    }

    Step onReplies(const std::vector<const redisReply *> &replies) override {
        if (!current_) return errorResponse(internalError("unexpected replies"));
        return settle(current_->onReplies(replies));
    }

private:
    // The current operation's step: a command goes out, a response ends it.
    Step settle(Step step) {
        if (std::holds_alternative<store::Command>(step)) return step;
        current_.reset();
        record(currentIndex_, std::get<Response>(step));
        return runNext();
    }

    Step runNext() {
        while (next_ < order_.size()) {
            if (bulk_.failOnErrors != 0 && errors_ >= bulk_.failOnErrors) break;
            currentIndex_ = order_[next_++];
            Step step = begin(bulk_.operations[currentIndex_]);
            if (std::holds_alternative<store::Command>(step)) return step;
            current_.reset();
            record(currentIndex_, std::get<Response>(step));
        }
        return bulkResponse();
    }

    Step begin(const BulkOperation &op) {
        currentId_.clear();
        currentPath_.clear();
        if (op.invalid) return errorResponse(*op.invalid);
        if (auto e = unresolvedReference(op, resolved_, known_, failed_)) return errorResponse(*e);
        Request sub = subRequest(op);
        auto matched = matchRoute(sub.method, sub.path);
        if (auto *refused = std::get_if<Response>(&matched)) return std::move(*refused);
        const Route &route = std::get<Route>(matched);
        if (auto e = notABulkTarget(route)) return errorResponse(*e);
        currentId_ = route.id;
        currentPath_ = sub.path;
        current_ = makeExchange(route, std::move(sub), config_);
        return current_->start();
    }

    Request subRequest(const BulkOperation &op) const {
        Request sub;
        sub.method = op.method;
        sub.path = resolveBulkPath(op.path, resolved_);
        sub.baseUrl = request_.baseUrl;
        sub.tenant = request_.tenant;
        sub.tokenName = request_.tokenName;
        sub.nowMillis = request_.nowMillis;
        sub.documentCache = request_.documentCache;
        sub.storeFacts = request_.storeFacts;
        sub.ifMatch = op.version;
        if (op.data) {
            JsonDoc data;
            data.CopyFrom(*op.data, data.GetAllocator());
            resolveBulkReferences(data, resolved_, data.GetAllocator());
            sub.body = toString(data);
        }
        return sub;
    }

    void record(size_t index, const Response &r) {
        const BulkOperation &op = bulk_.operations[index];
        BulkResult &out = results_[index];
        out.ran = true;
        out.status = r.status;
        if (const std::string *etag = headerOf(r, "ETag")) out.version = *etag;
        if (r.status >= 400) {
            out.errorBody = r.body;
            failed_[index] = true;
            errors_++;
            return;
        }
        std::string id = currentId_;
        if (const std::string *location = headerOf(r, "Location")) {
            out.location = *location;
            id = location->substr(location->rfind('/') + 1);
        } else {
            out.location = request_.baseUrl + currentPath_;
        }
        if (!op.bulkId.empty() && !id.empty()) resolved_[op.bulkId] = id;
    }

    Json resultJson(const BulkOperation &op, const BulkResult &r, JsonAlloc &a) const {
        Json j(rapidjson::kObjectType);
        if (!op.method.empty()) j.AddMember("method", jstr(op.method, a), a);
        if (!op.bulkId.empty()) j.AddMember("bulkId", jstr(op.bulkId, a), a);
        if (!r.version.empty()) j.AddMember("version", jstr(r.version, a), a);
        if (!r.location.empty()) j.AddMember("location", jstr(r.location, a), a);
        j.AddMember("status", jstr(std::to_string(r.status), a), a);
        if (!r.errorBody.empty()) {
            JsonDoc error;
            error.Parse(r.errorBody.data(), r.errorBody.size());
            if (!error.HasParseError()) j.AddMember("response", Json(error, a), a);
        }
        return j;
    }

    // Lists the operations that ran, in the order the request gave them.
    Response bulkResponse() const {
        JsonDoc d(rapidjson::kObjectType);
        auto &a = d.GetAllocator();
        Json schemas(rapidjson::kArrayType);
        schemas.PushBack(jstr(kBulkResponseUrn, a), a);
        d.AddMember("schemas", schemas, a);
        Json ops(rapidjson::kArrayType);
        for (size_t i = 0; i < results_.size(); i++) {
            if (results_[i].ran) ops.PushBack(resultJson(bulk_.operations[i], results_[i], a), a);
        }
        d.AddMember("Operations", ops, a);
        return jsonResponse(200, d);
    }

    BulkRequest bulk_;
    std::vector<size_t> order_;
    size_t next_ = 0;
    std::vector<BulkResult> results_;
    std::vector<bool> failed_;
    std::unordered_map<std::string, size_t> known_;  // bulkId → operation
    BulkIds resolved_;
    unsigned errors_ = 0;
    std::unique_ptr<Exchange> current_;
    size_t currentIndex_ = 0;
    std::string currentId_;    // the resource id the path names, "" for a POST
    std::string currentPath_;  // resolved
};

}  // namespace

std::unique_ptr<Exchange> bulk(Request request, const ServiceConfig &config) {
    return std::make_unique<BulkExchange>(std::move(request), config);
}

}  // namespace scim
