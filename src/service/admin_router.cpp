// URI → admin action. Everything is decided before a body is read.
#include <vector>

#include "scim/service/admin.hpp"
#include "scim/json.hpp"
#include "scim/store/token_scripts.hpp"
#include "scim/tenant.hpp"

namespace scim {

namespace {

std::vector<std::string_view> segmentsOf(std::string_view path) {
    std::vector<std::string_view> out;
    while (!path.empty()) {
        size_t slash = path.find('/');
        std::string_view segment = path.substr(0, slash);
        if (!segment.empty()) out.push_back(segment);
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

bool isTokenId(std::string_view id) {
    if (id.size() != store::kTokenIdLength) return false;
    for (char c : id) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

Response notAllowed(std::string_view method, const char *allow) {
    Response r = adminError(methodNotAllowed("method " + std::string(method) +
                                             " is not allowed here; allowed: " + allow));
    r.headers.emplace_back("Allow", allow);
    return r;
}

// segments: tenants, {tenant}, tokens[, {id}[, rotate]]
std::variant<AdminRoute, Response> matchTokens(std::string_view method,
                                               const std::vector<std::string_view> &s) {
    AdminRoute route;
    route.tenant = std::string(s[1]);
    if (s.size() == 3) {
        if (method == "GET") return route;
        if (method != "POST") return notAllowed(method, "GET, POST");
        route.action = AdminRoute::Action::CreateToken;
        route.needsBody = true;
        return route;
    }
    if (!isTokenId(s[3])) return adminError(notFound("no such token"));
    route.tokenId = std::string(s[3]);
    if (s.size() == 4) {
        if (method != "DELETE") return notAllowed(method, "DELETE");
        route.action = AdminRoute::Action::RevokeToken;
        return route;
    }
    if (s.size() == 5 && s[4] == "rotate") {
        if (method != "POST") return notAllowed(method, "POST");
        route.action = AdminRoute::Action::RotateToken;
        route.needsBody = true;
        return route;
    }
    return adminError(notFound("no such admin endpoint"));
}

}  // namespace

std::variant<AdminRoute, Response> matchAdminRoute(std::string_view method, std::string_view uri) {
    std::vector<std::string_view> s = segmentsOf(uri);
    size_t at = 0;
    while (at < s.size() && s[at] != "tenants") at++;
    s.erase(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(at));
    if (s.size() < 3 || s.size() > 5 || s[2] != "tokens") {
        return adminError(notFound("no such admin endpoint; see /tenants/{tenant}/tokens"));
    }
    if (auto err = tenantNameError(s[1])) return adminError(invalidValue(*err));
    return matchTokens(method, s);
}

Response adminError(const Error &e) {
    JsonDoc d(rapidjson::kObjectType);
    auto &a = d.GetAllocator();
    d.AddMember("status", e.status, a);
    d.AddMember("error", jstr(e.detail, a), a);
    Response r;
    r.status = e.status;
    r.body = toString(d);
    r.contentType = "application/json";
    return r;
}

}  // namespace scim
