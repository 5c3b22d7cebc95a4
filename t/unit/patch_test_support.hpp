// Shared fixtures for the PATCH tests: a sample User and Group in canonical
// form, a runner, and JSON comparison that ignores member order.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "scim/json.hpp"
#include "scim/patch.hpp"
#include "scim/schema.hpp"

namespace patch_test {

using namespace scim;

inline constexpr const char *kUserId = "2819c223-7f76-453a-919d-413861904646";
inline constexpr const char *kGroupId = "e9e30dba-f08f-4109-8486-d5c6a331660a";
inline constexpr const char *kEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

inline constexpr const char *kUserDoc = R"({
  "userName": "bjensen@example.com",
  "externalId": "okta-00u1",
  "name": {"givenName": "Barbara", "familyName": "Jensen"},
  "displayName": "Babs Jensen",
  "title": "Tour Guide",
  "active": true,
  "emails": [
    {"value": "bjensen@example.com", "type": "work", "primary": true},
    {"value": "babs@home.example", "type": "home"}
  ],
  "phoneNumbers": [{"value": "555-0100", "type": "work"}],
  "addresses": [
    {"type": "work", "streetAddress": "100 Universal City Plaza", "locality": "Hollywood",
     "primary": true},
    {"type": "home", "streetAddress": "456 Hollywood Blvd", "locality": "Hollywood"}
  ],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    "employeeNumber": "701984",
    "department": "Tour Operations",
    "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}
  }
})";

inline constexpr const char *kGroupDoc = R"({"displayName": "Engineering", "externalId": "okta-00g1"})";

inline JsonDoc parse(const std::string &text) {
    JsonDoc d;
    d.Parse(text.c_str(), text.size());
    EXPECT_FALSE(d.HasParseError()) << "test JSON does not parse: " << text;
    return d;
}

// Wraps operations into a PatchOp body.
inline std::string body(const std::string &operations) {
    return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[)" +
           operations + "]}";
}

inline ::testing::AssertionResult jsonEqual(const Json &actual, const std::string &expected) {
    JsonDoc e = parse(expected);
    if (actual == e) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "\n  actual:   " << toString(actual)
                                         << "\n  expected: " << toString(e);
}

class PatchTest : public ::testing::Test {
protected:
    JsonDoc doc;
    const ResourceType *rt = &userResourceType();
    patch::Options options;

    void SetUp() override { useUser(); }

    void useUser() {
        doc = parse(kUserDoc);
        rt = &userResourceType();
        options.resourceId = kUserId;
    }
    void useGroup() {
        doc = parse(kGroupDoc);
        rt = &groupResourceType();
        options.resourceId = kGroupId;
    }

    // Applies a full request body.
    Expected<patch::Outcome> run(const std::string &request) {
        JsonDoc b = parse(request);
        return patch::apply(doc, b, *rt, options);
    }
    // Applies the given operations (comma-separated JSON objects).
    Expected<patch::Outcome> ops(const std::string &operations) { return run(body(operations)); }

    // The attribute `name` of the current doc (or of the enterprise
    // extension, for an "urn:…:" name), or null.
    const Json &attr(std::string_view name) const {
        static const Json kNull;
        const Json *where = &doc;
        if (name == kEnterprise) {
            const Json *ext = findMember(doc, kEnterprise);
            return ext ? *ext : kNull;
        }
        if (name.rfind(kEnterprise, 0) == 0) {
            where = findMember(doc, kEnterprise);
            if (!where) return kNull;
            name.remove_prefix(std::string_view(kEnterprise).size() + 1);
        }
        const Json *v = findMember(*where, name);
        return v ? *v : kNull;
    }
    bool has(std::string_view name) const { return !attr(name).IsNull(); }

    // The error's scimType, or "ok".
    static std::string scimType(const Expected<patch::Outcome> &r) {
        return r ? std::string("ok") : r.error().scimType;
    }
};

// Asserts success and prints the error otherwise.
#define ASSERT_PATCHED(expr)                                                              \
    do {                                                                                  \
        auto patched_ = (expr);                                                           \
        ASSERT_TRUE(static_cast<bool>(patched_))                                          \
            << patched_.error().scimType << ": " << patched_.error().detail;              \
    } while (0)

}  // namespace patch_test
