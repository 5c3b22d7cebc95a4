# Operator-declared indexes (scim_index, docs/queries.md): an indexed `eq`
# or `sw` filter answers from the index, and the index follows every write
# (POST, PUT, PATCH, DELETE), for a core attribute and for an extension
# attribute of examples/acme.json. That the planner really reads the index
# is proved by removing an entry by hand: the indexed filter then misses
# the user while a scanning one (`co`) still finds it.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

sub slurp { my ($path) = @_; local (@ARGV, $/) = ($path); return scalar <> }

our $FILES = ">>> acme.json\n" . slurp('examples/acme.json');
our $TITLE = 'scim:{default}:users:index:title';
our $GT = 'scim:{default}:groups:index:urn:ietf:params:scim:schemas:extension:acme:2.0:Group:tier';
our $CC = 'scim:{default}:users:index:urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter';

# The members of an index key, "<value>\0<id>" shown as "<value>/<id>".
sub members {
    my ($key) = @_;
    return join ',', map { s/\0/\//r } @{ redis_cmd('ZRANGE', $key, 0, -1) };
}

run_blocks();

__DATA__

=== TEST 1: core attribute: eq and sw follow POST, PUT, PATCH and DELETE
--- http_config
scim_index title;
--- steps
POST /scim/v2/Users
{"userName":"ix1","title":"Boss"}
=> 201
=> save a = json id
---
POST /scim/v2/Users
{"userName":"ix2","title":"boss"}
=> 201
=> save b = json id
---
POST /scim/v2/Users
{"userName":"ix3","title":"Clerk"}
=> 201
=> save c = json id
---
POST /scim/v2/Users
{"userName":"ix4"}
=> 201
=> perl main::members($main::TITLE) eq join ',', sort "boss/{{a}}", "boss/{{b}}", "clerk/{{c}}"
---
# title is not caseExact: the index is folded, the match case-insensitive.
GET /scim/v2/Users?filter=title%20eq%20%22BOSS%22&sortBy=userName
=> 200
=> json {"totalResults":2,"Resources":[{"userName":"ix1"},{"userName":"ix2"}]}
---
PUT /scim/v2/Users/{{a}}
{"userName":"ix1","title":"Clerk"}
=> 200
---
GET /scim/v2/Users?filter=title%20eq%20%22Boss%22
=> 200
=> json {"totalResults":1,"Resources":[{"userName":"ix2"}]}
---
GET /scim/v2/Users?filter=title%20eq%20%22clerk%22&sortBy=userName
=> 200
=> json {"totalResults":2,"Resources":[{"userName":"ix1"},{"userName":"ix3"}]}
---
PATCH /scim/v2/Users/{{b}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"Chief"}]}
=> 200
---
GET /scim/v2/Users?filter=title%20eq%20%22boss%22
=> 200
=> json {"totalResults":0}
---
GET /scim/v2/Users?filter=title%20sw%20%22Ch%22
=> 200
=> json {"totalResults":1,"Resources":[{"userName":"ix2"}]}
---
DELETE /scim/v2/Users/{{c}}
=> 204
---
GET /scim/v2/Users?filter=title%20eq%20%22clerk%22
=> 200
=> json {"totalResults":1,"Resources":[{"userName":"ix1"}]}
=> perl main::members($main::TITLE) eq join ',', sort "chief/{{b}}", "clerk/{{a}}"
---
# A PATCH removing the value removes the entry.
PATCH /scim/v2/Users/{{b}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"title"}]}
=> 200
=> perl main::members($main::TITLE) eq "clerk/{{a}}"
---
# The planner reads the index: without the entry the indexed filter misses
# ix1, while a scanning filter still finds it.
GET /scim/v2/Users?filter=title%20co%20%22lerk%22
=> 200
=> perl ScimTest::redis_cmd('ZREM', $main::TITLE, "clerk" . chr(0) . "{{a}}") == 1
=> json {"totalResults":1,"Resources":[{"userName":"ix1"}]}
---
GET /scim/v2/Users?filter=title%20eq%20%22Clerk%22
=> 200
=> json {"totalResults":0}
---
GET /scim/v2/Users?filter=title%20co%20%22lerk%22
=> 200
=> json {"totalResults":1,"Resources":[{"userName":"ix1"}]}
---
# A write touches only the entries whose values it changes: one that
# leaves the title alone does not put the removed entry back ...
PATCH /scim/v2/Users/{{a}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Ix One"}]}
=> 200
=> perl main::members($main::TITLE) eq ""
---
GET /scim/v2/Users?filter=title%20eq%20%22Clerk%22
=> 200
=> json {"totalResults":0}
---
# ... and one that changes it indexes the new value.
PATCH /scim/v2/Users/{{a}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"Clerks"}]}
=> 200
=> perl main::members($main::TITLE) eq "clerks/{{a}}"
---
GET /scim/v2/Users?filter=title%20eq%20%22Clerks%22
=> 200
=> json {"totalResults":1,"Resources":[{"userName":"ix1"}]}



