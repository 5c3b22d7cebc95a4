// The admin API's exchanges: create, list, rotate and revoke tokens of a
// tenant in the registry (store/token_scripts.hpp). A plaintext token
// exists only in the response that creates it; Redis gets its SHA-256.
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

#include "scim/service/admin.hpp"
#include "scim/ids.hpp"
#include "scim/json.hpp"
#include "scim/store/token_scripts.hpp"

namespace scim {

namespace {


constexpr int kIssueAttempts = 3;  // id collisions (48 bits) are retried with a new secret

Response adminJson(int status, const Json &body) {
    Response r;
    r.status = status;
    r.body = toString(body);
    r.contentType = "application/json";
    return r;
}

Response storeError(std::string_view what) {
    return adminError(internalError("the store answered an error: " + std::string(what)));
}

// Milliseconds as RFC 3339, or null for 0 ("never").
Json timeOrNull(std::string_view millis, JsonAlloc &a) {
    long long ms = std::atoll(std::string(millis).c_str());
    if (ms <= 0) return Json(rapidjson::kNullType);
    return jstr(formatTimestamp(ms), a);
}

std::optional<Error> nameError(std::string_view name) {
    if (name.empty()) return invalidValue("\"name\" must not be empty");
    if (name.size() > kMaxTokenNameLength) {
        return invalidValue("\"name\" is longer than " + std::to_string(kMaxTokenNameLength) +
                            " bytes");
    }
    for (unsigned char c : name) {
        if (c < 0x20 || c == 0x7f) return invalidValue("\"name\" must not hold control characters");
    }
    return std::nullopt;
}

// The request body as a JSON object; an empty body is `{}` when allowed.
Expected<JsonDoc> bodyObject(const Request &request, const ServiceConfig &config,
                             bool emptyAllowed) {
    if (request.body.empty() && emptyAllowed) {
        JsonDoc d(rapidjson::kObjectType);
        return d;
    }
    auto doc = parseJson(request.body, config.json);
    if (!doc) return doc;
    if (!doc->IsObject()) return invalidSyntax("the request body must be a JSON object");
    return doc;
}

Expected<std::string> tokenName(const Request &request, const ServiceConfig &config) {
    auto body = bodyObject(request, config, false);
    if (!body) return body.takeError();
    auto it = body->FindMember("name");
    if (it == body->MemberEnd() || !it->value.IsString()) {
        return invalidValue("\"name\" (a string) is required");
    }
    std::string name(str(it->value));
    if (auto err = nameError(name)) return *err;
    return name;
}

Expected<int64_t> graceSeconds(const Request &request, const ServiceConfig &config) {
    auto body = bodyObject(request, config, true);
    if (!body) return body.takeError();
    auto it = body->FindMember("graceSeconds");
    if (it == body->MemberEnd()) return kDefaultGraceSeconds;
    if (!it->value.IsInt64() || it->value.GetInt64() < 0 ||
        it->value.GetInt64() > kMaxGraceSeconds) {
        return invalidValue("\"graceSeconds\" must be an integer from 0 to " +
                            std::to_string(kMaxGraceSeconds));
    }
    return it->value.GetInt64();
}

// A freshly drawn secret and the names derived from its hash.
struct NewToken {
    std::string secret;
    std::string sha256;
    std::string id;

    explicit NewToken(const TokenSource &source)
        : secret(source()), sha256(sha256Hex(secret)), id(sha256.substr(0, store::kTokenIdLength)) {}
};

// {"token","id","name","tenant","created"}: the only time the secret is shown.
JsonDoc issuedBody(const NewToken &t, std::string_view name, std::string_view tenant,
                   int64_t nowMillis) {
    JsonDoc d(rapidjson::kObjectType);
    auto &a = d.GetAllocator();
    d.AddMember("token", jstr(t.secret, a), a);
    d.AddMember("id", jstr(t.id, a), a);
    d.AddMember("name", jstr(name, a), a);
    d.AddMember("tenant", jstr(tenant, a), a);
    d.AddMember("created", jstr(formatTimestamp(nowMillis), a), a);
    return d;
}

// Shared by create and rotate: draws a secret and retries on an id collision.
class IssuingExchange : public Exchange {
public:
    IssuingExchange(const AdminRoute &route, Request r, const ServiceConfig &c, TokenSource s)
        : route_(route), request_(std::move(r)), config_(c), keys_(c.keyPrefix),
          source_(std::move(s)) {}

