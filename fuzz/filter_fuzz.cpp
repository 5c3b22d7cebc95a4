// libFuzzer target: any input, parsed as a filter. A filter that parses
// must print to text that parses back and prints identically, and must
// evaluate against a sample User (and its emails) without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "asan_defaults.hpp"
#include "scim/filter.hpp"
#include "scim/json.hpp"
#include "scim/schema.hpp"

namespace {

constexpr std::string_view kUser = R"({
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "id": "2819c223", "externalId": "e1", "userName": "bjensen@example.com",
  "name": {"givenName": "Barbara", "familyName": "O'Malley"},
  "displayName": "Babs", "title": "Guide", "userType": "Employee", "active": true,
  "nickName": "", "timezone": null,
  "emails": [{"value": "b@example.com", "type": "work", "primary": true},
             {"value": "b@home.example", "type": "home"}, "odd", 7, null],
  "ims": [{"value": "b@foo.com", "type": "xmpp"}],
  "phoneNumbers": {"value": "555-0100", "type": "work"},
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    "employeeNumber": "7", "manager": {"value": "m1", "displayName": "John"}},
  "meta": {"resourceType": "User", "created": "2010-01-23T04:56:22Z",
           "lastModified": "2011-05-13T04:42:34.5+02:00", "version": "W/\"1\""}})";

const scim::JsonDoc &sampleUser() {
    static const scim::JsonDoc doc = [] {
        auto parsed = scim::parseJson(kUser);
        if (!parsed) std::abort();
        return std::move(*parsed);
    }();
    return doc;
}

// Printing adds parentheses around every and/or, so the printed form may
// nest up to twice as deep and be longer than the input.
scim::filter::Limits reparseLimits() {
    scim::filter::Limits defaults, roomy;
    roomy.maxLength = defaults.maxLength * 8;
    roomy.maxDepth = defaults.maxDepth * 2 + 2;
    return roomy;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string_view text(reinterpret_cast<const char *>(data), size);
    auto node = scim::filter::parse(text);
    if (!node) return 0;
    std::string printed = scim::filter::toString(**node);
    auto again = scim::filter::parse(printed, reparseLimits());
    if (!again || scim::filter::toString(**again) != printed) __builtin_trap();

    const scim::JsonDoc &user = sampleUser();
    (void)scim::filter::matches(**node, user, scim::userResourceType());
    (void)scim::filter::matches(**node, user, scim::groupResourceType());
    const scim::Attribute &emails = *scim::userSchema().find("emails");
    for (const scim::Json &element : user["emails"].GetArray()) {
        (void)scim::filter::matchesElement(**node, element, emails);
    }
    return 0;
}
