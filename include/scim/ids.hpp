// Identifiers, timestamps and secrets, all from OpenSSL.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace scim {

// A random RFC 4122 version-4 UUID, lowercase.
std::string newResourceId();

// An RFC 4122 version-5 (SHA-1, name-based) UUID of `name` in the module's
// own namespace, 523a7f5b-bb0a-49b3-9a10-c153977ec14b: stable ids for
// resources the module creates by itself.
std::string nameBasedId(std::string_view name);

// RFC 3339 UTC with milliseconds: 2026-11-22T13:44:18.123Z.
std::string formatTimestamp(int64_t unixMillis);

// A SHA-256, as its 32 bytes and as 64 lowercase hex digits, held without
// an allocation: the request path hashes the bearer token of every request.
struct Sha256Digest {
    static constexpr size_t kBytes = 32, kChars = 64;
    std::array<unsigned char, kBytes> bytes{};
    std::array<char, kChars> hex{};
    std::string_view raw() const noexcept {
        return {reinterpret_cast<const char *>(bytes.data()), bytes.size()};
    }
    std::string_view view() const noexcept { return {hex.data(), hex.size()}; }
    std::string str() const { return std::string(view()); }
};

Sha256Digest sha256Digest(std::string_view data);

// Lowercase hex SHA-256 of `data`.
std::string sha256Hex(std::string_view data);

// Salted password hash: "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>".
std::string hashPassword(std::string_view password);
bool verifyPassword(std::string_view password, std::string_view stored);

// Constant-time equality of two equal-length byte strings.
bool constantTimeEquals(std::string_view a, std::string_view b) noexcept;

}  // namespace scim
