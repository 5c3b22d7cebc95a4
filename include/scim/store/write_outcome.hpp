// What a write script answered (src/store/lua/*.lua "Returns" lines): the
// first reply element names the outcome, the rest are its fields. The
// service maps an outcome to a SCIM response without reading the reply.
#pragma once

#include <optional>
#include <string>

struct redisReply;

namespace scim::store {

struct WriteOutcome {
    enum class Kind {
        Ok,
        NotFound,      // {'notfound'}
        Precondition,  // {'precondition', current version}
        Uniqueness,    // {'uniqueness', holder[, attribute path, value]}
        Claimed,       // {'claimed', attribute, value}
        Exists,        // {'exists'}: the new id is taken
        NoMember,      // {'nomember', id}
        Cycle,         // {'cycle', id}
        TooDeep,       // {'toodeep', id}
        Failed,        // a Redis error or a reply of no known shape
    };
    Kind kind = Kind::Failed;
    std::string version;    // Precondition: the current version
    std::string holder;     // Uniqueness: the id that holds the value
    std::string attribute;  // Uniqueness of an extension attribute (else ""), Claimed
    std::string value;      // Uniqueness of an extension attribute, Claimed
    std::string member;     // NoMember, Cycle, TooDeep: the member id
    std::string error;      // Failed: Redis's text, for the log

    bool ok() const { return kind == Kind::Ok; }
};

// The outcome of any write script's reply; `Ok` carries no fields here (the
// per-script readers add what an "ok" reply holds).
WriteOutcome readWriteOutcome(const redisReply &reply);

}  // namespace scim::store

namespace scim::store {

// What every write script stamps on the resource and its change event.
struct WriteStamp {
    std::string time;        // RFC 3339: meta and the event's `time`
    long long nowMillis = 0; // the same instant, for the time indexes
    std::string token;       // the name of the token making the write
    long long eventsMaxLen = 0;
};

// A read script's answer: the record, none (the resource does not exist),
// or a failure (Redis's text, for the log).
template <class Record>
struct ReadOutcome {
    std::optional<Record> record;
    std::optional<std::string> error;
};

}  // namespace scim::store
