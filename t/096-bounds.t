# Resource bounds: the member cap, huge member PATCHes that do not stall
# the worker, contended PATCHes that all succeed, the scan budget, and
# huge paging numbers.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

run_blocks();

__DATA__

=== TEST 1: 1,000 PATCHes of one user, 64 at a time: all 2xx, the result is their serial application
--- timeout: 300
--- perl
use IO::Select;
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"contended"}');
is($r->{status}, 201, 'created') or diag $r->{body};
my $id = $r->{json}{id};
my $total = 1000;
my $window = 64;
my (%open, @statuses);
my $next = 0;
my $patch_body = sub {
    my ($n) = @_;
    return '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":'
         . '[{"op":"add","path":"emails","value":[{"value":"u' . $n . '@x.org","type":"other"}]}]}';
};
my $patch = sub { open_request('PATCH', "/scim/v2/Users/$id", $patch_body->($_[0]), {}) };
while ($next < $total || %open) {
    while ($next < $total && keys(%open) < $window) {
        my $s = $patch->($next);
        $open{"$s"} = $s;
        $next++;
    }
    my @ready = IO::Select->new(values %open)->can_read(30);
    last unless @ready;
    for my $s (@ready) {
        delete $open{"$s"};
        push @statuses, read_response($s, 'PATCH', 60)->{status} // 'none';
    }
}
is(scalar @statuses, $total, 'every PATCH answered');
my @bad = grep { $_ !~ /^2/ } @statuses;
is(scalar @bad, 0, 'all 2xx') or diag "not 2xx: @bad[0 .. ($#bad < 9 ? $#bad : 9)]";
$r = scim_request('GET', "/scim/v2/Users/$id");
my %values = map { $_->{value} => 1 } @{ $r->{json}{emails} // [] };
is(scalar keys %values, $total, 'every e-mail added exactly once');
ok(!grep({ !$values{"u$_\@x.org"} } 0 .. $total - 1), 'no PATCH lost');
is($r->{json}{meta}{version}, 'W/"' . ($total + 1) . '"', 'one version per PATCH');
# The same PATCHes one after another on a second user give the same document.
my $concurrent = $r->{json};
my $s = scim_request('POST', '/scim/v2/Users', '{"userName":"serial"}');
my $sid = $s->{json}{id};
for my $n (0 .. $total - 1) {
    my $st = scim_request('PATCH', "/scim/v2/Users/$sid", $patch_body->($n))->{status} // 'none';
    $st =~ /^2/ or fail("serial PATCH $n: $st"), last;
}
my $serial = scim_request('GET', "/scim/v2/Users/$sid")->{json};
my $canonical = sub {
    my ($doc) = @_;
    my %d = %$doc;
    delete @d{qw(id meta userName)};
    $d{emails} = [sort { $a->{value} cmp $b->{value} } @{ $d{emails} // [] }];
    return \%d;
};
is_deeply($canonical->($concurrent), $canonical->($serial), 'the document equals a serial application');
is($serial->{meta}{version}, $concurrent->{meta}{version}, 'as many versions as the serial run');

=== TEST 2: a 95,000-member PATCH is refused by the cap (413) before any work; a cap-sized one finishes while another connection is served
--- timeout: 300
--- perl
my $r = scim_request('POST', '/scim/v2/Groups', '{"displayName":"big"}');
is($r->{status}, 201, 'group created');
my $gid = $r->{json}{id};
my $ids = sub { my ($n, $tag) = @_; join ',', map { sprintf '"%s-%06d"', $tag, $_ } 1 .. $n };
my $body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":'
         . '[{"op":"add","path":"members","value":[' . $ids->(95000, 'm') . ']}]}';
ok(length($body) < 1 << 20, 'under the 1 MiB body limit');
my $before = redis_digest();
$r = scim_request('PATCH', "/scim/v2/Groups/$gid", $body);
is($r->{status}, 413, '95,000 members: 413');
is($r->{json}{status}, '413', 'a SCIM error');
ok(!exists $r->{json}{scimType}, 'no scimType: RFC 7644 defines none for 413');
like($r->{json}{detail}, qr/95000 members.*scim_max_members_per_request allows 10000/, 'the detail names the limit');
is(redis_digest(), $before, 'nothing written');

# Exactly the cap: 5,000 real users, each named twice (the dedupe is
# linear), while a GET on another connection is answered.
my @users;
for my $n (1 .. 5000) {
    my $u = scim_request('POST', '/scim/v2/Users', qq({"userName":"member$n"}));
    push @users, $u->{json}{id} // die "cannot create user $n: $u->{body}";
}
my $list = join ',', map { qq({"value":"$_"}) } @users;
$body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":'
      . '[{"op":"add","path":"members","value":[' . $list . ',' . $list . ']}]}';
my $big = open_request('PATCH', "/scim/v2/Groups/$gid", $body, {});
my $other = scim_request('GET', '/scim/v2/ServiceProviderConfig');
is($other->{status}, 200, 'another connection is answered meanwhile');
$r = read_response($big, 'PATCH', 120);
is($r->{status}, 204, 'the cap-sized PATCH finishes');
is(redis_cmd("HLEN", "scim:{default}:group:$gid:members"), 5000, 'duplicates counted once')
    or diag explain redis_cmd('KEYS', '*members*');

=== TEST 3: scim_max_members_per_request applies to POST and PUT too
--- config
location /scim/v2/ {
    scim;
    scim_token $TEST_NGINX_TOKEN_HASH demo;
    scim_max_members_per_request 2;
}
--- steps
POST /scim/v2/Users
{"userName":"a"}
=> 201
=> save a = json id
---
POST /scim/v2/Users
{"userName":"b"}
=> 201
=> save b = json id
---
POST /scim/v2/Groups
{"displayName":"g","members":[{"value":"{{a}}"},{"value":"{{b}}"},{"value":"c"}]}
=> 413
=> json {"status":"413","detail":"/names 3 members; scim_max_members_per_request allows 2/"}
---
POST /scim/v2/Groups
{"displayName":"g","members":[{"value":"{{a}}"},{"value":"{{b}}"}]}
=> 201
=> save id = json id
---
PUT /scim/v2/Groups/{{id}}
{"displayName":"g","members":[{"value":"a"},{"value":"b"},{"value":"c"}]}
=> 413
---
PATCH /scim/v2/Groups/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"members":[{"value":"a"},{"value":"b"},{"value":"c"}]}}]}
=> 413
---
PATCH /scim/v2/Groups/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"value":["a","b"],"op":"add","path":"Members"},{"op":"add","path":"members[value eq \"x\"]","value":"c"}]}
=> 413
=> json {"status":"413","detail":"/names 3 members/"}
---
# Counted before the body is parsed: a body that is not even JSON, but
# names too many members, is refused by the cap.
PATCH /scim/v2/Groups/{{id}}
{"Operations":[{"op":"add","path":"members","value":["a","b","c"]}] !
=> 413
=> json {"status":"413","detail":"/names 3 members; scim_max_members_per_request allows 2/"}
---
# Members of other attributes, and text that only looks like members, do not count.
PATCH /scim/v2/Groups/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"members: [1, 2, 3]"},{"op":"add","path":"members","value":[{"value":"{{a}}","display":"a, b, c"}]}]}
=> 204

