# /Users end to end (RFC 7643 §4.1, §4.3; RFC 7644 §3.3, §3.4.1, §3.4.2,
# §3.5.1, §3.6, §3.14): create, read, replace, delete, list, uniqueness,
# ETags, the enterprise extension, a 200 KB user, and what identity
# providers send (../shared/idp-compat.md).
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

our $UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
our $TS = '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$';
our $CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
our $ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

run_blocks();

__DATA__

=== TEST 1: POST /Users creates a user: 201, Location, ETag, meta, id
--- request
POST /scim/v2/Users
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","name":{"givenName":"Barbara","familyName":"Jensen"},"displayName":"Babs Jensen"}
--- error_code: 201
--- response_headers
Content-Type: application/scim+json
ETag: W/"1"
--- response_headers_like
Location: ^http://localhost:\d+/scim/v2/Users/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$
--- response_json
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
 "id":"/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/",
 "userName":"bjensen",
 "name":{"givenName":"Barbara","familyName":"Jensen"},
 "displayName":"Babs Jensen",
 "password":"__ABSENT__",
 "meta":{"resourceType":"User",
         "created":"/^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z$/",
         "lastModified":"/^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z$/",
         "location":"/^http://localhost:\\d+/scim/v2/Users/[0-9a-f-]{36}$/",
         "version":"W/\"1\""}}
--- no_error_log
[error]



=== TEST 2: GET by id returns what POST returned; meta.location is the Location header
--- steps
POST /scim/v2/Users
{"userName":"bjensen@example.com","externalId":"okta-1","title":"Tour Guide"}
=> 201
=> save id = json id
=> save location = header Location
=> save body = body
=> json meta.location == {{location}}
---
GET /scim/v2/Users/{{id}}
=> 200
=> header Content-Type: application/scim+json
=> header ETag: W/"1"
=> body is {{body}}
--- no_error_log
[error]



=== TEST 3: password is never returned and is stored as a salted PBKDF2 hash
--- perl
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"pw","password":"t0p-Secret"}');
is($r->{status}, 201, 'created');
ok(!exists $r->{json}{password}, 'no password in the POST response');
unlike($r->{body}, qr/t0p-Secret/, 'the secret is nowhere in the response');
my $id = $r->{json}{id};
my $g = scim_request('GET', "/scim/v2/Users/$id");
ok(!exists $g->{json}{password}, 'no password in GET');
my $l = scim_request('GET', '/scim/v2/Users');
unlike($l->{body}, qr/t0p-Secret|"password"/, 'no password in the list');
my $stored = redis_cmd('HGET', "scim:{default}:user:$id", 'password');
like($stored // '', qr/^pbkdf2-sha256\$\d+\$[0-9a-f]+\$[0-9a-f]{64}$/, 'stored as pbkdf2-sha256$iter$salt$hash');
my $doc = redis_cmd('HGET', "scim:{default}:user:$id", 'doc') // '';
unlike($doc, qr/t0p-Secret/, 'the secret is not in the stored document');
my $all = join ' ', map { ref $_ ? '' : $_ // '' } @{ redis_cmd('HGETALL', "scim:{default}:user:$id") };
unlike($all, qr/t0p-Secret/, 'the plaintext is nowhere in the user hash');
my $r2 = scim_request('POST', '/scim/v2/Users', '{"userName":"pw2","password":"t0p-Secret"}');
my $stored2 = redis_cmd('HGET', "scim:{default}:user:$r2->{json}{id}", 'password') // '';
isnt($stored2, $stored, 'the same password gets a different salt');
--- no_error_log
[error]



=== TEST 4: scim_user_password discard keeps no password at all
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_user_password discard;
    }
--- perl
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"pw","password":"t0p-Secret"}');
is($r->{status}, 201, 'created');
ok(!exists $r->{json}{password}, 'not returned');
my $id = $r->{json}{id};
is(redis_cmd('HEXISTS', "scim:{default}:user:$id", 'password'), 0, 'no password field in Redis');



