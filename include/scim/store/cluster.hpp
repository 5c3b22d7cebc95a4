// Redis Cluster, client side, without I/O: which slot a key lives in, which
// key a command is routed by, what a redirect says and what CLUSTER SLOTS
// answered (the "Redis Cluster specification", clients' part).
#pragma once

#include <hiredis/hiredis.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scim::store {

inline constexpr unsigned kClusterSlots = 16384;

// CRC16-CCITT (XMODEM), the cluster's key hash.
uint16_t crc16(std::string_view data);

// The part of a key that is hashed: the first non-empty `{…}`, else the key.
std::string_view hashTag(std::string_view key);

// CRC16 of the hash tag, modulo 16384.
unsigned keySlot(std::string_view key);

// The key a command is routed by: KEYS[1] of EVALSHA/EVAL (none when
// numkeys is 0), else argv[1]. Nothing for commands without a key.
std::optional<std::string_view> routingKey(const std::vector<std::string> &argv);

// "MOVED 3999 127.0.0.1:6381" or "ASK 3999 127.0.0.1:6381".
struct Redirect {
    bool ask = false;
    unsigned slot = 0;
    std::string host;  // as given: an IP, a name, or empty (the same host)
    unsigned port = 0;
};
std::optional<Redirect> parseRedirect(std::string_view error);

// "TRYAGAIN …" (a multi-key command during a migration) and "CLUSTERDOWN …":
// worth retrying after a short delay.
bool isRetryLater(std::string_view error);

// One range of CLUSTER SLOTS: the master's endpoint (replicas are ignored).
struct SlotRange {
    unsigned first = 0;
    unsigned last = 0;
    std::string host;  // empty or "?" when the node does not know its own
    unsigned port = 0;
};
// False when the reply does not have CLUSTER SLOTS's shape.
bool parseClusterSlots(const redisReply &reply, std::vector<SlotRange> &ranges);

}  // namespace scim::store
