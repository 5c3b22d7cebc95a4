# The user life cycles of real identity providers, replayed as they send them
# (../shared/idp-compat.md, docs/idp-quirks.md).
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

run_blocks();

__DATA__

=== TEST 1: Okta: lookup, create, import, deactivate by path-less PATCH, PUT
--- steps
GET /scim/v2/Users?filter=userName%20eq%20%22dade.murphy%40example.com%22&startIndex=1&count=100
> Accept-Charset: utf-8
> Content-Type: application/scim+json; charset=utf-8
=> 200
=> json {"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}
---
POST /scim/v2/Users
> Content-Type: application/scim+json; charset=utf-8
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"dade.murphy@example.com","name":{"givenName":"Dade","familyName":"Murphy"},"emails":[{"primary":true,"value":"dade.murphy@example.com","type":"work"}],"displayName":"Dade Murphy","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":true}
=> 201
=> header ETag: W/"1"
=> json {"userName":"dade.murphy@example.com","active":true,"externalId":"00ujl29u0le5T6Aj10h7","locale":"en-US"}
=> json password absent
=> save id = json id
---
GET /scim/v2/Users?filter=userName%20eq%20%22DADE.MURPHY%40example.com%22&startIndex=1&count=100
=> 200
=> json {"totalResults":1,"itemsPerPage":1,"startIndex":1,"Resources":[{"id":"{{id}}"}]}
---
POST /scim/v2/Users
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Dade.Murphy@example.com","active":true}
=> 409
=> json {"status":"409","scimType":"uniqueness"}
---
GET /scim/v2/Users?startIndex=1&count=100
=> 200
=> json {"totalResults":1,"itemsPerPage":1,"startIndex":1}
---
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}
=> 200
=> json {"active":false,"userName":"dade.murphy@example.com"}
=> header ETag: W/"2"
---
PUT /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"{{id}}","userName":"dade.murphy@example.com","name":{"givenName":"Dade","familyName":"Murphy"},"emails":[{"primary":true,"value":"dade@example.com","type":"work"}],"active":true,"groups":[],"meta":{"resourceType":"User"}}
=> 200
=> json {"active":true,"emails":[{"value":"dade@example.com","type":"work","primary":true}]}
=> json locale absent
=> json meta.version == W/"3"



=== TEST 2: Entra ID: test connection, matching, create with nulls, its PATCH dialect
--- steps
GET /scim/v2/Users?filter=userName%20eq%20%22a8a1a2f4-43f0-4b4c-9b9e-6e1d6b5a0f11%22
=> 200
=> json {"totalResults":0,"Resources":[]}
---
GET /scim/v2/Users?filter=externalId%20eq%20%2255f7c1b1-0d2b-4a6b-ae2a-9a5b1b3f0b7c%22
=> 200
=> json {"totalResults":0}
---
POST /scim/v2/Users
> Content-Type: application/json
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"externalId":"55f7c1b1-0d2b-4a6b-ae2a-9a5b1b3f0b7c","userName":"Test_User_ab6490ee@contoso.com","active":true,"displayName":"Test User","emails":[{"primary":true,"type":"work","value":"Test_User_fd0ea19b@contoso.com"}],"meta":{"resourceType":"User"},"name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},"roles":[],"title":null,"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":null,"department":"Sales"}}
=> 201
=> header Content-Type: application/scim+json
=> json {"externalId":"55f7c1b1-0d2b-4a6b-ae2a-9a5b1b3f0b7c","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales"}}
=> json title absent
=> json roles absent
=> save id = json id
---
GET /scim/v2/Users?filter=emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22test_user_fd0ea19b%40contoso.com%22
=> 200
=> json {"totalResults":1,"Resources":[{"id":"{{id}}"}]}
---
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"},{"op":"Add","path":"emails[type eq \"work\"].value","value":"new@contoso.com"},{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"42"},{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"{{id}}"}]}
=> 200
=> json {"active":false,"emails":[{"value":"new@contoso.com","type":"work","primary":true}]}
=> json urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.employeeNumber == 42
=> json urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.manager.value == {{id}}
---
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"name.givenName":"Given","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"Ops"}}]}
=> 200
=> json {"name":{"givenName":"Given","familyName":"familyName"},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops"}}
---
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":""}]}
=> 200
=> json urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.manager absent
---
DELETE /scim/v2/Users/{{id}}
=> 204
=> body empty
---
GET /scim/v2/Users/{{id}}
=> 404
=> json {"status":"404"}



=== TEST 3: OneLogin and friends: a single object for emails, "True", names in any case
--- steps
POST /scim/v2/Users
> !Content-Type
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:example:unknown:extension"],"UserName":"ol@example.com","Emails":{"Value":"ol@example.com","Type":"work","Primary":"True"},"Active":"True","NAME":{"GivenName":"One"}}
=> 201
=> json {"userName":"ol@example.com","active":true,"name":{"givenName":"One"},"emails":[{"value":"ol@example.com","type":"work","primary":true}]}
=> json schemas.1 absent
=> save id = json id
---
GET /scim/v2/Users?filter=emails%20eq%20%22OL%40example.com%22
=> 200
=> json {"totalResults":1}
---
GET /scim/v2/Users?filter=Emails.Primary%20eq%20true%20and%20meta.Created%20pr
=> 200
=> json {"totalResults":1}
---
# Unquoted values are strings (docs/idp-quirks.md, t/071).
GET /scim/v2/Users?filter=name.familyName%20eq%20Employee
=> 200
=> json {"totalResults":0}
---
GET /scim/v2/Users?filter=name.givenName%20eq%20one
=> 200
=> json {"totalResults":1}
---
GET /scim/v2/ServiceProviderConfig
=> 200
=> json {"patch":{"supported":true},"etag":{"supported":true}}
