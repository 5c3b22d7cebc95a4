#include "scim/store/group_commit.hpp"

#include "scim/store/reply.hpp"

namespace scim::store {

namespace {
constexpr std::string_view kUnconfirmed = "UNCONFIRMED ";
}

std::vector<std::string> waitCommand(unsigned long replicas, unsigned long timeoutMillis) {
    return {"WAIT", std::to_string(replicas), std::to_string(timeoutMillis)};
}

bool waitConfirms(const redisReply &reply, unsigned long replicas) {
    if (reply.type != REDIS_REPLY_INTEGER) return false;
    return reply.integer >= 0 && static_cast<unsigned long long>(reply.integer) >= replicas;
}

std::string unconfirmedWriteText(const redisReply &waitReply, unsigned long replicas,
                                 unsigned long timeoutMillis) {
    std::string why(kUnconfirmed);
    if (waitReply.type == REDIS_REPLY_INTEGER) {
        why += "WAIT: " + std::to_string(waitReply.integer) + " of " +
               std::to_string(replicas) + " replicas acknowledged the write within " +
               std::to_string(timeoutMillis) + "ms";
    } else {
        why += "WAIT failed: ";
        why += text(waitReply);
    }
    return why;
}

bool isUnconfirmedWrite(std::string_view errorText) {
    return errorText.substr(0, kUnconfirmed.size()) == kUnconfirmed;
}

}  // namespace scim::store
