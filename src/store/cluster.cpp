#include "scim/store/cluster.hpp"

#include "scim/store/reply.hpp"

#include <cctype>

namespace scim::store {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); i++) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

std::optional<unsigned> number(std::string_view s, unsigned max) {
    if (s.empty() || s.size() > 9) return std::nullopt;
    unsigned n = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<unsigned>(c - '0');
    }
    if (n > max) return std::nullopt;
    return n;
}

}  // namespace

uint16_t crc16(std::string_view data) {
    uint16_t crc = 0;
    for (unsigned char byte : data) {
        crc ^= static_cast<uint16_t>(byte << 8);
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                                 : static_cast<uint16_t>(crc << 1);
        }
    }
    return crc;
}

std::string_view hashTag(std::string_view key) {
    size_t open = key.find('{');
    if (open == std::string_view::npos) return key;
    size_t close = key.find('}', open + 1);
    if (close == std::string_view::npos || close == open + 1) return key;
    return key.substr(open + 1, close - open - 1);
}

unsigned keySlot(std::string_view key) { return crc16(hashTag(key)) % kClusterSlots; }

std::optional<std::string_view> routingKey(const std::vector<std::string> &argv) {
    if (argv.size() < 2) return std::nullopt;
    if (iequals(argv[0], "EVALSHA") || iequals(argv[0], "EVAL")) {
        if (argv.size() < 4 || argv[2] == "0") return std::nullopt;
        return std::string_view(argv[3]);
    }
    return std::string_view(argv[1]);
}

std::optional<Redirect> parseRedirect(std::string_view error) {
    Redirect r;
    if (error.substr(0, 6) == "MOVED ") {
        error.remove_prefix(6);
    } else if (error.substr(0, 4) == "ASK ") {
        r.ask = true;
        error.remove_prefix(4);
    } else {
        return std::nullopt;
    }
    size_t space = error.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    auto slot = number(error.substr(0, space), kClusterSlots - 1);
    std::string_view endpoint = error.substr(space + 1);
    size_t colon = endpoint.rfind(':');
    if (!slot || colon == std::string_view::npos) return std::nullopt;
    auto port = number(endpoint.substr(colon + 1), 65535);
    if (!port || *port == 0) return std::nullopt;
    r.slot = *slot;
    r.host = std::string(endpoint.substr(0, colon));
    r.port = *port;
    return r;
}

bool isRetryLater(std::string_view error) {
    return error.substr(0, 9) == "TRYAGAIN " || error == "TRYAGAIN" ||
           error.substr(0, 11) == "CLUSTERDOWN";
}

// [[first, last, [host, port, id, …], replica…], …]
bool parseClusterSlots(const redisReply &reply, std::vector<SlotRange> &ranges) {
    if (!isArray(reply)) return false;
    ranges.clear();
    for (size_t i = 0; i < reply.elements; i++) {
        const redisReply *range = element(reply, i);
        if (range == nullptr || !isArray(*range) || range->elements < 3) return false;
        const redisReply *master = element(*range, 2);
        if (master == nullptr || !isArray(*master) || master->elements < 2) return false;
        auto first = integer(*element(*range, 0));
        auto last = integer(*element(*range, 1));
        auto port = integer(*element(*master, 1));
        if (!first || !last || !port || *first < 0 || *last < *first ||
            *last >= static_cast<long long>(kClusterSlots) || *port <= 0 || *port > 65535) {
            return false;
        }
        const redisReply *host = element(*master, 0);
        if (host->type != REDIS_REPLY_STRING && host->type != REDIS_REPLY_NIL) return false;
        ranges.push_back({static_cast<unsigned>(*first), static_cast<unsigned>(*last),
                          std::string(text(*host)), static_cast<unsigned>(*port)});
    }
    return true;
}

}  // namespace scim::store
