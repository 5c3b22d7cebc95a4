#include "scim/store/keys.hpp"

namespace scim::store {

KeySpace::KeySpace(std::string_view prefix, std::string_view tenant)
    : prefix_(prefix), base_(std::string(prefix) + "{" + std::string(tenant) + "}:") {}

}  // namespace scim::store