=== TEST 5: PUT replaces the whole user, bumps the version, keeps id and created
--- steps
POST /scim/v2/Users
{"userName":"bjensen","displayName":"Babs","nickName":"B","emails":[{"value":"b@example.com","type":"work"}]}
=> 201
=> save id = json id
=> save created = json meta.created
=> save lm = json meta.lastModified
=> sleep 0.05
---
PUT /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"11111111-2222-4333-8444-555555555555","userName":"bjensen","displayName":"Barbara"}
=> 200
=> header Content-Type: application/scim+json
=> header ETag: W/"2"
=> json {"id":"{{id}}","userName":"bjensen","displayName":"Barbara","nickName":"__ABSENT__","emails":"__ABSENT__"}
=> json meta.version == W/"2"
=> json meta.created == {{created}}
=> json meta.lastModified != {{lm}}
=> json meta.lastModified like ^\d{4}-\d\d-\d\dT
=> save body = body
---
GET /scim/v2/Users/{{id}}
=> 200
=> header ETag: W/"2"
=> body is {{body}}
---
GET /scim/v2/Users/11111111-2222-4333-8444-555555555555
=> 404
--- no_error_log
[error]



=== TEST 6: DELETE answers 204 with no body, then GET, PUT and DELETE answer 404
--- steps
POST /scim/v2/Users
{"userName":"gone"}
=> 201
=> save id = json id
---
DELETE /scim/v2/Users/{{id}}
=> 204
=> body empty
=> header !Content-Type
---
GET /scim/v2/Users/{{id}}
=> 404
=> header Content-Type: application/scim+json
=> json {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404"}
=> json detail present
---
DELETE /scim/v2/Users/{{id}}
=> 404
=> json {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404"}
---
PUT /scim/v2/Users/{{id}}
{"userName":"gone"}
=> 404
=> json {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404"}
---
# the userName is free again
POST /scim/v2/Users
{"userName":"GONE"}
=> 201
--- no_error_log
[error]



=== TEST 7: an unknown id is a SCIM 404
--- request
GET /scim/v2/Users/00000000-0000-4000-8000-000000000000
--- error_code: 404
--- response_headers
Content-Type: application/scim+json
--- response_json
{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"__ANY__"}



=== TEST 8: a duplicate userName in another case is 409 uniqueness
--- steps
POST /scim/v2/Users
{"userName":"bjensen@example.com"}
=> 201
---
POST /scim/v2/Users
{"userName":"BJensen@Example.COM"}
=> 409
=> header Content-Type: application/scim+json
=> json {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness"}
---
POST /scim/v2/Users
{"userName":"bjensen@example.com"}
=> 409
=> json {"status":"409","scimType":"uniqueness"}
---
GET /scim/v2/Users
=> 200
=> json {"totalResults":1}
--- no_error_log
[error]



=== TEST 9: PUT that renames into another user's userName is 409; a case change of one's own is fine
--- steps
POST /scim/v2/Users
{"userName":"alice"}
=> 201
=> save alice = json id
---
POST /scim/v2/Users
{"userName":"bob"}
=> 201
=> save bob = json id
---
PUT /scim/v2/Users/{{bob}}
{"userName":"ALICE"}
=> 409
=> json {"status":"409","scimType":"uniqueness"}
---
GET /scim/v2/Users/{{bob}}
=> 200
=> json {"userName":"bob","meta":{"version":"W/\"1\""}}
---
PUT /scim/v2/Users/{{bob}}
{"userName":"Bob"}
=> 200
=> json {"userName":"Bob"}
---
# the old name is released by a rename
PUT /scim/v2/Users/{{bob}}
{"userName":"robert"}
=> 200
---
POST /scim/v2/Users
{"userName":"bob"}
=> 201
--- no_error_log
[error]



=== TEST 10: GET /Users lists in creation order with startIndex and count
--- perl
my @names = map { "user$_" } 1 .. 5;
for my $n (@names) {
    my $r = scim_request('POST', '/scim/v2/Users', qq({"userName":"$n"}));
    is($r->{status}, 201, "create $n");
}
my $r = scim_request('GET', '/scim/v2/Users');
is($r->{status}, 200, 'list');
is($r->{headers}{'content-type'}, 'application/scim+json', 'content type');
json_subset_ok($r->{json}, {
    schemas => ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults => 5, itemsPerPage => 5, startIndex => 1,
}, 'a full page');
is_deeply([map { $_->{userName} } @{ $r->{json}{Resources} }], \@names, 'creation order');
ok(!grep({ exists $_->{password} } @{ $r->{json}{Resources} }), 'no password');
ok((grep { $_->{meta}{location} && $_->{id} } @{ $r->{json}{Resources} }) == 5, 'resources have id and meta');

$r = scim_request('GET', '/scim/v2/Users?startIndex=2&count=2');
json_subset_ok($r->{json}, '{"totalResults":5,"itemsPerPage":2,"startIndex":2}', 'page 2..3');
is_deeply([map { $_->{userName} } @{ $r->{json}{Resources} }], ['user2', 'user3'], 'the right users');

$r = scim_request('GET', '/scim/v2/Users?startIndex=5&count=10');
json_subset_ok($r->{json}, '{"totalResults":5,"itemsPerPage":1,"startIndex":5}', 'the last page is short');

$r = scim_request('GET', '/scim/v2/Users?startIndex=9&count=10');
is($r->{status}, 200, 'beyond the end');
json_subset_ok($r->{json}, '{"totalResults":5,"itemsPerPage":0,"startIndex":9}', 'an empty page');
is_deeply($r->{json}{Resources} // [], [], 'no resources beyond the end');

$r = scim_request('GET', '/scim/v2/Users?count=0');
json_subset_ok($r->{json}, '{"totalResults":5,"itemsPerPage":0}', 'count=0 only counts');

$r = scim_request('GET', '/scim/v2/Users?startIndex=0&count=1');
json_subset_ok($r->{json}, '{"totalResults":5,"itemsPerPage":1,"startIndex":1}', 'startIndex 0 counts as 1');
--- no_error_log
[error]



=== TEST 11: an empty store gives an empty ListResponse (Okta/Entra "not found")
--- request
GET /scim/v2/Users?startIndex=1&count=100
--- error_code: 200
--- response_json
{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0}



=== TEST 12: scim_page_size is the default page; scim_max_page_size caps count
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_page_size 2;
        scim_max_page_size 3;
    }
--- perl
scim_request('POST', '/scim/v2/Users', qq({"userName":"u$_"})) for 1 .. 4;
my $r = scim_request('GET', '/scim/v2/Users');
json_subset_ok($r->{json}, '{"totalResults":4,"itemsPerPage":2}', 'default page size');
$r = scim_request('GET', '/scim/v2/Users?count=100');
json_subset_ok($r->{json}, '{"totalResults":4,"itemsPerPage":3}', 'capped at the maximum');



=== TEST 13: If-Match with a stale ETag is 412; the current one works; If-None-Match gives 304
--- steps
POST /scim/v2/Users
{"userName":"etag"}
=> 201
=> save id = json id
---
PUT /scim/v2/Users/{{id}}
> If-Match: W/"1"
{"userName":"etag","displayName":"v2"}
=> 200
=> header ETag: W/"2"
---
PUT /scim/v2/Users/{{id}}
> If-Match: W/"1"
{"userName":"etag","displayName":"stale"}
=> 412
=> header Content-Type: application/scim+json
=> json {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"412"}
---
GET /scim/v2/Users/{{id}}
=> 200
=> json {"displayName":"v2","meta":{"version":"W/\"2\""}}
---
GET /scim/v2/Users/{{id}}
> If-None-Match: W/"2"
=> 304
=> body empty
---
DELETE /scim/v2/Users/{{id}}
> If-Match: W/"1"
=> 412
=> json {"status":"412"}
---
DELETE /scim/v2/Users/{{id}}
> If-Match: W/"2"
=> 204
--- no_error_log
[error]



=== TEST 14: the enterprise extension round-trips
--- steps
POST /scim/v2/Users
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"mgr"}
=> 201
=> save mgr = json id
---
POST /scim/v2/Users
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"emp","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"701984","costCenter":"4130","organization":"Universal Studios","division":"Theme Park","department":"Tour Operations","manager":{"value":"{{mgr}}"}}}
=> 201
=> json {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"701984","costCenter":"4130","organization":"Universal Studios","division":"Theme Park","department":"Tour Operations"}}
=> json urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.manager.value == {{mgr}}
=> perl grep { $_ eq 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User' } @{ $r->{json}{schemas} }
=> perl grep { $_ eq 'urn:ietf:params:scim:schemas:core:2.0:User' } @{ $r->{json}{schemas} }
=> save id = json id
=> save body = body
---
GET /scim/v2/Users/{{id}}
=> 200
=> body is {{body}}
---
# PUT without the extension removes it
PUT /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"emp"}
=> 200
=> json {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":"__ABSENT__","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}
--- no_error_log
[error]



=== TEST 15: a 200 KB user round-trips byte-exact
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        client_max_body_size 1m;
    }
--- perl
my @emails = map { { value => sprintf('user%05d@%s.example.com', $_, 'x' x 60), type => 'work' } } 1 .. 2200;
my $display = "B\x{e4}rbel \x{65e5}\x{672c} " . ('z' x 1000);
my $user = { schemas => [$main::CORE], userName => 'big', displayName => $display, emails => \@emails };
my $body = JSON::PP->new->utf8->canonical->encode($user);
cmp_ok(length $body, '>', 200_000, 'the request is over 200 KB');
my $r = scim_request('POST', '/scim/v2/Users', $body);
is($r->{status}, 201, 'created') or diag substr($r->{body} // '', 0, 500);
my $id = $r->{json}{id};
cmp_ok(length($r->{body} // ''), '>', 200_000, 'the response is over 200 KB');
is($r->{json}{displayName}, $display, 'UTF-8 text intact');
is(scalar @{ $r->{json}{emails} || [] }, 2200, 'every email');
json_subset_ok($r->{json}{emails}, \@emails, 'the emails, in order');
my $g = scim_request('GET', "/scim/v2/Users/$id");
is($g->{status}, 200, 'GET');
ok(defined $g->{body} && $g->{body} eq $r->{body}, 'GET returns byte for byte what POST returned')
    or diag 'lengths ' . length($g->{body} // '') . ' vs ' . length($r->{body});
my $l = scim_request('GET', '/scim/v2/Users');
is($l->{status}, 200, 'list');
ok(defined $l->{json} && $l->{json}{Resources}[0]{displayName} eq $display, 'the list carries the big user');
# several big replies at once on the worker's one Redis connection
my @socks = map { open_request('GET', "/scim/v2/Users/$id") } 1 .. 8;
my @bodies = map { read_response($_)->{body} // '' } @socks;
is(scalar(grep { $_ eq $r->{body} } @bodies), 8, 'eight concurrent GETs all complete and match');
--- no_error_log
[error]



=== TEST 16: emails sent as a single object are accepted as a one-element array (OneLogin)
--- request
POST /scim/v2/Users
{"userName":"onelogin","emails":{"value":"o@example.com","type":"work","primary":true}}
--- error_code: 201
--- response_json
{"userName":"onelogin","emails":[{"value":"o@example.com","type":"work","primary":true}]}



=== TEST 17: "active":"True" and "False" strings are booleans (Entra)
--- steps
POST /scim/v2/Users
{"userName":"entra","active":"True"}
=> 201
=> json {"active":true}
=> save id = json id
---
PUT /scim/v2/Users/{{id}}
{"userName":"entra","active":"False"}
=> 200
=> json {"active":false}
---
GET /scim/v2/Users/{{id}}
=> json {"active":false}



=== TEST 18: read-only id, meta and groups in the input are ignored
--- request
POST /scim/v2/Users
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"attacker-chosen","userName":"ro","meta":{"resourceType":"Group","created":"1999-01-01T00:00:00Z","version":"W/\"99\""},"groups":[{"value":"admins","display":"Admins"}]}
--- error_code: 201
--- response_json
{"id":"/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/","userName":"ro","groups":"__ABSENT__",
 "meta":{"resourceType":"User","created":"/^2\\d{3}-/","version":"W/\"1\""}}
--- response_headers
ETag: W/"1"



=== TEST 19: what Okta sends on create (password, groups [], locale, externalId)
--- request
POST /scim/v2/Users
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"isabella@example.com","name":{"givenName":"Isabella","familyName":"Jensen"},"emails":[{"primary":true,"value":"isabella@example.com","type":"work"}],"displayName":"Isabella Jensen","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":true}
--- more_headers
Content-Type: application/scim+json; charset=utf-8
Accept-Charset: utf-8
--- error_code: 201
--- response_json
{"userName":"isabella@example.com","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","active":true,"displayName":"Isabella Jensen","password":"__ABSENT__","groups":"__ABSENT__"}



=== TEST 20: what Entra sends on create (meta, roles [], null values, extension)
--- request
POST /scim/v2/Users
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","userName":"Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1","active":true,"emails":[{"primary":true,"type":"work","value":"Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"}],"meta":{"resourceType":"User"},"name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},"roles":[],"nickName":null,"title":null,"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"E1","department":null}}
--- more_headers
Content-Type: application/json
--- error_code: 201
--- response_json
{"userName":"Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1","active":true,"nickName":"__ABSENT__","title":"__ABSENT__",
 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"E1","department":"__ABSENT__"}}



=== TEST 21: a body with no Content-Type at all is accepted
--- request
POST /scim/v2/Users
{"userName":"nocontenttype"}
--- more_headers
!Content-Type
--- error_code: 201
--- response_json
{"userName":"nocontenttype"}



=== TEST 22: attribute names are case-insensitive; unknown attributes are dropped
--- request
POST /scim/v2/Users
{"SCHEMAS":["urn:ietf:params:scim:schemas:core:2.0:User"],"USERNAME":"casey","Name":{"GivenName":"Casey"},"DisplayName":"C","noSuchAttribute":"x","emails":[{"Value":"c@example.com","Primary":true}]}
--- error_code: 201
--- response_json
{"userName":"casey","name":{"givenName":"Casey"},"displayName":"C","noSuchAttribute":"__ABSENT__","emails":[{"value":"c@example.com","primary":true}]}



=== TEST 23: Location and meta.location follow a Host header that is a server_name
--- config
    server_name scim.example.com;
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
    }
--- request
POST /scim/v2/Users
{"userName":"hosted"}
--- more_headers
Host: scim.example.com
--- error_code: 201
--- response_headers_like
Location: ^http://scim\.example\.com/scim/v2/Users/[0-9a-f-]{36}$
--- response_json
{"meta":{"location":"/^http://scim\\.example\\.com/scim/v2/Users/[0-9a-f-]{36}$/"}}



=== TEST 24: a regex location with the organisation in the path
--- config
    location ~ ^/orgs/[^/]+/scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
    }
