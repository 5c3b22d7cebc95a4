# POST /Bulk (RFC 7644 §3.7, docs/bulk.md): bulkId references in data and
# paths, dependency order, failOnErrors, cycles, the two limits, and a Bulk
# of 1,000 creates whose events all land in the tenant's stream.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

our $K = 'scim:{default}';
our $BULK_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

# A BulkRequest body from operation JSON texts.
sub bulk_body {
    my ($ops, $extra) = @_;
    $extra = defined $extra ? "$extra," : '';
    return qq({"schemas":["$BULK_URN"],$extra"Operations":[) . join(',', @$ops) . ']}';
}

sub bulk {
    my ($ops, $extra) = @_;
    return scim_request('POST', '/scim/v2/Bulk', bulk_body($ops, $extra));
}

sub user_count {
    my $r = scim_request('GET', '/scim/v2/Users?count=0');
    return $r->{json}{totalResults};
}

sub event_count { return redis_cmd('XLEN', "$K:events") }

sub statuses { return join ',', map { $_->{status} } @{ $_[0]{json}{Operations} } }

sub id_of_location { my ($loc) = @_; return ($loc // '') =~ m{/(?:Users|Groups)/([^/]+)$} ? $1 : undef }

run_blocks();

__DATA__

=== TEST 1: ServiceProviderConfig tells the truth: bulk supported, limits of the location
--- request
GET /scim/v2/ServiceProviderConfig
--- error_code: 200
--- response_json
{"bulk":{"supported":true,"maxOperations":1000,"maxPayloadSize":1048576}}



=== TEST 2: the directives feed ServiceProviderConfig
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        client_max_body_size 2m;
        scim_bulk_max_operations 5;
        scim_bulk_max_payload 64k;
    }
--- request
GET /scim/v2/ServiceProviderConfig
--- error_code: 200
--- response_json
{"bulk":{"supported":true,"maxOperations":5,"maxPayloadSize":65536}}



=== TEST 3: the payload limit defaults to the location's client_max_body_size
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        client_max_body_size 300k;
    }
--- request
GET /scim/v2/ServiceProviderConfig
--- error_code: 200
--- response_json
{"bulk":{"maxPayloadSize":307200}}



=== TEST 4: where client_max_body_size is 0 (unlimited), a Bulk keeps 1m
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        client_max_body_size 0;
    }
--- request
GET /scim/v2/ServiceProviderConfig
--- error_code: 200
--- response_json
{"bulk":{"maxPayloadSize":1048576}}



=== TEST 5: a group whose member is a user of the same Bulk, listed after it
--- perl
my $r = main::bulk([
    '{"method":"POST","bulkId":"g1","path":"/Groups","data":{"displayName":"Eng","members":[{"value":"bulkId:u1"}]}}',
    '{"method":"POST","bulkId":"u1","path":"/Users","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"ann","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"bulkId:u2"}}}}',
    '{"method":"POST","bulkId":"u2","path":"/Users","data":{"userName":"boss"}}',
]);
is($r->{status}, 200, 'a BulkResponse') or diag($r->{body});
like($r->{headers}{'content-type'}, qr{^application/scim\+json}, 'SCIM content type');
json_subset_ok($r->{json}, {
    schemas => ['urn:ietf:params:scim:api:messages:2.0:BulkResponse'],
    Operations => [
        { method => 'POST', bulkId => 'g1', status => '201', version => 'W/"1"', location => '/\/scim\/v2\/Groups\/[^\/]+$/' },
        { method => 'POST', bulkId => 'u1', status => '201', version => 'W/"1"', location => '/\/scim\/v2\/Users\/[^\/]+$/' },
        { method => 'POST', bulkId => 'u2', status => '201', location => '/^http:\/\//' },
    ],
}, 'every operation created, in the given order');
my ($g, $u1, $u2) = map { main::id_of_location($_->{location}) } @{ $r->{json}{Operations} };
my $group = scim_request('GET', "/scim/v2/Groups/$g");
is(scalar @{ $group->{json}{members} }, 1, 'the group has one member');
is($group->{json}{members}[0]{value}, $u1, 'the member is the created user, not "bulkId:u1"');
my $user = scim_request('GET', "/scim/v2/Users/$u1");
is($user->{json}{groups}[0]{value}, $g, 'the user is in the group');
is($user->{json}{'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'}{manager}{value}, $u2,
   'manager.value resolved');
is(main::event_count(), 3, 'three events, one per operation');



=== TEST 6: PATCH and PUT by a bulkId path, and an ETag version; DELETE last
--- perl
my $r = main::bulk([
    '{"method":"POST","bulkId":"u1","path":"/Users","data":{"userName":"pat","active":true}}',
    '{"method":"PATCH","path":"/Users/bulkId:u1","version":"W/\"1\"","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}}',
    '{"method":"POST","bulkId":"g1","path":"/Groups","data":{"displayName":"Ops"}}',
    '{"method":"PATCH","path":"/Groups/bulkId:g1","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"bulkId:u1"}]}]}}',
    '{"method":"PUT","path":"/Groups/bulkId:g1","data":{"displayName":"Ops2","members":[{"value":"bulkId:u1"}]}}',
    '{"method":"PATCH","path":"/Users/bulkId:u1","version":"W/\"1\"","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"late"}]}}',
]);
is($r->{status}, 200) or diag($r->{body});
is(main::statuses($r), '201,200,201,204,200,412', 'statuses, the stale version refused');
my $ops = $r->{json}{Operations};
my $u = main::id_of_location($ops->[0]{location});
my $g = main::id_of_location($ops->[2]{location});
is($ops->[1]{version}, 'W/"2"', 'PATCH answers the new version');
like($ops->[1]{location}, qr{/scim/v2/Users/\Q$u\E$}, 'PATCH location is the resolved path');
like($ops->[3]{location}, qr{/scim/v2/Groups/\Q$g\E$}, 'group PATCH location');
is($ops->[5]{response}{status}, '412', 'the error object of the failed operation');
my $user = scim_request('GET', "/scim/v2/Users/$u");
is($user->{json}{active}, JSON::PP::false(), 'the bulkId path PATCH landed');
is($user->{json}{displayName}, undef, 'the refused PATCH did not');
my $group = scim_request('GET', "/scim/v2/Groups/$g");
is($group->{json}{displayName}, 'Ops2', 'PUT by bulkId path');
is($group->{json}{members}[0]{value}, $u, 'member by bulkId in PATCH and PUT values');
is(main::event_count(), 5, 'one event per successful write');
$r = main::bulk(['{"method":"DELETE","path":"/Groups/' . $g . '"}',
                 '{"method":"DELETE","bulkId":"d","path":"/Users/' . $u . '"}']);
is(main::statuses($r), '204,204', 'DELETE of both');
is(scim_request('GET', "/scim/v2/Users/$u")->{status}, 404, 'the user is gone');



=== TEST 7: failOnErrors 1 stops at the first error; only what ran is listed
--- perl
my $r = main::bulk([
    '{"method":"DELETE","path":"/Users/nobody"}',
    '{"method":"POST","bulkId":"a","path":"/Users","data":{"userName":"a"}}',
    '{"method":"POST","bulkId":"b","path":"/Users","data":{"userName":"b"}}',
], '"failOnErrors":1');
is($r->{status}, 200) or diag($r->{body});
is(main::statuses($r), '404', 'one operation ran');
is($r->{json}{Operations}[0]{response}{status}, '404', 'with its error');
is(main::user_count(), 0, 'nothing after it ran');
is(main::event_count(), 0, 'no event');



=== TEST 8: failOnErrors 2 runs until the second error
--- perl
my $r = main::bulk([
    '{"method":"POST","bulkId":"a","path":"/Users","data":{"userName":"a"}}',
    '{"method":"POST","bulkId":"dup","path":"/Users","data":{"userName":"A"}}',
    '{"method":"POST","bulkId":"b","path":"/Users","data":{"userName":"b"}}',
    '{"method":"DELETE","path":"/Groups/nothing"}',
    '{"method":"POST","bulkId":"c","path":"/Users","data":{"userName":"c"}}',
], '"failOnErrors":2');
is(main::statuses($r), '201,409,201,404', 'four ran, the fifth did not');
is($r->{json}{Operations}[1]{response}{scimType}, 'uniqueness', 'the uniqueness error object');
is(main::user_count(), 2, 'a and b exist');
is(scim_request('GET', '/scim/v2/Users?filter=userName%20eq%20%22c%22')->{json}{totalResults}, 0,
   'c was not created');
# Without failOnErrors every operation runs.
$r = main::bulk([
    '{"method":"DELETE","path":"/Groups/x1"}',
    '{"method":"DELETE","path":"/Groups/x2"}',
    '{"method":"POST","bulkId":"c","path":"/Users","data":{"userName":"c"}}',
]);
is(main::statuses($r), '404,404,201', 'all ran');



=== TEST 9: a cycle and an unknown bulkId answer 409 invalidValue; the rest runs
--- perl
my $r = main::bulk([
    '{"method":"POST","bulkId":"a","path":"/Users","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"bulkId:b"}}}}',
    '{"method":"POST","bulkId":"b","path":"/Users","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"b","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"bulkId:a"}}}}',
    '{"method":"POST","bulkId":"c","path":"/Users","data":{"userName":"c"}}',
    '{"method":"PATCH","path":"/Users/bulkId:ghost","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}}',
    '{"method":"POST","bulkId":"g","path":"/Groups","data":{"displayName":"G","members":[{"value":"bulkId:a"}]}}',
]);
is($r->{status}, 200) or diag($r->{body});
is(main::statuses($r), '409,409,201,409,409', 'only c was created');
for my $i (0, 1, 3, 4) {
    my $e = $r->{json}{Operations}[$i]{response};
    is($e->{scimType}, 'invalidValue', "operation $i: invalidValue");
    is($e->{status}, '409', "operation $i: status in the error object");
}
like($r->{json}{Operations}[0]{response}{detail}, qr/circular/, 'the cycle is named');
like($r->{json}{Operations}[3]{response}{detail}, qr/names no operation/, 'the unknown bulkId is named');
is(main::user_count(), 1, 'one user');
is(main::event_count(), 1, 'one event');



=== TEST 10: over scim_bulk_max_operations: 413 before any operation runs
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_bulk_max_operations 2;
    }
