// libFuzzer target: any input, parsed as a PATCH body, applied to a sample
// User and a sample Group. Must never crash, assert or leak; an error must
// leave the document unchanged. The samples are parsed once (static).
// Also: the byte-level member count agrees with the count on the JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "../t/unit/member_count_reference.hpp"
#include "asan_defaults.hpp"
#include "scim/json.hpp"
#include "scim/member_count.hpp"
#include "scim/patch.hpp"
#include "scim/schema.hpp"

namespace {

constexpr std::string_view kUser = R"({
  "userName": "bjensen@example.com", "externalId": "e1",
  "name": {"givenName": "Barbara", "familyName": "Jensen"},
  "displayName": "Babs", "title": "Guide", "active": true,
  "emails": [{"value": "b@example.com", "type": "work", "primary": true},
             {"value": "b@home.example", "type": "home"}],
  "phoneNumbers": [{"value": "555-0100", "type": "work"}],
  "addresses": [{"type": "work", "streetAddress": "1 Main St", "primary": true}],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    "employeeNumber": "7", "manager": {"value": "m1"}}})";

constexpr std::string_view kGroup = R"({"displayName": "Engineering", "externalId": "g1"})";

// The sample documents, parsed once; each run patches a copy.
const scim::JsonDoc &parsedOnce(std::string_view text) {
    auto doc = scim::parseJson(text);
    if (!doc) std::abort();
    return *new scim::JsonDoc(std::move(*doc));  // lives as long as the process
}

void patchOnce(const scim::JsonDoc &sample, const scim::Json &body, const scim::ResourceType &rt) {
    scim::JsonDoc doc;
    doc.CopyFrom(sample, doc.GetAllocator());
    scim::patch::Options opts;
    opts.resourceId = "id-1";
    opts.maxOperations = 50;
    auto outcome = scim::patch::apply(doc, body, rt, opts);
    if (!outcome && !(doc == sample)) std::abort();  // all or nothing
    if (outcome && !outcome->docChanged && !(doc == sample)) std::abort();
    (void)scim::toString(doc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    auto body = scim::parseJson(std::string_view(reinterpret_cast<const char *>(data), size));
    if (!body) return 0;
    // The member cap counts on the raw text; it must agree with the JSON.
    if (scim::countNamedMembers(std::string_view(reinterpret_cast<const char *>(data), size)) !=
        scim::countMembersOnDom(*body)) {
        std::abort();
    }
    static const scim::JsonDoc &user = parsedOnce(kUser);
    static const scim::JsonDoc &group = parsedOnce(kGroup);
    patchOnce(user, *body, scim::userResourceType());
    patchOnce(group, *body, scim::groupResourceType());
    return 0;
}
