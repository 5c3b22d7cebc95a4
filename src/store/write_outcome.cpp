#include "scim/store/write_outcome.hpp"

#include "scim/store/reply.hpp"

namespace scim::store {

WriteOutcome readWriteOutcome(const redisReply &reply) {
    using Kind = WriteOutcome::Kind;
    WriteOutcome o;
    std::string_view status = textAt(reply, 0);
    auto field = [&](size_t i) { return std::string(textAt(reply, i)); };
    if (isError(reply) || !isArray(reply)) {
        o.error = std::string(text(reply));
    } else if (status == "ok") {
        o.kind = Kind::Ok;
    } else if (status == "notfound") {
        o.kind = Kind::NotFound;
    } else if (status == "precondition") {
        o.kind = Kind::Precondition;
        o.version = field(1);
    } else if (status == "uniqueness") {
        o.kind = Kind::Uniqueness;
        o.holder = field(1);
        if (reply.elements >= 4) {
            o.attribute = field(2);
            o.value = field(3);
        }
    } else if (status == "claimed") {
        o.kind = Kind::Claimed;
        o.attribute = field(1);
        o.value = field(2);
    } else if (status == "exists") {
        o.kind = Kind::Exists;
    } else if (status == "nomember" || status == "cycle" || status == "toodeep") {
        o.kind = status == "nomember" ? Kind::NoMember
                 : status == "cycle"  ? Kind::Cycle
                                      : Kind::TooDeep;
        o.member = field(1);
    } else {
        o.error = std::string(status);
    }
    return o;
}

}  // namespace scim::store
