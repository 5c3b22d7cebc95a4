#include "scim/base_url.hpp"

namespace scim {

namespace {

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != prefix[i]) return false;
    }
    return true;
}

bool alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool hostChar(char c) { return alnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

// RFC 3986 path characters, '%' checked by the caller.
bool pathChar(char c) {
    if (alnum(c)) return true;
    switch (c) {
    case '/': case '-': case '.': case '_': case '~': case '!': case '$': case '&':
    case '\'': case '(': case ')': case '*': case '+': case ',': case ';': case '=':
    case ':': case '@':
        return true;
    default:
        return false;
    }
}

std::optional<std::string> hostError(std::string_view host) {
    if (host.empty()) return std::string("it has no host");
    if (host.front() == '[') {
        if (host.back() != ']' || host.size() < 4) return std::string("it has an invalid IPv6 host");
        for (char c : host.substr(1, host.size() - 2)) {
            if (!hex(c) && c != ':' && c != '.') return std::string("it has an invalid IPv6 host");
        }
        return std::nullopt;
    }
    for (char c : host) {
        if (!hostChar(c)) return std::string("its host may only contain letters, digits, '-' and '.'");
    }
    return std::nullopt;
}

std::optional<std::string> portError(std::string_view port) {
    if (port.empty() || port.size() > 5) return std::string("it has an invalid port");
    unsigned long n = 0;
    for (char c : port) {
        if (c < '0' || c > '9') return std::string("it has an invalid port");
        n = n * 10 + static_cast<unsigned long>(c - '0');
    }
    if (n == 0 || n > 65535) return std::string("it has an invalid port");
    return std::nullopt;
}

std::optional<std::string> authorityError(std::string_view authority) {
    if (authority.find('@') != std::string_view::npos) {
        return std::string("it must not carry user credentials");
    }
    // The port follows the last ':' outside an IPv6 literal's brackets.
    size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
        if (auto err = portError(authority.substr(colon + 1))) return err;
        authority = authority.substr(0, colon);
    }
    return hostError(authority);
}

std::optional<std::string> pathError(std::string_view path) {
    for (size_t i = 0; i < path.size(); i++) {
        char c = path[i];
        if (c == '?' || c == '#') return std::string("it must not have a query or a fragment");
        if (c == '%') {
            if (i + 2 >= path.size() || !hex(path[i + 1]) || !hex(path[i + 2])) {
                return std::string("it has an invalid percent-escape");
            }
            i += 2;
            continue;
        }
        if (!pathChar(c)) return std::string("its path has a character that must be escaped");
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> baseUrlError(std::string_view url) {
    if (url.size() > kMaxBaseUrlLength) {
        return "it is longer than " + std::to_string(kMaxBaseUrlLength) + " bytes";
    }
    size_t after;
    if (startsWithNoCase(url, "https://")) {
        after = 8;
    } else if (startsWithNoCase(url, "http://")) {
        after = 7;
    } else {
        return std::string("it must start with \"http://\" or \"https://\"");
    }
    std::string_view rest = url.substr(after);
    size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (authority.find_first_of("?#") != std::string_view::npos) {
        return std::string("it must not have a query or a fragment");
    }
    if (auto err = authorityError(authority)) return err;
    if (slash == std::string_view::npos) return std::nullopt;
    return pathError(rest.substr(slash));
}

std::string_view trimBaseUrl(std::string_view url) {
    while (!url.empty() && url.back() == '/') url.remove_suffix(1);
    return url;
}

bool serverNameMatches(std::string_view name, std::string_view host) {
    if (name.empty() || host.empty() || name.front() == '~') return false;
    if (name.size() > 2 && name.substr(0, 2) == "*.") {  // any subdomain
        std::string_view suffix = name.substr(1);
        return host.size() > suffix.size() &&
               host.substr(host.size() - suffix.size()) == suffix;
    }
    if (name.front() == '.') {  // the domain and any subdomain
        std::string_view domain = name.substr(1);
        return host == domain || (host.size() > name.size() &&
                                  host.substr(host.size() - name.size()) == name);
    }
    if (name.size() > 2 && name.substr(name.size() - 2) == ".*") {  // any top of the name
        std::string_view prefix = name.substr(0, name.size() - 1);
        return host.size() > prefix.size() && host.substr(0, prefix.size()) == prefix;
    }
    return host == name;
}

std::string_view serverNameAsHost(std::string_view name) {
    if (!name.empty() && name.front() == '.') name.remove_prefix(1);
    bool named = false;
    for (char c : name) {
        if (!alnum(c) && c != '-' && c != '.' && c != '_') return {};
        named = named || alnum(c);
    }
    return named ? name : std::string_view{};
}

}  // namespace scim