--- steps
POST /orgs/acme/scim/v2/Users
{"userName":"org-user"}
=> 201
=> header Location like ^http://localhost:\d+/orgs/acme/scim/v2/Users/[0-9a-f-]{36}$
=> save id = json id
---
GET /orgs/acme/scim/v2/Users/{{id}}
=> 200
=> json meta.location like /orgs/acme/scim/v2/Users/



=== TEST 25: each write is indexed and appends one change event
--- perl
my $k = 'scim:{default}';
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"Events@Example.com"}');
is($r->{status}, 201, 'created');
my $id = $r->{json}{id};
is(redis_cmd('HGET', "$k:users:by-name", 'events@example.com'), $id, 'userName index, lowercased');
is(redis_cmd('ZCARD', "$k:users"), 1, 'list order set');
is(redis_cmd('HGET', "$k:user:$id", 'version'), '1', 'version 1');
is(redis_cmd('HGET', "$k:user:$id", 'userName'), 'Events@Example.com', 'userName as sent');
is(redis_cmd('HGET', "$k:user:$id", 'managedBy'), 'demo', 'managed by the token name');
is(redis_cmd('XLEN', "$k:events"), 1, 'one event for the create');
is(scim_request('PUT', "/scim/v2/Users/$id", '{"userName":"renamed"}')->{status}, 200, 'renamed');
is(redis_cmd('HGET', "$k:users:by-name", 'events@example.com'), undef, 'old name released');
is(redis_cmd('HGET', "$k:users:by-name", 'renamed'), $id, 'new name indexed');
is(redis_cmd('XLEN', "$k:events"), 2, 'one more event');
is(scim_request('DELETE', "/scim/v2/Users/$id")->{status}, 204, 'deleted');
is(redis_cmd('EXISTS', "$k:user:$id"), 0, 'user hash gone');
is(redis_cmd('HLEN', "$k:users:by-name"), 0, 'name index empty');
is(redis_cmd('ZCARD', "$k:users"), 0, 'list order empty');
is(redis_cmd('XLEN', "$k:events"), 3, 'a delete event');
# failed writes change nothing
scim_request('POST', '/scim/v2/Users', '{"userName":"a"}');
scim_request('POST', '/scim/v2/Users', '{"userName":"A"}');
is(redis_cmd('XLEN', "$k:events"), 4, 'a refused duplicate appends no event');
is(redis_cmd('GET', 'scim:layout'), '1', 'layout version');



