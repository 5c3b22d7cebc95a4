// Synthetic groups exist in every tenant without anyone creating them: the
// first request of a tenant that a worker serves first runs an idempotent
// script that creates the missing ones under their deterministic ids. The
// worker does it again after reconnecting to Redis (which may have restarted
// empty) and once a minute (someone may have flushed it). Workers may race:
// the script only creates what is not there.
#include <string>

#include "synthetic_groups.hpp"
#include "scim/ids.hpp"
#include "scim/store/group_index.hpp"
#include "scim/store/group_scripts.hpp"
#include "scim/strings.hpp"
#include "scim/token_cache.hpp"  // ExpiringLru
#include "user_records.hpp"         // keysFor, storeFailure

namespace scim {

std::optional<Error> syntheticGroupRefusal(const Request &request, const ServiceConfig &config,
                                           std::string_view id, const std::string *newName) {
    const RoleConfig &roles = config.roles;
    if (roles.synthetic.empty()) return std::nullopt;
    const SyntheticGroup *fixed = id.empty() ? nullptr : roles.syntheticById(request.tenant, id);
    if (fixed && !newName) {
        return mutability("Group '" + fixed->displayName +
                          "' is built in (scim_synthetic_group) and cannot be deleted; "
                          "remove its members instead");
    }
    if (fixed && !iequals(*newName, fixed->displayName)) {
        return mutability("Group '" + fixed->displayName +
                          "' is built in (scim_synthetic_group) and cannot be renamed");
    }
    if (!fixed && newName && roles.syntheticByName(*newName)) {
        return uniqueness("displayName '" + *newName +
                          "' belongs to a built-in group (scim_synthetic_group) of every tenant");
    }
    return std::nullopt;
}

namespace {

constexpr int64_t kEnsureEveryMillis = 60 * 1000;
constexpr size_t kTenantsRemembered = 10000;

// Per worker process: tenant (and set of synthetic groups) → seen.
ExpiringLru<bool> &ensuredTenants() {
    static ExpiringLru<bool> seen(kTenantsRemembered);
    return seen;
}

// Locations may configure different synthetic groups for one tenant.
std::string ensuredKey(const Request &request, const ServiceConfig &config) {
    std::string key = config.keyPrefix + "{" + request.tenant + "}";
    for (const SyntheticGroup &g : config.roles.synthetic) key += "\n" + lower(g.displayName);
    return key;
}

store::Command ensureCommand(const Request &request, const ServiceConfig &config) {
    store::EnsureSyntheticGroupsArgs args;
    for (const SyntheticGroup &g : config.roles.synthetic) {
        std::string id = syntheticGroupId(request.tenant, g.displayName);
        JsonDoc doc(rapidjson::kObjectType);
        doc.AddMember("displayName", jstr(g.displayName, doc.GetAllocator()), doc.GetAllocator());
        args.groups.push_back(
            {id, g.displayName, store::groupIndexEntries(doc, id), toString(doc)});
    }
    args.stamp = writeStamp(request, config);
    return store::ensureSyntheticGroups(keysFor(request, config), args);
}

class SyntheticGroupsFirst final : public Exchange {
public:
    SyntheticGroupsFirst(std::unique_ptr<Exchange> inner, store::Command ensure, std::string key,
                         int64_t now)
        : inner_(std::move(inner)), ensure_(std::move(ensure)), key_(std::move(key)), now_(now) {}

    Step start() override { return std::move(ensure_); }

    Step onReply(const redisReply &reply) override {
        if (!ensured_) {
            auto ensured = store::readEnsureSyntheticGroupsReply(reply);
            if (!ensured.ok()) return storeFailure(ensured.error);
            ensuredTenants().put(key_, true, now_ + kEnsureEveryMillis);
            ensured_ = true;
            return inner_->start();
        }
        return inner_->onReply(reply);
    }

    Step onReplies(const std::vector<const redisReply *> &replies) override {
        if (!ensured_) return Exchange::onReplies(replies);
        return inner_->onReplies(replies);
    }

private:
    std::unique_ptr<Exchange> inner_;
    store::Command ensure_;
    std::string key_;
    int64_t now_;
    bool ensured_ = false;
};

}  // namespace

std::unique_ptr<Exchange> withSyntheticGroups(
    const Request &request, const ServiceConfig &config,
    const std::function<std::unique_ptr<Exchange>()> &makeInner) {
    if (config.roles.synthetic.empty()) return makeInner();
    std::string key = ensuredKey(request, config);
    int64_t now = request.nowMillis;
    if (ensuredTenants().find(key, now)) return makeInner();
    store::Command ensure = ensureCommand(request, config);
    return std::make_unique<SyntheticGroupsFirst>(makeInner(), std::move(ensure), std::move(key),
                                                  now);
}

void onStoreConnected() noexcept { ensuredTenants().clear(); }

}  // namespace scim