=== TEST 2: extension attribute by its full URN path (caseExact), inherited from http
--- user_files eval
$main::FILES
--- http_config
scim_schema_extension acme.json;
scim_index urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter;
--- steps
POST /scim/v2/Users
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:acme:2.0:User"],"userName":"cc1","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-12"}}
=> 201
=> save a = json id
---
POST /scim/v2/Users
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:acme:2.0:User"],"userName":"cc2","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-12"}}
=> 201
=> save b = json id
---
POST /scim/v2/Users
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:acme:2.0:User"],"userName":"cc3","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-7"}}
=> 201
=> save c = json id
=> perl main::members($main::CC) eq join ',', sort "CC-12/{{a}}", "CC-12/{{b}}", "CC-7/{{c}}"
---
GET /scim/v2/Users?filter=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AUser%3AcostCenter%20eq%20%22CC-12%22&sortBy=userName
=> 200
=> json {"totalResults":2,"Resources":[{"userName":"cc1"},{"userName":"cc2"}]}
---
# caseExact: another case is another value.
GET /scim/v2/Users?filter=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AUser%3AcostCenter%20eq%20%22cc-12%22
=> 200
=> json {"totalResults":0}
---
# Entra's flat path.
PATCH /scim/v2/Users/{{a}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter","value":"CC-7"}]}
=> 200
---
PUT /scim/v2/Users/{{b}}
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:acme:2.0:User"],"userName":"cc2","urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"costCenter":"CC-99"}}
=> 200
---
GET /scim/v2/Users?filter=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AUser%3AcostCenter%20eq%20%22CC-12%22
=> 200
=> json {"totalResults":0}
---
GET /scim/v2/Users?filter=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AUser%3AcostCenter%20sw%20%22CC-9%22
=> 200
=> json {"totalResults":1,"Resources":[{"userName":"cc2"}]}
---
DELETE /scim/v2/Users/{{c}}
=> 204
---
GET /scim/v2/Users?filter=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AUser%3AcostCenter%20eq%20%22CC-7%22
=> 200
=> json {"totalResults":1,"Resources":[{"userName":"cc1"}]}
=> perl main::members($main::CC) eq join ',', sort "CC-7/{{a}}", "CC-99/{{b}}"
---
# The planner reads the index (see TEST 1).
GET /scim/v2/Users?filter=userName%20eq%20%22cc1%22
=> 200
=> perl ScimTest::redis_cmd('ZREM', $main::CC, "CC-7" . chr(0) . "{{a}}") == 1
---
GET /scim/v2/Users?filter=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AUser%3AcostCenter%20eq%20%22CC-7%22
=> 200
=> json {"totalResults":0}