--- perl
my $r = main::bulk([ map { qq({"method":"POST","bulkId":"u$_","path":"/Users","data":{"userName":"u$_"}}) } 1 .. 3 ]);
is($r->{status}, 413) or diag($r->{body});
like($r->{headers}{'content-type'}, qr{^application/scim\+json}, 'SCIM content type');
is($r->{json}{status}, '413', 'SCIM error');
like($r->{json}{detail}, qr/3 operations; maxOperations is 2/, 'the limit is in the detail');
is(main::user_count(), 0, 'nothing ran');
$r = main::bulk([ map { qq({"method":"POST","bulkId":"u$_","path":"/Users","data":{"userName":"u$_"}}) } 1 .. 2 ]);
is(main::statuses($r), '201,201', 'at the limit it runs');



=== TEST 11: over scim_bulk_max_payload, and over client_max_body_size: 413 SCIM errors
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        client_max_body_size 8k;
        scim_bulk_max_payload 2k;
    }
--- perl
my $op = '{"method":"POST","bulkId":"b%d","path":"/Users","data":{"userName":"user%d","displayName":"' . ('x' x 200) . '"}}';
my $r = main::bulk([ map { sprintf $op, $_, $_ } 1 .. 12 ]);
is($r->{status}, 413, 'over scim_bulk_max_payload') or diag($r->{body});
is($r->{json}{status}, '413', 'SCIM error');
like($r->{json}{detail}, qr/maxPayloadSize is 2048/, 'the limit is in the detail');
$r = main::bulk([ map { sprintf $op, $_, $_ } 1 .. 40 ]);
is($r->{status}, 413, 'over client_max_body_size');
is($r->{json}{status}, '413', 'SCIM error from nginx\'s own limit');
like($r->{headers}{'content-type'}, qr{^application/scim\+json}, 'SCIM content type');
is(main::user_count(), 0, 'nothing ran');
$r = main::bulk([ map { sprintf $op, $_, $_ } 1 .. 2 ]);
is(main::statuses($r), '201,201', 'under the limit it runs');



