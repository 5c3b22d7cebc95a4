# Errors (RFC 7644 §3.12): authentication, malformed and invalid bodies,
# limits, unknown paths, methods, discovery. Every error is
# application/scim+json with the Error schema and `status` as a string.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

our $ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

# Checks the RFC 7644 §3.12 shape of an error response.
sub error_ok {
    my ($r, $status, $scim_type, $what) = @_;
    is($r->{status}, $status, "$what: status $status");
    is($r->{headers}{'content-type'}, 'application/scim+json', "$what: content type");
    my $exp = { schemas => [$ERROR], status => "$status" };
    $exp->{scimType} = $scim_type if defined $scim_type;
    json_subset_ok($r->{json}, $exp, "$what: error body");
}

run_blocks();

__DATA__

=== TEST 1: no token is 401 with WWW-Authenticate: Bearer and a SCIM error
--- no_auth
--- request
GET /scim/v2/Users
--- error_code: 401
--- response_headers
Content-Type: application/scim+json
--- response_headers_like
WWW-Authenticate: ^Bearer\b
--- response_json
{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401","detail":"__ANY__"}



=== TEST 2: a wrong token is 401, and the log never shows it
--- request
GET /scim/v2/Users
--- more_headers
Authorization: Bearer wrong-token-s3cr3t
--- error_code: 401
--- response_headers
Content-Type: application/scim+json
--- response_headers_like
WWW-Authenticate: ^Bearer\b
--- response_json
{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401"}
--- no_error_log
wrong-token-s3cr3t



=== TEST 3: other schemes, an empty token and a token with extra text are 401
--- perl
for my $auth ('Basic dGVzdC10b2tlbjp4', 'Bearer', 'Bearer ', 'Bearer test-token extra', 'test-token', 'Bearertest-token') {
    main::error_ok(scim_request('GET', '/scim/v2/Users', undef, { Authorization => $auth }),
                   401, undef, "Authorization: $auth");
}



=== TEST 4: the auth scheme is case-insensitive (RFC 7235 §2.1)
--- request
GET /scim/v2/Users
--- more_headers
Authorization: bearer test-token
--- error_code: 200



=== TEST 5: a write without a token is refused before the body is looked at
--- no_auth
--- request
POST /scim/v2/Users
{"userName":"intruder"}
--- error_code: 401
--- response_json
{"status":"401"}
--- perl
is(redis_cmd('DBSIZE') <= 1, 1, 'nothing but the layout key in Redis');



=== TEST 6: malformed JSON is 400 invalidSyntax
--- request
POST /scim/v2/Users
{"userName":"x",
--- error_code: 400
--- response_headers
Content-Type: application/scim+json
--- response_json
{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidSyntax","detail":"__ANY__"}



=== TEST 7: other malformed bodies are 400 invalidSyntax
--- perl
my @bodies = (
    ['invalid UTF-8', qq({"userName":"\xff\xfe"})],
    ['a truncated UTF-8 sequence', qq({"userName":"\xe6\x97"})],
    ['trailing garbage', '{"userName":"x"} x'],
    ['two documents', '{"userName":"x"}{"userName":"y"}'],
    ['a bare word', 'userName'],
    ['a NUL byte after the document', qq({"userName":"x"}\0{"junk)],
);
for my $b (@bodies) {
    main::error_ok(scim_request('POST', '/scim/v2/Users', $b->[1]), 400, 'invalidSyntax', $b->[0]);
}
is(redis_cmd('EXISTS', 'scim:{default}:users'), 0, 'nothing was written');



=== TEST 8: an empty body and a non-object body are 400
--- cases
# what the body is => the body POSTed
empty body =>
an array   => [{"userName":"x"}]
a string   => "x"
null       => null
--- case
main::error_ok(scim_request('POST', '/scim/v2/Users', $main::expect), 400, undef, 'the body');



=== TEST 9: a wrong type is 400 invalidValue naming the attribute
--- request
POST /scim/v2/Users
{"userName":5}
--- error_code: 400
--- response_headers
Content-Type: application/scim+json
--- response_json
{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidValue","detail":"/userName/"}



=== TEST 10: other type errors name their attribute
--- cases
# the attribute the detail names => the body POSTed
active         => {"userName":"x","active":"maybe"}
name           => {"userName":"x","name":"Barbara"}
givenName      => {"userName":"x","name":{"givenName":7}}
emails         => {"userName":"x","emails":[{"value":5}]}
primary        => {"userName":"x","emails":[{"value":"b@example.com","primary":"sometimes"}]}
employeeNumber => {"userName":"x","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":12}}
--- case
my $r = scim_request('POST', '/scim/v2/Users', $main::expect);
main::error_ok($r, 400, 'invalidValue', $main::expect);
like($r->{json}{detail} // '', qr/\Q$main::case\E/i, "the detail names $main::case");



=== TEST 11: a missing or empty userName is 400
--- perl
for my $body ('{"displayName":"no name"}', '{"userName":null}', '{"userName":""}',
              '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}', '{}') {
    my $r = scim_request('POST', '/scim/v2/Users', $body);
    main::error_ok($r, 400, 'invalidValue', $body);
    like($r->{json}{detail} // '', qr/userName/, "$body: the detail names userName");
}
my $c = scim_request('POST', '/scim/v2/Users', '{"userName":"ok"}');
is($c->{status}, 201, 'created');
main::error_ok(scim_request('PUT', "/scim/v2/Users/$c->{json}{id}", '{"displayName":"no name"}'),
               400, 'invalidValue', 'PUT without userName');



=== TEST 12: nesting beyond the default depth (32) is 400 and the detail names the limit
--- request eval
"POST /scim/v2/Users\n" . '{"userName":"deep","x":' . ('[' x 40) . (']' x 40) . '}'
--- error_code: 400
--- response_headers
Content-Type: application/scim+json
--- response_json
{"status":"400","scimType":"invalidSyntax","detail":"/32/"}



=== TEST 13: scim_max_json_depth sets the limit, and the detail names it
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_max_json_depth 4;
    }
--- perl
my $ok = scim_request('POST', '/scim/v2/Users', '{"userName":"a","name":{"givenName":"b"}}');
is($ok->{status}, 201, 'depth 2 is fine');
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"b","x":{"a":{"b":{"c":{"d":1}}}}}');
main::error_ok($r, 400, 'invalidSyntax', 'depth 5');
like($r->{json}{detail} // '', qr/\b4\b/, 'the detail names the limit 4');



=== TEST 14: a body over client_max_body_size is 413 as a SCIM error, not nginx's page
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        client_max_body_size 1k;
    }
--- request eval
"POST /scim/v2/Users\n" . '{"userName":"big","displayName":"' . ('x' x 4000) . '"}'
--- error_code: 413
--- response_headers
Content-Type: application/scim+json
--- response_json
{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"413","detail":"/client_max_body_size/"}
--- response_body_unlike: <html>



=== TEST 15: a chunked body over client_max_body_size is 413 as a SCIM error too
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        client_max_body_size 1k;
    }
--- raw_request eval
my $chunk = '{"userName":"big","displayName":"' . ('x' x 3000) . '"}';
"POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer test-token\r\n"
  . "Content-Type: application/scim+json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
  . sprintf("%x\r\n%s\r\n0\r\n\r\n", length $chunk, $chunk)
--- error_code: 413
--- response_headers
Content-Type: application/scim+json
--- response_json
{"status":"413"}



=== TEST 16: a chunked request body is read
--- raw_request eval
my $body = '{"userName":"chunky"}';
"POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer test-token\r\n"
  . "Content-Type: application/scim+json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
  . "5\r\n" . substr($body, 0, 5) . "\r\n"
  . sprintf("%x\r\n", length($body) - 5) . substr($body, 5) . "\r\n0\r\n\r\n"
--- error_code: 201
--- response_json
{"userName":"chunky"}



=== TEST 17: a body that nginx buffers in a temporary file is read
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        client_body_buffer_size 1k;
    }
--- request eval
"POST /scim/v2/Users\n" . '{"userName":"spooled","displayName":"' . ('y' x 20000) . '"}'
--- error_code: 201
--- response_json
{"userName":"spooled","displayName":"/^y{20000}$/"}
--- error_log
a client request body is buffered to a temporary file



=== TEST 18: an unknown resource type is a SCIM 404
--- request
GET /scim/v2/Foo
--- error_code: 404
--- response_headers
Content-Type: application/scim+json
--- response_json
{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404"}



=== TEST 19: unknown paths under a known endpoint are SCIM 404s
--- cases
# GET this URI: a SCIM 404
/scim/v2/Users/a/b
/scim/v2/ResourceTypes/Nope
/scim/v2/Schemas/urn:nope
/scim/v2/ServiceProviderConfig/x
/scim/v2/
--- case
main::error_ok(scim_request('GET', $main::case), 404, undef, "GET $main::case");



=== TEST 20: POST /Schemas is 405 with Allow, a SCIM error
--- request
POST /scim/v2/Schemas
{"schemas":[]}
--- error_code: 405
--- response_headers
Content-Type: application/scim+json
Allow: GET
--- response_json
{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"405"}



=== TEST 21: every write to a discovery endpoint is 405 with Allow
--- cases
# METHOD /endpoint (with a body, but for DELETE)
POST /ServiceProviderConfig
POST /Schemas
POST /ResourceTypes
POST /ResourceTypes/User
POST /Schemas/urn:ietf:params:scim:schemas:core:2.0:User
PUT /ServiceProviderConfig
PUT /Schemas
PUT /ResourceTypes
PUT /ResourceTypes/User
PUT /Schemas/urn:ietf:params:scim:schemas:core:2.0:User
PATCH /ServiceProviderConfig
PATCH /Schemas
PATCH /ResourceTypes
PATCH /ResourceTypes/User
PATCH /Schemas/urn:ietf:params:scim:schemas:core:2.0:User
DELETE /ServiceProviderConfig
DELETE /Schemas
DELETE /ResourceTypes
DELETE /ResourceTypes/User
DELETE /Schemas/urn:ietf:params:scim:schemas:core:2.0:User
--- case
my ($m, $ep) = split ' ', $main::case;
my $r = scim_request($m, "/scim/v2$ep", $m eq 'DELETE' ? undef : '{"schemas":[]}');
main::error_ok($r, 405, undef, "$m $ep");
like($r->{headers}{allow} // '', qr/\bGET\b/, "$m $ep: Allow names GET");



=== TEST 22: the 405 of a discovery endpoint is decided before the body is read
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        client_body_timeout 30s;
    }
--- perl
# The body is announced but never sent: only an answer decided from the
# request line and headers can arrive.
my $s = open_request("POST /scim/v2/Schemas HTTP/1.1\r\nHost: localhost\r\n"
                     . "Authorization: Bearer test-token\r\nContent-Type: application/scim+json\r\n"
                     . "Content-Length: 50000\r\n\r\n{");
my $r = read_response($s, 'POST', 5);
main::error_ok($r, 405, undef, 'POST /Schemas with the body still to come');
like($r->{headers}{allow} // '', qr/\bGET\b/, 'Allow names GET');



=== TEST 23: other methods on /Users are 405 with Allow
--- perl
my $r = scim_request('DELETE', '/scim/v2/Users');
main::error_ok($r, 405, undef, 'DELETE /Users');
like($r->{headers}{allow} // '', qr/POST/, 'Allow lists POST');
$r = scim_request('PUT', '/scim/v2/Users', '{"userName":"x"}');
main::error_ok($r, 405, undef, 'PUT /Users');
$r = scim_request('POST', '/scim/v2/Users/00000000-0000-4000-8000-000000000000', '{"userName":"x"}');
main::error_ok($r, 405, undef, 'POST /Users/{id}');
like($r->{headers}{allow} // '', qr/PUT/, 'Allow lists PUT');



=== TEST 24: discovery endpoints answer 200 with a token
--- perl
my %want = (
    ServiceProviderConfig => 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
    'ResourceTypes/User' => 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
    'Schemas/urn:ietf:params:scim:schemas:core:2.0:User' => 'urn:ietf:params:scim:schemas:core:2.0:Schema',
);
for my $ep (sort keys %want) {
    my $r = scim_request('GET', "/scim/v2/$ep");
    is($r->{status}, 200, "GET /$ep");
    is($r->{headers}{'content-type'}, 'application/scim+json', "/$ep content type");
    ok((grep { $_ eq $want{$ep} } @{ $r->{json}{schemas} || [] }), "/$ep schemas");
}
for my $ep ('ResourceTypes', 'Schemas') {
    my $r = scim_request('GET', "/scim/v2/$ep");
    is($r->{status}, 200, "GET /$ep");
    my $list = $r->{json};
    my @res = ref $list eq 'HASH' ? @{ $list->{Resources} || [] } : ref $list eq 'ARRAY' ? @$list : ();
    ok(scalar @res, "/$ep lists resources");
}
my $spc = scim_request('GET', '/scim/v2/ServiceProviderConfig')->{json};
json_subset_ok($spc, '{"bulk":{"supported":"__ANY__"},"patch":{"supported":"__ANY__"},"filter":{"supported":"__ANY__","maxResults":"__ANY__"},"etag":{"supported":true},"authenticationSchemes":"__ANY__"}',
               'ServiceProviderConfig has the RFC 7643 §5 members');
my $rt = scim_request('GET', '/scim/v2/ResourceTypes/User')->{json};
json_subset_ok($rt, '{"id":"User","endpoint":"/Users","schema":"urn:ietf:params:scim:schemas:core:2.0:User"}', 'ResourceType User');
my $schema = scim_request('GET', '/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User')->{json};
my ($pw) = grep { $_->{name} eq 'password' } @{ $schema->{attributes} || [] };
json_subset_ok($pw, '{"returned":"never","mutability":"writeOnly"}', 'password is writeOnly, returned never');



=== TEST 25: discovery needs a token too (what the module does: every endpoint authenticates)
--- no_auth
--- perl
for my $ep ('ServiceProviderConfig', 'ResourceTypes', 'Schemas') {
    my $r = scim_request('GET', "/scim/v2/$ep", undef, { Authorization => undef });
    main::error_ok($r, 401, undef, "GET /$ep without a token");
    like($r->{headers}{'www-authenticate'} // '', qr/^Bearer/, "/$ep: WWW-Authenticate");
}



=== TEST 26: a bad query parameter is a SCIM 400
--- request
GET /scim/v2/Users?count=abc
--- error_code: 400
--- response_headers
Content-Type: application/scim+json
--- response_json
{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400"}



=== TEST 27: a location without tokens refuses everything with 401 and warns at nginx -t
--- config
    location /scim/v2/ {
        scim;
    }
--- nginx_t_ok: \[warn\] scim location has no scim_token.*every request will be refused with 401



=== TEST 28: a location without tokens answers 401
--- config
    location /scim/v2/ {
        scim;
    }
--- request
GET /scim/v2/Users
--- error_code: 401
--- response_json
{"status":"401"}



=== TEST 29: a client that stops sending its body is timed out cleanly
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        client_body_timeout 1s;
    }
--- perl
my $s = open_request("POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer test-token\r\n"
                     . "Content-Type: application/scim+json\r\nContent-Length: 100\r\n\r\n{\"userName\"");
my $r = read_response($s, 'POST', 10);
ok(!defined $r->{status} || ($r->{status} == 408 && ($r->{headers}{'content-type'} // '') eq 'application/scim+json'),
   'the connection is closed, or answered with a SCIM 408')
    or diag explain $r;
is(scim_request('GET', '/scim/v2/Users')->{status}, 200, 'nginx still serves');



=== TEST 30: every error response carries the SCIM content type and a string status
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        client_max_body_size 2k;
    }
--- perl
my @requests = (
    ['GET', '/scim/v2/Users/nope', undef, undef],
    ['POST', '/scim/v2/Users', '{', undef],
    ['POST', '/scim/v2/Users', '{"userName":1}', undef],
    ['POST', '/scim/v2/Users', 'x' x 5000, undef],
    ['GET', '/scim/v2/Users', undef, { Authorization => undef }],
    ['GET', '/scim/v2/Nope', undef, undef],
    ['POST', '/scim/v2/ResourceTypes', '{}', undef],
);
for my $q (@requests) {
    my $r = scim_request(@$q);
    my $what = "$q->[0] $q->[1]";
    cmp_ok($r->{status} // 0, '>=', 400, "$what is an error");
    is($r->{headers}{'content-type'}, 'application/scim+json', "$what: content type");
    my $status = $r->{json} ? $r->{json}{status} : undef;
    ok(defined $status && !ref $status && main::is_string($status) && $status eq ($r->{status} // ''),
       "$what: status is the string \"$r->{status}\"");
}
sub main::is_string {
    my ($v) = @_;
    my $f = B::svref_2object(\$v)->FLAGS;
    return ($f & B::SVp_POK()) ? 1 : 0;
}



=== TEST 31: after an error with an unread body, the next request on the connection is parsed correctly
--- perl
my $body = '{"userName":"GET /scim/v2/Users HTTP/1.1"}';
my $len = length $body;
my $raw = "POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/scim+json\r\n"
        . "Content-Length: $len\r\n\r\n$body"                                    # 401: no token
        . "POST /scim/v2/Schemas HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer test-token\r\n"
        . "Content-Type: application/scim+json\r\nContent-Length: $len\r\n\r\n$body"   # 405
        . "GET /scim/v2/Nope HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer test-token\r\n"
        . "Content-Length: $len\r\n\r\n$body"                                    # 404
        . "POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer test-token\r\n"
        . "Content-Type: application/scim+json\r\nContent-Length: 18\r\nConnection: close\r\n\r\n"
        . '{"userName":"ka1"}';
my $s = open_request($raw);
my @r = map { read_response($s, 'POST', undef, keep_open => 1) } 1 .. 4;
close $s;
is($r[0]{status}, 401, 'first: 401');
is($r[1]{status}, 405, 'second: 405');
is($r[2]{status}, 404, 'third: 404');
is($r[3]{status}, 201, 'fourth: the create on the same connection');
is($r[3]{json}{userName}, 'ka1', 'with its own body');
is(redis_cmd('HLEN', 'scim:{default}:users:by-name'), 1, 'only that user exists');



=== TEST 32: two creates on one keep-alive connection
--- perl
my $s = open_request('POST', '/scim/v2/Users', '{"userName":"k1"}', { Connection => 'keep-alive' });
my $r1 = read_response($s, 'POST', undef, keep_open => 1);
is($r1->{status}, 201, 'first create');
ok(send_raw($s, "POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer test-token\r\n"
                . "Content-Length: 17\r\nConnection: close\r\n\r\n{\"userName\":\"k2\"}"), 'sent the second');
my $r2 = read_response($s, 'POST');
is($r2->{status}, 201, 'second create on the same connection');



=== TEST 33: a body that arrives slowly, in pieces, is read asynchronously
--- perl
my $body = '{"userName":"slow","displayName":"' . ('s' x 3000) . '"}';
my $len = length $body;
my $s = open_request("POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer test-token\r\n"
                     . "Content-Type: application/scim+json\r\nContent-Length: $len\r\nConnection: close\r\n\r\n");
my $mid = int($len / 2);
select undef, undef, undef, 0.3;
send_raw($s, substr($body, 0, 10));
select undef, undef, undef, 0.3;
send_raw($s, substr($body, 10, $mid - 10));
# the worker is not blocked on the unfinished body
is(scim_request('GET', '/scim/v2/Users')->{status}, 200, 'another request is served meanwhile');
select undef, undef, undef, 0.3;
send_raw($s, substr($body, $mid));
my $r = read_response($s, 'POST');
is($r->{status}, 201, 'created');
is(length($r->{json}{displayName} // ''), 3000, 'the whole body arrived');



=== TEST 34: Expect: 100-continue
--- request
POST /scim/v2/Users
{"userName":"expecting"}
--- more_headers
Expect: 100-continue
--- error_code: 201
--- response_json
{"userName":"expecting"}
