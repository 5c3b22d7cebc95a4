// The public base URL: the prefix of every URL the module returns (Location,
// meta.location, $ref). scim_base_url sets it; without it the edge builds it
// from the connection and the server's names (docs/directives.md).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace scim {

inline constexpr size_t kMaxBaseUrlLength = 2048;

// Why `url` cannot be the base URL, or nullopt: it must be an absolute
// http(s) URL with a host, an optional port and path, no credentials, query
// or fragment, and only characters that need no escaping in a header or JSON.
std::optional<std::string> baseUrlError(std::string_view url);

// `url` without its trailing slashes: the module appends "/Users/…" to it.
std::string_view trimBaseUrl(std::string_view url);

// Whether `host` (lowercase, without port: nginx's $host) matches the
// server_name `name`: exact, "*.example.com", ".example.com" or
// "www.example.*", as nginx matches them. Regular expressions ("~…") are
// the caller's to match; they never match here.
bool serverNameMatches(std::string_view name, std::string_view host);

// `name` as a URL's host when it can stand for one (an exact host name or
// address; ".example.com" gives "example.com"), else empty: "", "_",
// wildcards and regular expressions name no single host.
std::string_view serverNameAsHost(std::string_view name);

}  // namespace scim