=== TEST 12: a Bulk of 1,000 creates: all land, 1,000 events in the tenant's stream
--- timeout: 120
--- perl
my @ops = map { qq({"method":"POST","bulkId":"b$_","path":"/Users","data":{"userName":"bulk$_\@example.com","active":true}}) } 1 .. 1000;
my $r = main::bulk(\@ops);
is($r->{status}, 200) or diag(substr($r->{body}, 0, 500));
my @got = @{ $r->{json}{Operations} || [] };
is(scalar @got, 1000, '1,000 results');
is(scalar(grep { $_->{status} eq '201' } @got), 1000, 'all 201');
my %ids = map { main::id_of_location($_->{location}) => 1 } @got;
is(scalar keys %ids, 1000, '1,000 distinct ids');
is($got[999]{bulkId}, 'b1000', 'in the given order');
is(main::user_count(), 1000, '1,000 users');
is(main::event_count(), 1000, '1,000 events');
my %created = map { my %f = @{ $_->[1] }; $f{type} eq 'user.created' ? ($f{id} => 1) : () }
    @{ redis_cmd("XRANGE", "$main::K:events", "-", "+") };
is(scalar(grep { $created{$_} } keys %ids), 1000, 'one user.created per id');



=== TEST 13: scim_bulk_max_operations 0
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_bulk_max_operations 0;
    }