=== TEST 4: scim_max_scan: a filter that examines more records answers 400 tooMany naming the indexed attributes
--- config
location /scim/v2/ {
    scim;
    scim_token $TEST_NGINX_TOKEN_HASH demo;
    scim_max_scan 3;
}
--- perl
for my $n (1 .. 5) {
    is(scim_request('POST', '/scim/v2/Users', qq({"userName":"scan$n","title":"t"}))->{status}, 201, "user $n");
}
my $r = scim_request('GET', '/scim/v2/Users?filter=title%20eq%20%22t%22');
is($r->{status}, 400, 'a scan beyond the budget: 400');
is($r->{json}{scimType}, 'tooMany', 'tooMany');
like($r->{json}{detail}, qr/scim_max_scan.*userName/, 'names the indexed attributes');
$r = scim_request('GET', '/scim/v2/Users?filter=userName%20eq%20%22scan1%22');
is($r->{json}{totalResults}, 1, 'an indexed filter is not limited');

=== TEST 5: huge paging numbers: an empty page or 400, never 5xx
--- steps
POST /scim/v2/Users
{"userName":"pager"}
=> 201
---
GET /scim/v2/Users?startIndex=100000000000000001
=> 200
=> json {"totalResults":1,"itemsPerPage":0,"Resources":[]}
---
GET /scim/v2/Users?startIndex=9223372036854775807&count=9223372036854775807
=> 200
---
GET /scim/v2/Users?startIndex=99999999999999999999
=> 400
=> json {"scimType":"invalidValue"}
---
GET /scim/v2/Users?startIndex=100000000000000001&sortBy=title
=> 200
---
GET /scim/v2/Users?startIndex=100000000000000001&filter=title%20pr
=> 200
---
GET /scim/v2/Groups?startIndex=100000000000000001
=> 200