=== TEST 3: Group extension attribute: eq follows POST, PATCH, DELETE
--- user_files eval
$main::FILES . ">>> acme-group.json\n" . main::slurp('examples/acme-group.json')
--- http_config
scim_schema_extension acme-group.json;
scim_index urn:ietf:params:scim:schemas:extension:acme:2.0:Group:tier;
--- steps
POST /scim/v2/Groups
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","urn:ietf:params:scim:schemas:extension:acme:2.0:Group"],"displayName":"g1","urn:ietf:params:scim:schemas:extension:acme:2.0:Group":{"tier":"Gold"}}
=> 201
=> save g1 = json id
---
POST /scim/v2/Groups
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","urn:ietf:params:scim:schemas:extension:acme:2.0:Group"],"displayName":"g2","urn:ietf:params:scim:schemas:extension:acme:2.0:Group":{"tier":"gold"}}
=> 201
=> save g2 = json id
=> perl main::members($main::GT) eq join ',', sort "gold/{{g1}}", "gold/{{g2}}"
---
GET /scim/v2/Groups?filter=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AGroup%3Atier%20eq%20%22GOLD%22&sortBy=displayName
=> 200
=> json {"totalResults":2,"Resources":[{"displayName":"g1"},{"displayName":"g2"}]}
---
PATCH /scim/v2/Groups/{{g1}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:Group:tier","value":"Silver"}]}
=> 204
---
DELETE /scim/v2/Groups/{{g2}}
=> 204
---
GET /scim/v2/Groups?filter=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AGroup%3Atier%20eq%20%22gold%22
=> 200
=> json {"totalResults":0}
=> perl main::members($main::GT) eq "silver/{{g1}}"
---
GET /scim/v2/Groups?filter=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AGroup%3Atier%20sw%20%22sil%22
=> 200
=> json {"totalResults":1,"Resources":[{"displayName":"g1"}]}
=> perl ScimTest::redis_cmd('ZREM', $main::GT, "silver" . chr(0) . "{{g1}}") == 1
---
# The planner reads the index.
GET /scim/v2/Groups?filter=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aacme%3A2.0%3AGroup%3Atier%20eq%20%22silver%22
=> 200
=> json {"totalResults":0}


=== TEST 4: a location that declares none keeps no index
--- steps
POST /scim/v2/Users
{"userName":"plain","title":"Boss"}
=> 201
=> perl ScimTest::redis_cmd('EXISTS', $main::TITLE) == 0
---
GET /scim/v2/Users?filter=title%20eq%20%22Boss%22
=> 200
=> json {"totalResults":1}



=== TEST 5: config: unknown attribute
--- http_config
scim_index department;
--- nginx_t_fails: scim_index "department": unknown attribute



=== TEST 6: config: an extension attribute of an undeclared extension is unknown
--- http_config
scim_index urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter;
--- nginx_t_fails: scim_index "urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter": unknown attribute



=== TEST 7: config: complex
--- user_files eval
$main::FILES
--- http_config
scim_schema_extension acme.json;
scim_index name;
--- nginx_t_fails: scim_index: "name" is complex or a sub-attribute: only top-level string attributes can be indexed



=== TEST 8: config: multi-valued
--- http_config
scim_index phoneNumbers;
--- nginx_t_fails: scim_index: "phoneNumbers" is multi-valued



=== TEST 9: config: not a string
--- user_files eval
$main::FILES
--- http_config
scim_schema_extension acme.json;
scim_index urn:ietf:params:scim:schemas:extension:acme:2.0:User:seats;
--- nginx_t_fails: scim_index: "urn:ietf:params:scim:schemas:extension:acme:2.0:User:seats" is not a string



=== TEST 10: config: never returned
--- user_files eval
$main::FILES
--- http_config
scim_schema_extension acme.json;
scim_index urn:ietf:params:scim:schemas:extension:acme:2.0:User:pin;
--- nginx_t_fails: scim_index: "urn:ietf:params:scim:schemas:extension:acme:2.0:User:pin" is never returned



=== TEST 11: config: already indexed
--- http_config
scim_index userName;
--- nginx_t_fails: scim_index: "userName" is already indexed



=== TEST 12: config: enterprise employeeNumber, and displayName (indexed already for groups only)
--- http_config
scim_index urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber;
scim_index displayName;
--- nginx_t_ok