--- nginx_t_fails: value must be between 1 and 100000



=== TEST 14: scim_bulk_max_payload 0
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_bulk_max_payload 0;
    }
--- nginx_t_fails: scim_bulk_max_payload must be at least 1 byte



=== TEST 15: scim_bulk_max_payload larger than client_max_body_size
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_bulk_max_payload 2m;
    }
--- nginx_t_fails: scim_bulk_max_payload 2097152 is larger than client_max_body_size 1048576



=== TEST 16: scim_bulk_max_payload abc
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_bulk_max_payload abc;
    }
--- nginx_t_fails: "scim_bulk_max_payload" directive invalid value



=== TEST 17: only POST on /Bulk
--- request
GET /scim/v2/Bulk
--- error_code: 405
--- response_headers
Allow: POST
--- response_json
{"status":"405"}



=== TEST 18: a client that goes away mid-Bulk: the worker stays sound, every write kept its event
--- timeout: 60
--- perl
my @ops = map { qq({"method":"POST","bulkId":"b$_","path":"/Users","data":{"userName":"gone$_"}}) } 1 .. 500;
my $sock = open_request('POST', '/scim/v2/Bulk', main::bulk_body(\@ops));
select(undef, undef, undef, 0.05);
close $sock;
my $last = -1;
wait_until(sub { my $n = main::event_count(); my $done = $n == $last; $last = $n; $done }, 10, 0.2);
is(scim_request('GET', '/scim/v2/ServiceProviderConfig')->{status}, 200, 'the worker serves');
my $users = main::user_count();
ok($users >= 0 && $users <= 500, "$users of 500 operations ran");
is(main::event_count(), $users, 'one event per user created, no half-written operation');
