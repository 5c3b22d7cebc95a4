// The role context every membership write sends its script (docs/roles.md).
#pragma once

#include <string>

#include "scim/service/service.hpp"

namespace scim {

// The last ARGV of every script that changes memberships.
std::string roleContextArg(const Request &request, const ServiceConfig &config);

}  // namespace scim
