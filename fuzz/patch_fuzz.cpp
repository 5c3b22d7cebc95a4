// libFuzzer target: any input, parsed as a PATCH body, applied to a sample
// User and a sample Group. Must never crash, assert or leak; an error must
// leave the document unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scim/json.hpp"
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

void patchOnce(std::string_view docText, const scim::Json &body, const scim::ResourceType &rt) {
    auto doc = scim::parseJson(docText);
    if (!doc) std::abort();
    scim::JsonDoc before;
    before.CopyFrom(*doc, before.GetAllocator());
    scim::patch::Options opts;
    opts.resourceId = "id-1";
    opts.maxOperations = 50;
    auto outcome = scim::patch::apply(*doc, body, rt, opts);
    if (!outcome && !(*doc == before)) std::abort();  // all or nothing
    if (outcome && !outcome->docChanged && !(*doc == before)) std::abort();
    (void)scim::toString(*doc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    auto body = scim::parseJson(std::string_view(reinterpret_cast<const char *>(data), size));
    if (!body) return 0;
    patchOnce(kUser, *body, scim::userResourceType());
    patchOnce(kGroup, *body, scim::groupResourceType());
    return 0;
}