=== TEST 26: a token's tenant and scim_redis_prefix name the keys
--- http_config
    scim_redis unix:$TEST_NGINX_REDIS_SOCKET;
    scim_redis_prefix app1:;
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH acme-okta tenant=acme;
    }
--- perl
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"tenant-user"}');
is($r->{status}, 201, 'created');
my $id = $r->{json}{id};
is(redis_cmd('EXISTS', "app1:{acme}:user:$id"), 1, 'the user lives under app1:{acme}');
is(redis_cmd('EXISTS', "scim:{default}:user:$id"), 0, 'and not under the defaults');
is(redis_cmd('GET', 'app1:layout'), '1', 'layout key under the prefix');



=== TEST 27: two tenants do not see each other's users
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH a tenant=one;
        scim_token 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 b tenant=two;
    }
--- perl
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"same"}');
is($r->{status}, 201, 'tenant one');
my $id = $r->{json}{id};
my $two = { Authorization => 'Bearer hello' };
is(scim_request('GET', "/scim/v2/Users/$id", undef, $two)->{status}, 404, 'tenant two cannot read it');
is(scim_request('POST', '/scim/v2/Users', '{"userName":"same"}', $two)->{status}, 201,
   'the same userName in tenant two');
is(scim_request('GET', '/scim/v2/Users', undef, $two)->{json}{totalResults}, 1, 'tenant two lists one');