    Step onReply(const redisReply &reply) final {
        store::TokenWriteOutcome outcome = store::readTokenWriteReply(reply);
        if (outcome.kind != store::TokenWriteOutcome::Kind::Collision) return onIssued(outcome);
        if (attempts_ >= kIssueAttempts) {
            return adminError(internalError("could not draw a unique token id"));
        }
        return issue();
    }

protected:
    virtual store::Command issueCommand() = 0;
    // The script's answer other than an id collision.
    virtual Step onIssued(const store::TokenWriteOutcome &outcome) = 0;

    store::TokenIssue issued() const {
        return {token_->sha256, token_->id, route_.tenant, request_.nowMillis};
    }

    Step issue() {
        attempts_++;
        token_.emplace(source_);
        return issueCommand();
    }

    AdminRoute route_;
    Request request_;
    const ServiceConfig &config_;
    store::TokenKeys keys_;
    TokenSource source_;
    std::optional<NewToken> token_;
    int attempts_ = 0;
};

class CreateToken final : public IssuingExchange {
public:
    using IssuingExchange::IssuingExchange;

    Step start() override {
        auto name = tokenName(request_, config_);
        if (!name) return adminError(name.error());
        name_ = std::move(*name);
        return issue();
    }

private:
    Step onIssued(const store::TokenWriteOutcome &outcome) override {
        if (outcome.kind != store::TokenWriteOutcome::Kind::Ok) return storeError(outcome.error);
        return adminJson(201, issuedBody(*token_, name_, route_.tenant, request_.nowMillis));
    }

    store::Command issueCommand() override { return store::createToken(keys_, issued(), name_); }

    std::string name_;
};

class RotateToken final : public IssuingExchange {
public:
    using IssuingExchange::IssuingExchange;

    Step start() override {
        auto grace = graceSeconds(request_, config_);
        if (!grace) return adminError(grace.error());
        graceMillis_ = *grace * 1000;
        return issue();
    }

private:
    Step onIssued(const store::TokenWriteOutcome &outcome) override {
        using Kind = store::TokenWriteOutcome::Kind;
        if (outcome.kind == Kind::NotFound) return adminError(notFound("no token " + route_.tokenId));
        if (outcome.kind == Kind::Revoked || outcome.kind == Kind::Expired) {
            return adminError(Error{409, "", "token " + route_.tokenId + " is " +
                                                 (outcome.kind == Kind::Revoked ? "revoked"
                                                                                : "expired") +
                                                 " and cannot be rotated"});
        }
        if (outcome.kind != Kind::Ok) return storeError(outcome.error);
        JsonDoc d = issuedBody(*token_, outcome.name, route_.tenant, request_.nowMillis);
        auto &a = d.GetAllocator();
        Json previous(rapidjson::kObjectType);
        previous.AddMember("id", jstr(route_.tokenId, a), a);
        previous.AddMember("expires", timeOrNull(outcome.oldExpires, a), a);
        d.AddMember("previous", previous, a);
        return adminJson(201, d);
    }

    store::Command issueCommand() override {
        return store::rotateToken(keys_, issued(), route_.tokenId, graceMillis_);
    }

    int64_t graceMillis_ = 0;
};

class RevokeToken final : public Exchange {
public:
    RevokeToken(const AdminRoute &route, Request r, const ServiceConfig &c)
        : route_(route), request_(std::move(r)), keys_(c.keyPrefix) {}

