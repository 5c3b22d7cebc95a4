// The public base URL (scim_base_url) and server_name matching for the
// computed one.
#include <gtest/gtest.h>

#include "scim/base_url.hpp"

using namespace scim;

TEST(BaseUrl, AcceptsAbsoluteHttpAndHttpsUrls) {
    for (const char *url : {"https://app.example.com/scim/v2", "http://app.example.com",
                            "HTTPS://App.Example.com:8443/orgs/acme/scim/v2/",
                            "https://[2001:db8::1]:443/scim", "http://10.0.0.1/a%20b/scim",
                            "https://app.example.com/t;v=1/scim~2"}) {
        EXPECT_EQ(baseUrlError(url), std::nullopt) << url;
    }
}

TEST(BaseUrl, RefusesWhatIsNotAnAbsoluteHttpUrl) {
    struct Case {
        const char *url, *error;
    } cases[] = {
        {"", "must start with \"http://\" or \"https://\""},
        {"/scim/v2", "must start with"},
        {"ftp://example.com/scim", "must start with"},
        {"https:/example.com", "must start with"},
        {"://example.com/scim/v2", "must start with"},
        {"https://", "has no host"},
        {"https:///scim/v2", "has no host"},
        {"https://user:pw@example.com/scim", "user credentials"},
        {"https://example.com:0/scim", "invalid port"},
        {"https://example.com:65536/scim", "invalid port"},
        {"https://example.com:/scim", "invalid port"},
        {"https://example.com:8x/scim", "invalid port"},
        {"https://exa mple.com/scim", "host may only contain"},
        {"https://[zz::1]/scim", "invalid IPv6"},
        {"https://example.com/scim?x=1", "query or a fragment"},
        {"https://example.com#top", "query or a fragment"},
        {"https://example.com/a b", "must be escaped"},
        {"https://example.com/a\"b", "must be escaped"},
        {"https://example.com/a\r\nSet-Cookie: x", "must be escaped"},
        {"https://example.com/%zz", "percent-escape"},
        {"https://example.com/%4", "percent-escape"},
    };
    for (const Case &c : cases) {
        auto err = baseUrlError(c.url);
        ASSERT_TRUE(err.has_value()) << c.url;
        EXPECT_NE(err->find(c.error), std::string::npos) << c.url << ": " << *err;
    }
    std::string longUrl = "https://example.com/" + std::string(kMaxBaseUrlLength, 'a');
    EXPECT_NE(baseUrlError(longUrl)->find("longer than 2048 bytes"), std::string::npos);
}

TEST(BaseUrl, TrailingSlashesAreDropped) {
    EXPECT_EQ(trimBaseUrl("https://a.example/scim/v2/"), "https://a.example/scim/v2");
    EXPECT_EQ(trimBaseUrl("https://a.example//"), "https://a.example");
    EXPECT_EQ(trimBaseUrl("https://a.example/scim"), "https://a.example/scim");
}

TEST(ServerName, MatchesAsNginxDoes) {
    struct Case {
        const char *name, *host;
        bool match;
    } cases[] = {
        {"app.example.com", "app.example.com", true},
        {"app.example.com", "evil.example.com", false},
        {"app.example.com", "app.example.com.evil", false},
        {"*.example.com", "www.example.com", true},
        {"*.example.com", "a.b.example.com", true},
        {"*.example.com", "example.com", false},
        {"*.example.com", "badexample.com", false},
        {".example.com", "example.com", true},
        {".example.com", "www.example.com", true},
        {".example.com", "wwwexample.com", false},
        {"www.example.*", "www.example.org", true},
        {"www.example.*", "www.example.co.uk", true},
        {"www.example.*", "www.example", false},
        {"www.example.*", "mail.example.org", false},
        {"", "", false},
        {"", "example.com", false},
        {"_", "example.com", false},
        {"~^app\\d+\\.example\\.com$", "app1.example.com", false},  // the caller's
    };
    for (const Case &c : cases) {
        EXPECT_EQ(serverNameMatches(c.name, c.host), c.match) << c.name << " / " << c.host;
    }
}

TEST(ServerName, OnlyExactNamesStandForAHost) {
    EXPECT_EQ(serverNameAsHost("app.example.com"), "app.example.com");
    EXPECT_EQ(serverNameAsHost(".example.com"), "example.com");
    EXPECT_EQ(serverNameAsHost("192.0.2.7"), "192.0.2.7");
    EXPECT_EQ(serverNameAsHost("localhost"), "localhost");
    for (const char *name : {"", "_", "*.example.com", "www.example.*", "~^app\\d+$", "."}) {
        EXPECT_EQ(serverNameAsHost(name), "") << name;
    }
}
