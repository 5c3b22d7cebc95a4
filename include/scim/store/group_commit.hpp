// Group commit behind Redis's WAIT (scim_redis_wait_replicas).
//
// WAIT blocks the connection it is sent on and covers every write that
// connection sent before it. Replies come back in order, so a write whose
// reply arrived before WAIT's reply was executed before WAIT: one WAIT in
// flight covers every write reply held when it answers. Writes whose
// replies arrive later wait for the next WAIT. Reads are never held.
#pragma once

#include <hiredis/hiredis.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scim::store {

// `WAIT numreplicas timeout`.
std::vector<std::string> waitCommand(unsigned long replicas, unsigned long timeoutMillis);

// True when WAIT's reply says at least `replicas` replicas have the writes;
// an error (a replica refuses WAIT) or anything else is false.
bool waitConfirms(const redisReply &reply, unsigned long replicas);

// The error text a write held for WAIT is answered with when WAIT did not
// confirm it: the write ran on the master, but may not survive a failover,
// so its outcome is unknown to the client.
std::string unconfirmedWriteText(const redisReply &waitReply, unsigned long replicas,
                                 unsigned long timeoutMillis);
// Does an error reply's text say that (the prefix above)?
bool isUnconfirmedWrite(std::string_view errorText);

template <class Held>
class GroupCommit {
public:
    // A write's reply arrived. True when the caller must send a WAIT now
    // (none is in flight); otherwise the one in flight covers it.
    bool hold(Held held) {
        held_.push_back(std::move(held));
        if (waiting_) return false;
        waiting_ = true;
        return true;
    }

    // WAIT answered, or could not be sent, or its connection is gone:
    // every held write is released, to be answered by that outcome.
    std::vector<Held> release() {
        waiting_ = false;
        std::vector<Held> out;
        out.swap(held_);
        return out;
    }

    bool waiting() const noexcept { return waiting_; }
    size_t held() const noexcept { return held_.size(); }

private:
    std::vector<Held> held_;
    bool waiting_ = false;  // a WAIT is in flight
};

}  // namespace scim::store
