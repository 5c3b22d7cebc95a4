# Operator-defined schema extensions (scim_schema_extension,
# docs/extensions.md), end to end. The extension files are the worked
# example of the docs, examples/acme.json (User) and examples/acme-group.json
# (Group).
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

sub slurp { my ($path) = @_; local (@ARGV, $/) = ($path); return scalar <> }

our $FILES = ">>> acme.json\n" . slurp('examples/acme.json')
           . ">>> acme-group.json\n" . slurp('examples/acme-group.json');
our $U = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
our $G = 'urn:ietf:params:scim:schemas:extension:acme:2.0:Group';

run_blocks();

__DATA__

=== TEST 1: discovery lists the extensions; ServiceProviderConfig is unchanged
--- user_files eval
$main::FILES
--- http_config
scim_schema_extension acme.json;
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_schema_extension acme-group.json;
        scim_schema_extension acme.json required;
    }
    location /inherited/scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
    }
--- steps
GET /scim/v2/Schemas/urn:ietf:params:scim:schemas:extension:acme:2.0:User
=> 200
=> json {"id":"urn:ietf:params:scim:schemas:extension:acme:2.0:User","name":"AcmeUser","meta":{"resourceType":"Schema"}}
=> perl (grep { $_->{name} eq 'badgeNumber' && $_->{uniqueness} eq 'server' && $_->{type} eq 'string' } @{ $r->{json}{attributes} }) == 1
=> perl (grep { $_->{name} eq 'pin' && $_->{returned} eq 'never' } @{ $r->{json}{attributes} }) == 1
=> perl (grep { $_->{name} eq 'projects' && $_->{multiValued} && $_->{subAttributes}[0]{required} } @{ $r->{json}{attributes} }) == 1
---
GET /scim/v2/Schemas
=> 200
=> json {"totalResults":5}
---
GET /scim/v2/ResourceTypes/User
=> 200
=> json {"schemaExtensions":[{"schema":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","required":false},{"schema":"urn:ietf:params:scim:schemas:extension:acme:2.0:User","required":true}]}
---
GET /scim/v2/ResourceTypes/Group
=> 200
=> json {"schemaExtensions":[{"schema":"urn:ietf:params:scim:schemas:extension:acme:2.0:Group","required":false}]}
---
GET /scim/v2/ServiceProviderConfig
=> 200
=> body unlike acme
---
# A location that declares none inherits http's list, and one that
# declares any replaces it.
GET /inherited/scim/v2/ResourceTypes/User
=> 200
=> json {"schemaExtensions":[{"required":false},{"schema":"urn:ietf:params:scim:schemas:extension:acme:2.0:User","required":false}]}
---
GET /inherited/scim/v2/ResourceTypes/Group
=> 200
=> json {"schemaExtensions":[]}



=== TEST 2: User: create, get, put; coercion, readOnly and never
--- user_files eval
$main::FILES
--- http_config
scim_schema_extension acme.json;
--- steps
POST /scim/v2/Users
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:acme:2.0:User"],"userName":"ext1","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"CostCenter":"CC-12","badgeNumber":"B-1","seats":3.0,"contractor":"True","startDate":"2026-01-05T09:00:00Z","pin":"1234","riskScore":0.9,"projects":{"code":"P1","role":"lead"}},"urn:ietf:params:scim:schemas:extension:other:2.0:User":{"x":"ignored"}}
=> 201
=> json {"userName":"ext1","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-12","badgeNumber":"B-1","seats":3,"contractor":true,"startDate":"2026-01-05T09:00:00Z","projects":[{"code":"P1","role":"lead"}]}}
=> json urn:ietf:params:scim:schemas:extension:acme:2.0:User.pin absent
=> json urn:ietf:params:scim:schemas:extension:acme:2.0:User.riskScore absent
=> json urn:ietf:params:scim:schemas:extension:other:2.0:User absent
=> perl (grep { $_ eq 'urn:ietf:params:scim:schemas:extension:acme:2.0:User' } @{ $r->{json}{schemas} }) == 1
=> save id = json id
---
# Stored in the canonical document under the URN key, `pin` included.
GET /scim/v2/Users/{{id}}
=> 200
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-12","seats":3}}
=> json urn:ietf:params:scim:schemas:extension:acme:2.0:User.pin absent
=> perl redis_cmd('HGET', 'scim:{default}:user:{{id}}', 'doc') =~ /"urn:ietf:params:scim:schemas:extension:acme:2.0:User":\{"costCenter":"CC-12","badgeNumber":"B-1","seats":3,"contractor":true,"startDate":"2026-01-05T09:00:00Z","pin":"1234","projects":\[\{"code":"P1","role":"lead"\}\]\}/
---
# Entra's flat keys in a PUT; what the PUT leaves out is gone.
PUT /scim/v2/Users/{{id}}
{"userName":"ext1","urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter":"CC-13","urn:ietf:params:scim:schemas:extension:acme:2.0:User:region":"emea"}
=> 200
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-13","region":"emea"}}
=> json urn:ietf:params:scim:schemas:extension:acme:2.0:User.seats absent
---
PUT /scim/v2/Users/{{id}}
{"userName":"ext1"}
=> 200
=> json urn:ietf:params:scim:schemas:extension:acme:2.0:User absent
=> perl !grep { /acme/ } @{ $r->{json}{schemas} }
---
# Validation per type, naming the full path.
POST /scim/v2/Users
{"userName":"ext2","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"seats":"three"}}
=> 400
=> json {"scimType":"invalidValue","detail":"attribute 'urn:ietf:params:scim:schemas:extension:acme:2.0:User:seats' must be an integer"}
---
POST /scim/v2/Users
{"userName":"ext2","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"startDate":"yesterday"}}
=> 400
=> json {"scimType":"invalidValue","detail":"/startDate' must be an RFC 3339 date-time/"}
---
POST /scim/v2/Users
{"userName":"ext2","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":["a","b"]}}
=> 400
=> json {"scimType":"invalidValue"}
---
POST /scim/v2/Users
{"userName":"ext2","urn:ietf:params:scim:schemas:extension:acme:2.0:User":"CC-1"}
=> 400
=> json {"scimType":"invalidValue","detail":"attribute 'urn:ietf:params:scim:schemas:extension:acme:2.0:User' must be an object"}



=== TEST 3: User PATCH: with a path, Entra's flat path, path-less with flat and nested keys
--- user_files eval
$main::FILES
--- http_config
scim_schema_extension acme.json;
--- steps
POST /scim/v2/Users
{"userName":"patchme","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-1","projects":[{"code":"P1","role":"member"},{"code":"P2"}]}}
=> 201
=> save id = json id
---
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter","value":"CC-2"}]}
=> 200
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-2"}}
---
# Entra: capitalised op, string boolean.
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:contractor","value":"False"},{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:seats","value":7}]}
=> 200
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-2","contractor":false,"seats":7}}
---
# A value filter inside an extension attribute.
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:projects[code eq \"P2\"].role","value":"lead"}]}
=> 200
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"projects":[{"code":"P1","role":"member"},{"code":"P2","role":"lead"}]}}
---
# Path-less: Entra's flat key, and the nested object.
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:acme:2.0:User:region":"apac","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"badgeNumber":"B-9"},"urn:ietf:params:scim:schemas:extension:unknown:2.0:User:x":"ignored"}}]}
=> 200
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-2","region":"apac","badgeNumber":"B-9"}}
---
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter"}]}
=> 200
=> json urn:ietf:params:scim:schemas:extension:acme:2.0:User.costCenter absent
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"region":"apac"}}
---
# readOnly: a PATCH naming it is refused, as for core attributes; in a
# path-less value it is ignored, as in POST and PUT.
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:riskScore","value":1}]}
=> 400
=> json {"scimType":"mutability"}
---
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:acme:2.0:User:riskScore":1,"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"riskScore":2,"seats":8}}}]}
=> 200
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"seats":8}}
=> json urn:ietf:params:scim:schemas:extension:acme:2.0:User.riskScore absent
---
# Under a declared extension, an unknown attribute is an error.
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:nosuch","value":1}]}
=> 400
=> json {"scimType":"invalidPath"}
---
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:seats","value":"many"}]}
=> 400
=> json {"scimType":"invalidValue"}