    Step start() override {
        return store::revokeToken(keys_, route_.tenant, route_.tokenId, request_.nowMillis);
    }

    Step onReply(const redisReply &reply) override {
        using Kind = store::TokenWriteOutcome::Kind;
        store::TokenWriteOutcome outcome = store::readTokenWriteReply(reply);
        if (outcome.kind == Kind::NotFound) return adminError(notFound("no token " + route_.tokenId));
        if (outcome.kind != Kind::Ok) return storeError(outcome.error);
        Response r;
        r.status = 204;
        return r;
    }

private:
    AdminRoute route_;
    Request request_;
    store::TokenKeys keys_;
};

class ListTokens final : public Exchange {
public:
    ListTokens(const AdminRoute &route, Request r, const ServiceConfig &c)
        : route_(route), request_(std::move(r)), keys_(c.keyPrefix) {}

    Step start() override {
        return store::listTokens(keys_, route_.tenant);
    }

    Step onReply(const redisReply &reply) override {
        auto list = store::readTokenList(reply);
        if (list.error) return storeError(*list.error);
        std::vector<store::TokenEntry> &all = *list.record;
        std::sort(all.begin(), all.end(), [](const store::TokenEntry &x, const store::TokenEntry &y) {
            long long cx = std::atoll(x.created.c_str()), cy = std::atoll(y.created.c_str());
            return cx != cy ? cx < cy : x.id < y.id;
        });
        JsonDoc d(rapidjson::kObjectType);
        auto &a = d.GetAllocator();
        d.AddMember("tenant", jstr(route_.tenant, a), a);
        Json tokens(rapidjson::kArrayType);
        for (const store::TokenEntry &t : all) tokens.PushBack(entry(t, a), a);
        d.AddMember("tokens", tokens, a);
        return adminJson(200, d);
    }

private:
    Json entry(const store::TokenEntry &e, JsonAlloc &a) const {
        long long expires = std::atoll(e.expires.c_str());
        bool revoked = e.revoked != "0";
        bool active = !revoked && (expires == 0 || expires > request_.nowMillis);
        Json t(rapidjson::kObjectType);
        t.AddMember("id", jstr(e.id, a), a);
        t.AddMember("name", jstr(e.name, a), a);
        t.AddMember("created", timeOrNull(e.created, a), a);
        t.AddMember("lastUsed", timeOrNull(e.lastUsed, a), a);
        t.AddMember("expires", timeOrNull(e.expires, a), a);
        t.AddMember("revoked", timeOrNull(e.revoked, a), a);
        t.AddMember("active", active, a);
        return t;
    }

    AdminRoute route_;
    Request request_;
    store::TokenKeys keys_;
};

std::string base64url(const unsigned char *p, size_t n) {
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; ++i) {
        acc = (acc << 8) | p[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(digits[(acc >> bits) & 63]);
        }
    }
    if (bits > 0) out.push_back(digits[(acc << (6 - bits)) & 63]);
    return out;
}

}  // namespace

std::string newTokenSecret() {
    unsigned char b[32];
    if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("RAND_bytes failed");
    return "scim_" + base64url(b, sizeof b);
}

std::unique_ptr<Exchange> makeAdminExchange(const AdminRoute &route, Request request,
                                            const ServiceConfig &config, TokenSource source) {
    switch (route.action) {
    case AdminRoute::Action::CreateToken:
        return std::make_unique<CreateToken>(route, std::move(request), config, std::move(source));
    case AdminRoute::Action::RotateToken:
        return std::make_unique<RotateToken>(route, std::move(request), config, std::move(source));
    case AdminRoute::Action::RevokeToken:
        return std::make_unique<RevokeToken>(route, std::move(request), config);
    case AdminRoute::Action::ListTokens:
        return std::make_unique<ListTokens>(route, std::move(request), config);
    }
    return nullptr;
}

}  // namespace scim