=== TEST 6: scim_errors: nginx's own refusals under the SCIM base in SCIM form, others untouched
--- config
scim_errors on;
location /scim/v2/ {
    scim;
    scim_token $TEST_NGINX_TOKEN_HASH demo;
}
location /other/ { return 404; }
--- perl
my $r = read_response(open_request("GET /scim/v2/Users/%00 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 'GET', 10);
is($r->{status}, 400, '%00: 400');
is($r->{headers}{'content-type'}, 'application/scim+json', 'SCIM content type');
is($r->{json}{status}, '400', 'SCIM error body');
$r = read_response(open_request("TRACE /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 'TRACE', 10);
is($r->{status}, 405, 'TRACE: 405');
is($r->{json}{status}, '405', 'SCIM error body');
$r = read_response(open_request("GET /scim/v2/Users?filter=" . ('a' x 10240) . " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 'GET', 10);
is($r->{status}, 414, '10k filter: 414');
is($r->{json}{status}, '414', 'SCIM error body');
$r = scim_request('GET', '/other/x');
is($r->{status}, 404, 'elsewhere: 404');
unlike($r->{headers}{'content-type'} // '', qr/scim/, "elsewhere nginx's own page");
$r = read_response(open_request("GET /other/%00 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 'GET', 10);
is($r->{status}, 400, 'elsewhere %00: 400');
unlike($r->{headers}{'content-type'} // '', qr/scim/, "elsewhere nginx's own page");

=== TEST 7: without scim_errors nginx's refusals before a location keep nginx's page
--- perl
my $r = read_response(open_request("TRACE /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 'TRACE', 10);
is($r->{status}, 405, 'TRACE: 405');
like($r->{headers}{'content-type'} // '', qr{text/html}, "nginx's page");

=== TEST 8: bad values for the new directives
--- config
location /scim/v2/ {
    scim;
    scim_max_scan 0;
}
--- nginx_t_fails: value must be between 1

=== TEST 9: the cap refuses 95,000 bare-string members (950 KB) before any parse: 413, SCIM error, store unchanged
--- config
location /scim/v2/ {
    scim;
    scim_token $TEST_NGINX_TOKEN_HASH demo;
    scim_max_members_per_request 94999;
}
--- perl
my $r = scim_request('POST', '/scim/v2/Groups', '{"displayName":"huge"}');
is($r->{status}, 201, 'group created');
my $gid = $r->{json}{id};
# Not JSON at its end: had it been parsed, the answer would be 400.
my $body = '{"members":[' . join(',', map { sprintf '"%07d"', $_ } 1 .. 95000) . '],,}';
ok(length($body) > 900_000 && length($body) < 1 << 20, 'about 950 KB');
my $before = redis_digest();
$r = scim_request('PUT', "/scim/v2/Groups/$gid", qq({"displayName":"huge",) . substr($body, 1));
is($r->{status}, 413, '413');
is($r->{json}{status}, '413', 'a SCIM error with status as a string');
ok(!exists $r->{json}{scimType}, 'no scimType: RFC 7644 defines none for 413');
is($r->{json}{detail}, 'the request names 95000 members; scim_max_members_per_request allows 94999', 'the detail says the count and the limit');
is($r->{headers}{'content-type'}, 'application/scim+json', 'SCIM content type');
is(redis_digest(), $before, 'store unchanged');

=== TEST 10: worst case: a 95,000-member PATCH finishes, and another connection is answered while it runs
--- timeout: 300
--- http_config
# The one script that adds 95,000 members runs for seconds in Redis on a
# loaded machine; the 2 s default would answer 503 while the write goes on.
scim_redis_timeout 60s;
--- config
location /scim/v2/ {
    scim;
    scim_token $TEST_NGINX_TOKEN_HASH demo;
    scim_max_members_per_request 100000;
}
--- perl
my $r = scim_request('POST', '/scim/v2/Groups', '{"displayName":"worst"}');
is($r->{status}, 201, 'group created');
my $gid = $r->{json}{id};
# 95,000 users written straight into the layout (docs/redis-layout.md: a
# user is a hash with its userName), as 95,000 POSTs would take minutes.
redis_cmd('EVAL', q{for i = 1, 95000 do
    redis.call('HSET', ARGV[1] .. string.format('w%05d', i), 'userName', 'w' .. i) end},
    0, 'scim:{default}:user:');
my $ids = join ',', map { sprintf '"w%05d"', $_ } 1 .. 95000;
my $body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":'
         . '[{"op":"add","path":"members","value":[' . $ids . ']}]}';
ok(length($body) < 1 << 20, 'under the 1 MiB body limit');
my $big = open_request('PATCH', "/scim/v2/Groups/$gid", $body, {});
my $other = scim_request('GET', '/scim/v2/ServiceProviderConfig');
is($other->{status}, 200, 'another connection is answered meanwhile');
$r = read_response($big, 'PATCH', 240);
is($r->{status}, 204, 'the 95,000-member PATCH finishes') or diag $r->{body};
is(redis_cmd('HLEN', "scim:{default}:group:$gid:members"), 95000, 'every member added');
is(redis_cmd('SISMEMBER', 'scim:{default}:memberof:w95000', $gid), 1, 'the last one too');
