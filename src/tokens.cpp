#include "scim/tokens.hpp"

#include <openssl/crypto.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "scim/ids.hpp"
#include "scim/strings.hpp"
#include "scim/tenant.hpp"

namespace scim {

namespace {
bool isHex64(std::string_view s) {
    if (s.size() != 64) return false;
    for (char c : s) {
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!hex) return false;
    }
    return true;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    return (c | 0x20) - 'a' + 10;
}

// The bytes of a string isHex64 accepted.
std::string bytesOfHex(std::string_view hex) {
    std::string bytes(hex.size() / 2, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) {
        bytes[i] = static_cast<char>(hexValue(hex[2 * i]) << 4 | hexValue(hex[2 * i + 1]));
    }
    return bytes;
}
}  // namespace

std::optional<std::string> TokenSet::add(std::string_view sha256Hex, std::string_view name,
                                         std::string_view tenant) {
    if (!isHex64(sha256Hex)) {
        return "token must be given as its SHA-256 in 64 hex digits, not in plaintext";
    }
    // An empty tenant binds the token to none: where the tenant is a
    // variable, such a token is refused (see token_check.hpp).
    if (!tenant.empty()) {
        if (auto err = tenantNameError(tenant)) {
            return "invalid token tenant \"" + std::string(tenant) + "\": " + *err;
        }
    }
    std::string tokenName = name.empty() ? "sha256:" + lower(sha256Hex.substr(0, 8)) : std::string(name);
    entries_.push_back(TokenEntry{lower(sha256Hex), bytesOfHex(sha256Hex), std::move(tokenName),
                                  std::string(tenant)});
    return std::nullopt;
}

std::optional<std::string> TokenSet::loadFile(const std::string &path,
                                              std::string_view defaultTenant) {
    std::ifstream in(path);
    if (!in) return "cannot open token file \"" + path + "\"";
    std::string line;
    for (int lineNo = 1; std::getline(in, line); ++lineNo) {
        if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        std::istringstream fields(line);
        std::string sha, name, tenant;
        if (!(fields >> sha)) continue;
        fields >> name >> tenant;
        if (auto err = add(sha, name, tenant.empty() ? defaultTenant : std::string_view(tenant))) {
            return path + ":" + std::to_string(lineNo) + ": " + *err;
        }
    }
    return std::nullopt;
}

const TokenEntry *TokenSet::find(const Sha256Digest &digest) const {
    const TokenEntry *match = nullptr;
    for (const TokenEntry &e : entries_) {
        if (constantTimeEquals(digest.raw(), e.digest) && !match) match = &e;
    }
    return match;
}

// Which entry holds the token shows in the time taken, but only to whoever
// presents that very token; the bytes are compared in constant time.
size_t TokenDigestCache::lookup(std::string_view token) const {
    for (size_t i = 0; i < kEntries; ++i) {
        const Entry &e = entries_[i];
        if (e.length == token.size() && constantTimeEquals({e.token, e.length}, token)) return i;
    }
    return kEntries;
}

Sha256Digest TokenDigestCache::digest(std::string_view token) {
    if (token.empty() || token.size() > kMaxTokenBytes) return sha256Digest(token);
    if (size_t hit = lookup(token); hit < kEntries) {
        entries_[hit].lastUse = ++uses_;
        return entries_[hit].digest;
    }
    Entry *victim = &entries_[0];
    for (Entry &e : entries_) {
        if (e.lastUse < victim->lastUse) victim = &e;
    }
    wipe(*victim);
    victim->digest = sha256Digest(token);
    std::memcpy(victim->token, token.data(), token.size());
    victim->length = token.size();
    victim->lastUse = ++uses_;
    return victim->digest;
}

bool TokenDigestCache::holds(std::string_view token) const { return lookup(token) < kEntries; }

void TokenDigestCache::wipe(Entry &e) noexcept {
    OPENSSL_cleanse(e.token, e.length);
    e.length = 0;
    e.lastUse = 0;
}

void TokenDigestCache::clear() noexcept {
    for (Entry &e : entries_) wipe(e);
    uses_ = 0;
}

std::optional<std::string_view> bearerToken(std::string_view h) {
    while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
    if (!istartsWith(h, "Bearer ")) return std::nullopt;
    h.remove_prefix(7);
    while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
    while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
    if (h.empty()) return std::nullopt;
    return h;
}

}  // namespace scim