=== TEST 28: GET /Users/{id}/extra and other methods are SCIM errors
--- steps
GET /scim/v2/Users/abc/def
=> 404
=> header Content-Type: application/scim+json
=> json {"status":"404"}
---
PUT /scim/v2/Users
{"userName":"x"}
=> 405
=> header Allow like GET
=> json {"status":"405"}



=== TEST 29: an unsorted page reads with ZCARD and SORT_RO … GET, in creation order, forwards and backwards; a member whose hash is gone is left out (in a cluster, where Redis 7.0 refuses SORT's GET, the page script serves)
--- perl
my @ids;
for my $n (map { "page$_" } 1 .. 6) {
    my $c = scim_request('POST', '/scim/v2/Users', qq({"userName":"$n"}));
    is($c->{status}, 201, "create $n");
    push @ids, $c->{json}{id};
}
# A member of the creation-order set without its hash, between page3 and
# page4: left out of the page.
my $seq = redis_cmd('ZSCORE', 'scim:{default}:users', $ids[2]);
redis_cmd('ZADD', 'scim:{default}:users', $seq + 0.5, 'ghost');
my $cluster = $ENV{TEST_NGINX_REDIS_CLUSTER};
redis_cmd('CONFIG', 'RESETSTAT') unless $cluster;
my $r = scim_request('GET', '/scim/v2/Users?startIndex=3&count=3');
is($r->{status}, 200, 'a page');
json_subset_ok($r->{json}, '{"totalResults":7,"itemsPerPage":2,"startIndex":3}', 'the total counts the set');
is_deeply([map { $_->{userName} } @{ $r->{json}{Resources} }], ['page3', 'page4'], 'the ghost is left out');
like($r->{json}{Resources}[0]{meta}{location}, qr{/scim/v2/Users/$r->{json}{Resources}[0]{id}$}, 'location');
is($r->{json}{Resources}[1]{meta}{version}, 'W/"1"', 'version');
$r = scim_request('GET', '/scim/v2/Users?sortOrder=descending&count=2');
is_deeply([map { $_->{userName} } @{ $r->{json}{Resources} }], ['page6', 'page5'], 'descending');
unless ($cluster) {
    my $info = redis_cmd('INFO', 'commandstats');
    like($info, qr/^cmdstat_sort_ro:calls=2,/m, 'two SORT_RO');
    like($info, qr/^cmdstat_zcard:calls=2,/m, 'two ZCARD');
    unlike($info, qr/^cmdstat_evalsha:/m, 'no script');
}
--- no_error_log
[error]