=== TEST 4: filter, sortBy and projection on full URN paths
--- user_files eval
$main::FILES
--- http_config
scim_schema_extension acme.json;
--- steps
POST /scim/v2/Users
{"userName":"f1","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-12","seats":5,"region":"emea"}}
=> 201
---
POST /scim/v2/Users
{"userName":"f2","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-99","seats":1}}
=> 201
---
POST /scim/v2/Users
{"userName":"f3","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-12","seats":9,"pin":"7"}}
=> 201
---
GET /scim/v2/Users?filter=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AUser%3AcostCenter%20eq%20%22CC-12%22&sortBy=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AUser%3Aseats&sortOrder=descending
=> 200
=> json {"totalResults":2,"Resources":[{"userName":"f3"},{"userName":"f1"}]}
---
GET /scim/v2/Users?filter=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AUser%3Aseats%20gt%202%20and%20not%20(urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AUser%3Aregion%20pr)
=> 200
=> json {"totalResults":1,"Resources":[{"userName":"f3"}]}
---
POST /scim/v2/Users/.search
{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter sw \"CC-9\"","attributes":["userName","urn:ietf:params:scim:schemas:extension:acme:2.0:User:seats"]}
=> 200
=> json {"totalResults":1,"Resources":[{"userName":"f2","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"seats":1}}]}
=> json Resources.0.urn:ietf:params:scim:schemas:extension:acme:2.0:User.costCenter absent
---
GET /scim/v2/Users?sortBy=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AUser%3Aseats&excludedAttributes=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AUser
=> 200
=> json {"totalResults":3,"Resources":[{"userName":"f2"},{"userName":"f1"},{"userName":"f3"}]}
=> body unlike CC-
=> body unlike acme
---
GET /scim/v2/Users?filter=userName%20eq%20%22f3%22&attributes=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AUser%3Apin
=> 200
=> body unlike "pin"



=== TEST 5: required extension and required attributes: 400 invalidValue
--- user_files eval
$main::FILES
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_schema_extension acme.json required;
        scim_schema_extension acme-group.json required;
    }
    location /lax/scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_schema_extension acme.json;
    }
--- steps
POST /scim/v2/Users
{"userName":"req1"}
=> 400
=> json {"status":"400","scimType":"invalidValue","detail":"the extension 'urn:ietf:params:scim:schemas:extension:acme:2.0:User' is required"}
---
POST /scim/v2/Users
{"userName":"req1","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"projects":[{"role":"lead"}]}}
=> 400
=> json {"scimType":"invalidValue","detail":"attribute 'urn:ietf:params:scim:schemas:extension:acme:2.0:User:projects.code' is required"}
---
POST /scim/v2/Users
{"userName":"req1","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-1"}}
=> 201
=> save id = json id
---
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter"}]}
=> 400
=> json {"scimType":"invalidValue","detail":"the extension 'urn:ietf:params:scim:schemas:extension:acme:2.0:User' is required"}
---
PUT /scim/v2/Users/{{id}}
{"userName":"req1"}
=> 400
=> json {"scimType":"invalidValue"}
---
GET /scim/v2/Users/{{id}}
=> 200
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-1"}}
=> json meta.version == W/"1"
---
POST /scim/v2/Groups
{"displayName":"Req"}
=> 400
=> json {"scimType":"invalidValue","detail":"the extension 'urn:ietf:params:scim:schemas:extension:acme:2.0:Group' is required"}
---
# A user stored before the extension became required: a PATCH that does
# not touch it (deprovisioning) still works, a PUT without it does not.
POST /lax/scim/v2/Users
{"userName":"old1","active":true}
=> 201
=> save old = json id
---
PATCH /scim/v2/Users/{{old}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}
=> 200
=> json {"active":false}
---
PUT /scim/v2/Users/{{old}}
{"userName":"old1","active":false,"displayName":"x"}
=> 400
=> json {"scimType":"invalidValue"}



=== TEST 6: uniqueness server: 409 uniqueness, atomically, released on change and delete
--- user_files eval
$main::FILES
--- http_config
scim_schema_extension acme.json;
scim_schema_extension acme-group.json;
--- steps
POST /scim/v2/Users
{"userName":"u1","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"badgeNumber":"B-100"}}
=> 201
=> save u1 = json id
=> perl redis_cmd('HGET', 'scim:{default}:users:unique:urn:ietf:params:scim:schemas:extension:acme:2.0:User:badgeNumber', 'b-100') eq '{{u1}}'
---
# Not caseExact: compared case-insensitively.
POST /scim/v2/Users
{"userName":"u2","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"badgeNumber":"b-100"}}
=> 409
=> json {"status":"409","scimType":"uniqueness","detail":"attribute 'urn:ietf:params:scim:schemas:extension:acme:2.0:User:badgeNumber' value 'b-100' is already taken"}
---
# Nothing of the refused write stays behind.
GET /scim/v2/Users?filter=userName%20eq%20%22u2%22
=> 200
=> json {"totalResults":0}
---
POST /scim/v2/Users
{"userName":"u2","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"badgeNumber":"B-200"}}
=> 201
=> save u2 = json id
---
PATCH /scim/v2/Users/{{u2}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:badgeNumber","value":"B-100"}]}
=> 409
=> json {"scimType":"uniqueness"}
---
PUT /scim/v2/Users/{{u2}}
{"userName":"u2-renamed","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"badgeNumber":"B-100"}}
=> 409
=> json {"scimType":"uniqueness"}
---
# The refused PUT changed nothing, not even the userName index.
GET /scim/v2/Users?filter=userName%20eq%20%22u2%22
=> 200
=> json {"totalResults":1}
---
# Keeping one's own value is no conflict.
PUT /scim/v2/Users/{{u1}}
{"userName":"u1","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"badgeNumber":"B-100","costCenter":"x"}}
=> 200
---
# u1 lets go of B-100 (PATCH), u2 takes it.
PATCH /scim/v2/Users/{{u1}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:badgeNumber","value":"B-101"}]}
=> 200
---
PATCH /scim/v2/Users/{{u2}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:badgeNumber","value":"B-100"}]}
=> 200
---
# Delete releases it.
DELETE /scim/v2/Users/{{u2}}
=> 204
---
POST /scim/v2/Users
{"userName":"u3","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"badgeNumber":"B-100"}}
=> 201
---
POST /scim/v2/Groups
{"displayName":"G1","urn:ietf:params:scim:schemas:extension:acme:2.0:Group":{"budgetCode":"BUD-1","tier":"gold"}}
=> 201
=> save g1 = json id
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:Group":{"budgetCode":"BUD-1","tier":"gold"}}
---
POST /scim/v2/Groups
{"displayName":"G2","urn:ietf:params:scim:schemas:extension:acme:2.0:Group":{"budgetCode":"bud-1"}}
=> 409
=> json {"scimType":"uniqueness","detail":"/Group:budgetCode' value 'bud-1' is already taken/"}
---
POST /scim/v2/Groups
{"displayName":"G2","urn:ietf:params:scim:schemas:extension:acme:2.0:Group":{"budgetCode":"BUD-2"}}
=> 201
=> save g2 = json id
---
PATCH /scim/v2/Groups/{{g2}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:Group:budgetCode","value":"BUD-1"}]}
=> 409
=> json {"scimType":"uniqueness"}
---
DELETE /scim/v2/Groups/{{g1}}
=> 204
---
PUT /scim/v2/Groups/{{g2}}
{"displayName":"G2","urn:ietf:params:scim:schemas:extension:acme:2.0:Group":{"budgetCode":"BUD-1"}}
=> 200
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:Group":{"budgetCode":"BUD-1"}}
=> perl redis_cmd('HGET', 'scim:{default}:groups:unique:urn:ietf:params:scim:schemas:extension:acme:2.0:Group:budgetCode', 'bud-1') eq '{{g2}}'
=> perl !defined redis_cmd('HGET', 'scim:{default}:groups:unique:urn:ietf:params:scim:schemas:extension:acme:2.0:Group:budgetCode', 'bud-2')



=== TEST 7: Groups: get, filter, PATCH path-less; events name changed extension attributes
--- user_files eval
$main::FILES
--- http_config
scim_schema_extension acme.json;
scim_schema_extension acme-group.json;
--- steps
POST /scim/v2/Groups
{"displayName":"Gold","urn:ietf:params:scim:schemas:extension:acme:2.0:Group":{"tier":"gold"}}
=> 201
=> save g = json id
---
GET /scim/v2/Groups?filter=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AGroup%3Atier%20eq%20%22GOLD%22
=> 200
=> json {"totalResults":1,"Resources":[{"displayName":"Gold","urn:ietf:params:scim:schemas:extension:acme:2.0:Group":{"tier":"gold"}}]}
---
PATCH /scim/v2/Groups/{{g}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:acme:2.0:Group:tier":"silver"}}]}
=> 204
---
GET /scim/v2/Groups/{{g}}
=> 200
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:Group":{"tier":"silver"}}
---
POST /scim/v2/Users
{"userName":"ev1","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-1"}}
=> 201
=> save u = json id
---
PATCH /scim/v2/Users/{{u}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter","value":"CC-2"},{"op":"add","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:seats","value":2}]}
=> 200
---
PUT /scim/v2/Users/{{u}}
{"userName":"ev1","displayName":"Ev","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-2","seats":2}}
=> 200
--- perl
my %changed;
for my $e (@{ redis_cmd('XRANGE', 'scim:{default}:events', '-', '+') }) {
    my %f = @{ $e->[1] };
    push @{ $changed{"$f{type}"} }, $f{changed};
}
is_deeply($changed{'group.updated'}, ['urn:ietf:params:scim:schemas:extension:acme:2.0:Group:tier'],
          'group.updated names the extension attribute');
is_deeply($changed{'user.updated'},
          ['urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter,urn:ietf:params:scim:schemas:extension:acme:2.0:User:seats',
           'displayName'],
          'user.updated names the extension attributes with their full path');



=== TEST 8: a soft delete keeps the extension values for the app
--- user_files eval
$main::FILES
--- http_config
scim_schema_extension acme.json;
--- steps
POST /scim/v2/Users
{"userName":"gone","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-7","badgeNumber":"B-7","pin":"99"}}
=> 201
=> save id = json id
---
DELETE /scim/v2/Users/{{id}}
=> 204
=> perl redis_cmd('HGET', 'scim:{default}:deleted-user:{{id}}', 'doc') =~ /"urn:ietf:params:scim:schemas:extension:acme:2.0:User":\{"costCenter":"CC-7","badgeNumber":"B-7","pin":"99"\}/
=> perl !defined redis_cmd('HGET', 'scim:{default}:users:unique:urn:ietf:params:scim:schemas:extension:acme:2.0:User:badgeNumber', 'b-7')
---
GET /scim/v2/Users/{{id}}
=> 404



=== TEST 9: Okta: custom app attributes under the extension, echoed whole by PUT
--- user_files eval
$main::FILES
--- http_config
scim_schema_extension acme.json;
--- steps
POST /scim/v2/Users
> Content-Type: application/scim+json; charset=utf-8
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:acme:2.0:User"],"userName":"dade.murphy@example.com","name":{"givenName":"Dade","familyName":"Murphy"},"emails":[{"primary":true,"value":"dade.murphy@example.com","type":"work"}],"displayName":"Dade Murphy","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":true,"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-12","region":"amer","seats":2}}
=> 201
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-12","region":"amer","seats":2}}
=> save id = json id
---
PUT /scim/v2/Users/{{id}}
> Content-Type: application/scim+json; charset=utf-8
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:acme:2.0:User"],"id":"{{id}}","userName":"dade.murphy@example.com","name":{"givenName":"Dade","familyName":"Murphy"},"emails":[{"primary":true,"value":"dade.murphy@example.com","type":"work"}],"active":true,"groups":[],"meta":{"resourceType":"User"},"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-14","region":"amer","seats":2}}
=> 200
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-14"}}
=> json meta.version == W/"2"
---
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false,"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"region":"emea"}}}]}
=> 200
=> json {"active":false,"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-14","region":"emea","seats":2}}



=== TEST 10: Entra ID: flat custom attribute paths, "True", unknown extensions it sends
--- user_files eval
$main::FILES
--- http_config
scim_schema_extension acme.json;
--- steps
POST /scim/v2/Users
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","urn:ietf:params:scim:schemas:extension:acme:2.0:User"],"externalId":"jdoe","userName":"jdoe@contoso.example","active":true,"displayName":"Jane Doe","emails":[{"primary":true,"type":"work","value":"jdoe@contoso.example"}],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales"},"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-3","contractor":"True"},"urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User":{"CustomAttribute":"ignored"}}
=> 201
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-3","contractor":true},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales"}}
=> body unlike CustomAttribute
=> save id = json id
---
GET /scim/v2/Users?filter=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AUser%3AcostCenter%20eq%20%22CC-3%22
=> 200
=> json {"totalResults":1,"Resources":[{"id":"{{id}}"}]}
---
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter","value":"CC-4"},{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:contractor","value":"False"},{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:CustomAttribute","value":"x"}]}
=> 200
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-4","contractor":false}}
---
# aadOptscim062020: path-less with flat keys.
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter":"CC-5","urn:ietf:params:scim:schemas:extension:acme:2.0:User:seats":4}}]}
=> 200
=> json {"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-5","contractor":false,"seats":4}}
---
# Clearing with an empty value.
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter","value":""}]}
=> 200
=> json urn:ietf:params:scim:schemas:extension:acme:2.0:User.costCenter absent



=== TEST 11: config: invalid JSON
--- user_files
>>> bad.json
{"id": "urn:example:acme:2.0:User", "attributes": [
--- http_config
scim_schema_extension bad.json;
--- nginx_t_fails: scim_schema_extension "[^"]*/bad\.json": invalid JSON



=== TEST 12: config: unknown type
--- user_files
>>> bad.json
{"id": "urn:example:acme:2.0:User", "attributes": [{"name": "costCenter", "type": "text"}]}
--- http_config
scim_schema_extension bad.json;
--- nginx_t_fails: bad\.json": attribute "costCenter": unknown type "text"



=== TEST 13: config: a URN clashing with a core schema
--- user_files
>>> bad.json
{"id": "urn:ietf:params:scim:schemas:core:2.0:User", "attributes": [{"name": "costCenter", "type": "string"}]}
--- http_config
scim_schema_extension bad.json;
--- nginx_t_fails: bad\.json": schema id "urn:ietf:params:scim:schemas:core:2.0:User" clashes with the core schema



=== TEST 14: config: a duplicate attribute
--- user_files
>>> bad.json
{"id": "urn:example:acme:2.0:User", "attributes": [{"name": "costCenter", "type": "string"}, {"name": "COSTCENTER", "type": "string"}]}
--- http_config
scim_schema_extension bad.json;
--- nginx_t_fails: bad\.json": duplicate attribute "COSTCENTER"



=== TEST 15: config: a URN that names no resource type
--- user_files
>>> bad.json
{"id": "urn:example:acme:2.0:Device", "attributes": [{"name": "costCenter", "type": "string"}]}
--- http_config
scim_schema_extension bad.json;
--- nginx_t_fails: must end in ":User" or ":Group"



=== TEST 16: config: a characteristic the module cannot honour
--- user_files
>>> bad.json
{"id": "urn:example:acme:2.0:User", "attributes": [{"name": "seats", "type": "integer", "uniqueness": "server"}]}
--- http_config
scim_schema_extension bad.json;
--- nginx_t_fails: uniqueness server is supported only on a single-valued, top-level string attribute



=== TEST 17: config: a missing file
--- nginx_t_fails: scim_schema_extension "[^"]*/missing\.json": cannot be read
--- http_config
scim_schema_extension missing.json;



=== TEST 18: config: a bad parameter
--- user_files eval
$main::FILES
--- http_config
scim_schema_extension acme.json optional;
--- nginx_t_fails: invalid scim_schema_extension parameter "optional"



=== TEST 19: config: two files with one URN
--- user_files eval
$main::FILES . ">>> again.json\n" . main::slurp("examples/acme.json")
--- http_config
scim_schema_extension acme.json;
scim_schema_extension again.json;
--- nginx_t_fails: clashes with schema "urn:ietf:params:scim:schemas:extension:acme:2.0:User" in "[^"]*/acme\.json"
