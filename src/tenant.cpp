#include "scim/tenant.hpp"

namespace scim {

namespace {
bool tenantChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
}
}  // namespace

std::optional<std::string> tenantNameError(std::string_view name) {
    if (name.empty()) return std::string("tenant name is empty");
    if (name.size() > kMaxTenantLength) {
        return "tenant name is longer than " + std::to_string(kMaxTenantLength) + " bytes";
    }
    for (char c : name) {
        if (!tenantChar(c)) {
            return std::string("tenant name may only contain letters, digits, '.', '_' and '-'");
        }
    }
    return std::nullopt;
}

}  // namespace scim
