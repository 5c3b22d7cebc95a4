# The bad-input campaign for POST /Bulk: malformed BulkRequests each get a
# 4xx SCIM error, or a 200 BulkResponse whose every operation is a 4xx
# error object (RFC 7644 §3.7.3), never a 5xx, and the store is unchanged.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

our $URN = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
our $PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

sub env { my ($ops, $extra) = @_; return qq({"schemas":["$URN"],) . ($extra // '') . qq("Operations":[$ops]}) }

# [name, body, expected top-level status (200: a BulkResponse of errors)]
our @CASES = (
    ['not JSON',                 '{"schemas":',                                            400],
    ['a JSON array',             '[]',                                                     400],
    ['a JSON string',            '"Bulk"',                                                 400],
    ['empty body',               '',                                                       400],
    ['no schemas',               '{"Operations":[]}',                                      400],
    ['wrong schemas',            qq({"schemas":["$PATCH"],"Operations":[]}),              400],
    ['schemas a string',         qq({"schemas":"$URN","Operations":[]}),                  400],
    ['no Operations',            qq({"schemas":["$URN"]}),                                400],
    ['Operations an object',     qq({"schemas":["$URN"],"Operations":{}}),                400],
    ['Operations a string',      qq({"schemas":["$URN"],"Operations":"POST"}),            400],
    ['an operation not object',  env('42'),                                               400],
    ['an operation null',        env('null'),                                             400],
    ['failOnErrors negative',    env('', '"failOnErrors":-1,'),                           400],
    ['failOnErrors zero',        env('', '"failOnErrors":0,'),                            400],
    ['failOnErrors a string',    env('', '"failOnErrors":"2",'),                          400],
    ['failOnErrors fraction',    env('', '"failOnErrors":1.5,'),                          400],
    ['failOnErrors huge',        env('', '"failOnErrors":99999999999999999999,'),         400],
    ['bulkId a number',          env('{"method":"POST","bulkId":1,"path":"/Users","data":{"userName":"a"}}'), 400],
    ['bulkId empty',             env('{"method":"POST","bulkId":"","path":"/Users","data":{"userName":"a"}}'), 400],
    ['huge bulkId',              env('{"method":"POST","bulkId":"' . ('b' x 5000) . '","path":"/Users","data":{"userName":"a"}}'), 400],
    ['duplicate bulkIds',        env('{"method":"POST","bulkId":"x","path":"/Users","data":{"userName":"a"}},{"method":"POST","bulkId":"x","path":"/Users","data":{"userName":"b"}}'), 400],
    ['too deep',                 env('{"method":"POST","bulkId":"x","path":"/Users","data":' . ('{"a":' x 40) . '1' . ('}' x 40) . '}'), 400],
    ['invalid UTF-8',            env(qq({"method":"POST","bulkId":"x","path":"/Users","data":{"userName":"\xff\xfe"}})), 400],
    # An operation's own mistakes: a 200 BulkResponse with its error.
    ['bad method',               env('{"method":"GET","path":"/Users"}'),                 200],
    ['method lowercase',         env('{"method":"post","bulkId":"x","path":"/Users","data":{"userName":"a"}}'), 200],
    ['method a number',          env('{"method":1,"path":"/Users"}'),                     200],
    ['no method',                env('{"path":"/Users","data":{"userName":"a"}}'),         200],
    ['POST without bulkId',      env('{"method":"POST","path":"/Users","data":{"userName":"a"}}'), 200],
    ['no path',                  env('{"method":"POST","bulkId":"x","data":{"userName":"a"}}'), 200],
    ['path relative',            env('{"method":"POST","bulkId":"x","path":"Users","data":{"userName":"a"}}'), 200],
    ['path unknown endpoint',    env('{"method":"POST","bulkId":"x","path":"/Widgets","data":{"userName":"a"}}'), 200],
    ['path too deep',            env('{"method":"DELETE","path":"/Users/a/b"}'),           200],
    ['path a number',            env('{"method":"DELETE","path":7}'),                      200],
    ['path with query',          env('{"method":"POST","bulkId":"x","path":"/Users?x=1","data":{"userName":"a"}}'), 200],
    ['POST to a resource',       env('{"method":"POST","bulkId":"x","path":"/Users/abc","data":{"userName":"a"}}'), 200],
    ['PUT to a collection',      env('{"method":"PUT","path":"/Users","data":{"userName":"a"}}'), 200],
    ['search path',              env('{"method":"POST","bulkId":"x","path":"/Users/.search","data":{}}'), 200],
    ['discovery path',           env('{"method":"POST","bulkId":"x","path":"/Schemas","data":{}}'), 200],
    ['nested Bulk',              env('{"method":"POST","bulkId":"x","path":"/Bulk","data":' . env('{"method":"POST","bulkId":"y","path":"/Users","data":{"userName":"a"}}') . '}'), 200],
    ['missing data',             env('{"method":"POST","bulkId":"x","path":"/Users"}'),    200],
    ['data an array',            env('{"method":"PUT","path":"/Users/x","data":[]}'),      200],
    ['data a string',            env('{"method":"PATCH","path":"/Users/x","data":"{}"}'),  200],
    ['DELETE with data',         env('{"method":"DELETE","path":"/Users/x","data":{"a":1}}'), 200],
    ['version a number',         env('{"method":"DELETE","path":"/Users/x","version":1}'), 200],
    ['invalid user data',        env('{"method":"POST","bulkId":"x","path":"/Users","data":{"userName":42}}'), 200],
    ['no userName',              env('{"method":"POST","bulkId":"x","path":"/Users","data":{}}'), 200],
    ['bad PATCH body',           env('{"method":"PATCH","path":"/Users/x","data":{"Operations":"no"}}'), 200],
    ['unknown bulkId in data',   env('{"method":"POST","bulkId":"g","path":"/Groups","data":{"displayName":"g","members":[{"value":"bulkId:nope"}]}}'), 200],
    ['unknown bulkId in path',   env('{"method":"DELETE","path":"/Users/bulkId:nope"}'),   200],
    ['self reference',           env('{"method":"POST","bulkId":"s","path":"/Groups","data":{"displayName":"g","members":[{"value":"bulkId:s"}]}}'), 200],
    ['a member that is no user', env('{"method":"POST","bulkId":"g","path":"/Groups","data":{"displayName":"g","members":[{"value":"not-a-user"}]}}'), 200],
    ['PATCH of nothing',         env(qq({"method":"PATCH","path":"/Groups/none","data":{"schemas":["$PATCH"],"Operations":[{"op":"add","path":"members","value":[]}]}})), 200],
);

run_blocks();

__DATA__

=== TEST 1: every malformed BulkRequest is a 4xx SCIM error and changes nothing
--- perl
# Something in the store, so that an unchanged digest means something.
my $seed = scim_request('POST', '/scim/v2/Users', '{"userName":"seed"}');
is($seed->{status}, 201, 'seeded');
my $before = redis_digest();
cmp_ok(scalar @{ redis_cmd('KEYS', '*') }, '>', 1, 'the store holds the seed the digest must cover');
for my $case (@main::CASES) {
    my ($name, $body, $want) = @$case;
    my $r = scim_request('POST', '/scim/v2/Bulk', $body);
    ok($r->{status} < 500, "$name: no 5xx") or diag($r->{body});
    is($r->{status}, $want, "$name: status") or diag($r->{body});
    like($r->{headers}{'content-type'} // '', qr{^application/scim\+json}, "$name: SCIM content type");
    if ($want == 200) {
        my @ops = @{ $r->{json}{Operations} || [] };
        is(scalar @ops, 1, "$name: one operation answered");
        my $s = $ops[0]{status} // '';
        like($s, qr/^4\d\d$/, "$name: the operation failed with a 4xx string status");
        is($ops[0]{response}{status}, $s, "$name: with its SCIM error object");
        ok(length($ops[0]{response}{detail} // '') > 0, "$name: which says why");
    } else {
        is($r->{json}{status}, "$want", "$name: SCIM error");
        is_deeply($r->{json}{schemas}, ['urn:ietf:params:scim:api:messages:2.0:Error'], "$name: error schema");
    }
    is(redis_digest(), $before, "$name: store unchanged");
}
unlike(error_log_since_block(), qr/\[error\]/, 'no [error] in the log');



=== TEST 2: a bad operation among good ones: the good ones run, the bad one is reported
--- perl
my $r = scim_request('POST', '/scim/v2/Bulk', main::env(
    '{"method":"POST","bulkId":"a","path":"/Users","data":{"userName":"a"}},' .
    '{"method":"FETCH","path":"/Users"},' .
    '{"method":"POST","bulkId":"b","path":"/Users","data":{"userName":"b"}}'));
is($r->{status}, 200) or diag($r->{body});
is(join(',', map { $_->{status} } @{ $r->{json}{Operations} }), '201,400,201', 'statuses');
is($r->{json}{Operations}[1]{method}, 'FETCH', 'the method as sent');
is(scim_request('GET', '/scim/v2/Users?count=0')->{json}{totalResults}, 2, 'two users');



=== TEST 3: a body over client_max_body_size is a 413 SCIM error, the store unchanged
--- perl
my $before = redis_digest();
my $r = scim_request('POST', '/scim/v2/Bulk', main::env('{"method":"DELETE","path":"/Users/' . ('x' x 1100000) . '"}'));
is($r->{status}, 413);
is($r->{json}{status}, '413', 'SCIM error');
is(redis_digest(), $before, 'store unchanged');
