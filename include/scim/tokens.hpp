// Static bearer tokens from nginx.conf or a token file. Only SHA-256 hashes
// are ever held; a presented token is hashed and compared in constant time
// against every entry, so timing tells nothing about which one matched.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scim/error.hpp"

namespace scim {

struct TokenEntry {
    std::string sha256;  // 64 lowercase hex digits
    std::string name;    // for logs and change events, never the secret
    std::string tenant;  // empty: bound to no tenant
};

class TokenSet {
public:
    // Validates and adds an entry; the error text is for `nginx -t`. An
    // empty tenant is allowed and binds the token to no tenant.
    std::optional<std::string> add(std::string_view sha256Hex, std::string_view name,
                                   std::string_view tenant);

    // Parses a token file: one "<sha256 hex> [name] [tenant]" per line,
    // '#' comments and blank lines allowed. Returns an error naming the line.
    std::optional<std::string> loadFile(const std::string &path, std::string_view defaultTenant);

    // The entry whose hash equals SHA-256(presented), if any.
    const TokenEntry *find(std::string_view presented) const;

    bool empty() const { return entries_.empty(); }
    size_t size() const { return entries_.size(); }

private:
    std::vector<TokenEntry> entries_;
};

// The token of an "Authorization: Bearer <token>" header value (scheme
// case-insensitive), or nullopt.
std::optional<std::string_view> bearerToken(std::string_view authorization);

}  // namespace scim
