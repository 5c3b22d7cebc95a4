// A Redis command as the store builds it and the edge sends it. Script
// calls go out as EVALSHA; on NOSCRIPT (e.g. after a Redis restart) the edge
// re-sends the same call as EVAL with the script's source.
//
// A batch is several independent commands sent at once, in one write: the
// edge collects every reply, in order, and hands them over together
// (Exchange::onReplies). Their order of execution must not matter.
#pragma once

#include <string>
#include <vector>

namespace scim::store {

struct Script;

struct Command {
    std::vector<std::string> args;  // for a script: KEYS then ARGV, no EVALSHA/numkeys
    const Script *script = nullptr;
    size_t numKeys = 0;
    // The edge sends the command only after this many milliseconds (on an
    // nginx timer): a retry's backoff, without I/O in the exchange.
    unsigned delayMillis = 0;
    // Set for a batch (built by `together`): the commands sent at once,
    // while the fields above are unused.
    std::vector<Command> batch;

    bool isBatch() const { return !batch.empty(); }

    // The argv to send: EVALSHA sha n … (or EVAL source n … when `useSource`).
    std::vector<std::string> argv(bool useSource = false) const;
};

// Builds a script call.
Command scriptCall(const Script &script, std::vector<std::string> keys,
                   std::vector<std::string> args);

// Builds a plain command.
Command plain(std::vector<std::string> args);

// Builds a batch of independent commands (none of them a batch).
Command together(std::vector<Command> commands);

}  // namespace scim::store
