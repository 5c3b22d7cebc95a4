# The harness's self-test: plain nginx, no SCIM module. It must pass whether
# or not the module builds, so that a broken harness is never mistaken for a
# broken module.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

run_blocks(module => 0);

__DATA__

=== TEST 1: status, exact body, exact and absent headers
--- config
    location /hello {
        add_header X-Test "yes";
        return 200 "hello";
    }
--- request
GET /hello
--- error_code: 200
--- response_headers
X-Test: yes
Content-Type: text/plain
Content-Length: 5
!X-Missing
--- response_body chomp
hello
--- no_error_log
[error]



=== TEST 2: regex expectations, HTTP/1.0, a body with a trailing newline
--- config
    location /hello {
        add_header X-Request-Uri $request_uri;
        return 200 "hello $arg_who\n";
    }
--- request
GET /hello?who=harness HTTP/1.0
--- error_code: 200
--- response_headers_like
X-Request-Uri: ^/hello\?who=harness$
Server: ^nginx
--- response_body
hello harness
--- response_body_like: ^hello \w+$
--- response_body_unlike: goodbye



=== TEST 3: a 404 and default headers the harness sends
--- config
    location /echo {
        add_header X-Auth $http_authorization always;
        add_header X-Host $http_host always;
        add_header X-Ctype $content_type always;
        return 404;
    }
--- request
POST /echo
{"a":1}
--- error_code: 404
--- response_headers
X-Auth: Bearer test-token
X-Host: localhost:$TEST_NGINX_PORT
X-Ctype: application/scim+json
--- response_body_like: 404 Not Found



=== TEST 4: more_headers override and suppress the defaults; no_auth
--- config
    location /echo {
        add_header X-Auth "[$http_authorization]";
        add_header X-Ctype "[$content_type]";
        add_header X-Custom "[$http_x_custom]";
        return 204;
    }
--- request
PUT /echo
{"a":1}
--- more_headers
Content-Type: application/json; charset=utf-8
X-Custom: a b  c
!Authorization
--- error_code: 204
--- response_headers
X-Auth: []
X-Ctype: [application/json; charset=utf-8]
X-Custom: [a b  c]
--- response_body:



=== TEST 5: no_auth leaves out Authorization
--- config
    location /echo {
        add_header X-Auth "[$http_authorization]";
        return 200 "ok";
    }
--- no_auth
--- request
GET /echo
--- error_code: 200
--- response_headers
X-Auth: []



=== TEST 6: response_json is a subset match, with __ANY__, __ABSENT__ and /regex/
--- config
    location /json {
        default_type application/json;
        return 200 '{"a":{"b":[1,2]},"c":"x","n":1.5,"t":true,"z":null,"s":"404"}';
    }
--- request
GET /json
--- error_code: 200
--- response_headers
Content-Type: application/json
--- response_json
{"a":{"b":[1,2]},"c":"__ANY__","missing":"__ABSENT__","s":"/^4\\d\\d$/","t":true,"z":null,"n":1.5}



=== TEST 7: the JSON matcher itself (arrays, types, absent keys)
--- config
    location /json {
        default_type application/json;
        return 200 '{"a":{"b":[1,2]},"c":"x","s":"404","i":404,"t":true}';
    }
--- perl
my $r = scim_request('GET', '/json');
is($r->{status}, 200, 'GET /json');
my $j = $r->{json};
is_deeply([json_subset_errors($j, {a => {b => [1, 2]}})], [], 'exact subset');
my $ok = sub { my ($exp) = @_; scalar json_subset_errors($j, JSON::PP->new->decode($exp)) == 0 };
ok($ok->('{"c":"x"}'), 'one key');
ok(!$ok->('{"a":{"b":[1]}}'), 'arrays must have the same length');
ok(!$ok->('{"a":{"b":[2,1]}}'), 'arrays compare by index');
ok(!$ok->('{"s":404}'), 'a number does not match a string');
ok(!$ok->('{"i":"404"}'), 'a string does not match a number');
ok($ok->('{"i":404}'), 'numbers match');
ok(!$ok->('{"t":"true"}'), 'a string does not match a boolean');
ok(!$ok->('{"t":false}'), 'booleans compare');
ok(!$ok->('{"c":"__ABSENT__"}'), '__ABSENT__ fails on a present key');
ok(!$ok->('{"nope":"__ANY__"}'), '__ANY__ fails on a missing key');
ok($ok->('{"c":"/^x$/"}'), 'regex');
ok(!$ok->('{"c":"/^y$/"}'), 'regex mismatch');
json_subset_ok($j, '{"a":{"b":[1,2]}}', 'json_subset_ok');



=== TEST 8: steps with saved values and substitution
--- config
    location /item {
        add_header X-Next "/item/42";
        add_header ETag 'W/"7"';
        default_type application/json;
        return 201 '{"id":"42","meta":{"version":"W/7"},"list":[{"v":"a"},{"v":"b"}],"urn:x:2.0:Ext":{"k":"v"}}';
    }
    location /item/42 {
        add_header X-Seen-If $http_x_if;
        add_header X-Seen-Auth "[$http_authorization]";
        return 200 "item $uri";
    }
--- steps
# create
POST /item
{"name":"x"}
=> 201
=> header X-Next like ^/item/\d+$
=> header X-Next: /item/42
=> header !X-Absent
=> json {"id":"42"}
=> json meta.version == W/7
=> json list.1.v == b
=> json urn:x:2.0:Ext.k == v
=> json id != 43
=> json id like ^\d+$
=> json password absent
=> json list present
=> perl $r->{json}{id} + 1 == 43
=> save id = json id
=> save etag = header ETag
=> save next = header X-Next
---
GET /item/{{id}}
> X-If: {{etag}}
> !Authorization
=> 200
=> header X-Seen-If: W/"7"
=> header X-Seen-Auth: []
=> body is item {{next}}
=> body like ^item /item/\d+$
=> body unlike nothing
=> save body = body
---
GET /nope/{{id}}
=> 404
=> body like 404 Not Found



=== TEST 9: --- perl with redis_cmd, scim_request and the error log
--- config
    location /e {
        return 200 "e";
    }
--- perl
is(redis_cmd('SET', 'k', "va\r\nlue"), 'OK', 'SET');
is(redis_cmd('GET', 'k'), "va\r\nlue", 'GET a binary-safe value');
is(redis_cmd('GET', 'missing'), undef, 'nil');
is(redis_cmd('INCR', 'n'), 1, 'integer reply');
redis_cmd('RPUSH', 'l', 'a', 'b');
is_deeply(redis_cmd('LRANGE', 'l', 0, -1), ['a', 'b'], 'array reply');
ok(!eval { redis_cmd('NOSUCHCOMMAND'); 1 }, 'an error reply dies');
like($@, qr/^redis: ERR/, 'with the Redis message');
my $r = scim_request('GET', '/e', undef, { Authorization => undef, 'X-A' => 'b' });
is($r->{status}, 200, 'scim_request');
is($r->{body}, 'e', 'body');
is($r->{headers}{'content-type'}, 'text/plain', 'lower-case header names');
like(error_log_since_block(), qr/using the "epoll" event method/, 'error_log_since_block');
ok(nginx_pid(), 'nginx_pid');
ok(scalar(worker_pids()) >= 1 || $ENV{TEST_NGINX_USE_VALGRIND}, 'worker_pids');



=== TEST 10: FLUSHALL runs between blocks
--- perl
is(redis_cmd('GET', 'k'), undef, 'the previous block\'s key is gone');
redis_cmd('SET', 'kept', '1');



=== TEST 11: --- no_flush keeps the data
--- no_flush
--- perl
is(redis_cmd('GET', 'kept'), '1', 'kept');



=== TEST 12: restarting redis loses the data and keeps the socket
--- perl
redis_cmd('SET', 'x', '1');
stop_redis();
ok(!redis_running(), 'stopped');
ok(!eval { redis_cmd('PING'); 1 }, 'PING fails while stopped');
start_redis();
is(redis_cmd('PING'), 'PONG', 'PING after restart');
is(redis_cmd('GET', 'x'), undef, 'the data is gone');



=== TEST 13: nginx -t fails on an invalid directive
--- config
    location / {
        no_such_directive on;
    }
--- nginx_t_fails: unknown directive "no_such_directive"



=== TEST 14: nginx -t passes and shows its warning
--- config
    location / {
        return 200 "a";
    }
--- nginx_t_ok: syntax is ok



=== TEST 15: raw request, chunked response, keep-alive response read by length
--- config
    location /chunked {
        chunked_transfer_encoding on;
        return 200 "abc";
    }
--- raw_request eval
"GET /chunked HTTP/1.1\r\nHost: localhost\r\n\r\n"
--- error_code: 200
--- response_body: abc



=== TEST 16: a raw HTTP/1.1 request without Host gives 400
--- raw_request eval
"GET / HTTP/1.1\r\n\r\n"
--- error_code: 400



=== TEST 17: request eval with a large body; error_log checks
--- http_config
    client_max_body_size 1k;
--- config
    location /upload {
        return 200 "x";
    }
--- request eval
"POST /upload\n" . ("a" x 5000)
--- error_code: 413
--- error_log
client intended to send too large body
qr/\[error\] \d+#\d+: \*\d+ client intended/
--- no_error_log
[crit]
nothing like this



=== TEST 18: reload and quit from --- perl; open_request / read_response
--- config
    location /slow {
        return 200 "slow";
    }
--- skip_valgrind
--- perl
my $s = open_request('GET', '/slow');
my $r = read_response($s);
is($r->{body}, 'slow', 'open_request + read_response');
my @before = worker_pids();
ok(nginx_signal('reload'), 'reload gives a new worker');
my %old = map { $_ => 1 } @before;
ok((grep { !$old{$_} } worker_pids()), 'a new worker pid');
is(scim_request('GET', '/slow')->{status}, 200, 'served after reload');
ok(nginx_signal('quit'), 'quit');



=== TEST 19: keep-alive: two pipelined requests, responses read one by one
--- config
    location /a {
        return 200 "first";
    }
    location /b {
        chunked_transfer_encoding on;
        return 200 "second";
    }
--- perl
my $s = open_request("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
my $r1 = read_response($s, 'GET', undef, keep_open => 1);
is($r1->{body}, 'first', 'the first response');
my $r2 = read_response($s, 'GET', undef, keep_open => 1);
is($r2->{body}, 'second', 'the second response');
ok(send_raw($s, "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 'send_raw');
my $r3 = read_response($s);
is($r3->{body}, 'first', 'a third one on the same connection');



=== TEST 20: --- cases: one case a line, run by --- case and reported by name
--- config
    location /echo {
        return 200 "[$arg_q]";
    }
--- cases
# query => the body nginx answers
one => [one]
two%20words => [two%20words]
   spaced    =>    [spaced]
--- case
my $r = scim_request('GET', "/echo?q=$main::case");
is($r->{body}, $main::expect, 'body');
--- perl
my @c = ScimTest::Blocks::_parse_cases("# comment\n\na => 1\nb =>\nc\n  d  e   =>   x y  \n");
is_deeply(\@c, [['a', '1'], ['b', ''], ['c', undef], ['d  e', 'x y']], 'the table');
ok(!eval { ScimTest::Blocks::_parse_cases("a => 1\na => 2\n"); 1 }, 'a name twice is refused');
like($@, qr/case 'a' appears twice/, '... and named');
ok(!eval { ScimTest::Blocks::_parse_cases("# only a comment\n"); 1 }, 'an empty table is refused');
ok(!eval { ScimTest::Blocks::_parse_cases("=> x\n"); 1 }, 'a case without a name is refused');

# Run a table under a private Test::Builder: what would a failing case report?
my $tb = Test::Builder->create;
my $out = '';
$tb->output(\$out);
$tb->failure_output(\$out);
$tb->todo_output(\$out);
{
    no warnings 'redefine';
    local *Test::More::builder = sub { $tb };
    local *Test::Builder::new = sub { $tb };
    ScimTest::Blocks::_run_cases({ name => 'META', mod => {}, sec => {
        cases => "passes => 1\nfails => 0\ndies => 1\nsilent => 1\n",
        case => 'die "boom\n" if $main::case eq "dies"; '
              . 'ok($main::expect, "checked") unless $main::case eq "silent";' } });
}
like($out, qr/^ok 1 - .*case 'passes': checked$/m, 'a passing case is named');
like($out, qr/^not ok 2 - .*case 'fails': checked$/m, 'a failing case is named');
like($out, qr/^not ok 3 - .*case 'dies'$/m, 'a case that dies fails by name');
like($out, qr/boom/, '... with its error');
like($out, qr/^not ok 4 - .*case 'silent' asserts something$/m, 'a case that asserts nothing fails')
    or diag($out);



=== TEST 21: more redis-servers on demand: start_redis_servers, redis_ports, stop_redis_servers
--- perl
my @s = start_redis_servers('extra', 2, args => sub { my ($i, $port) = @_; ('--databases', 10 + $i) });
is(scalar @s, 2, 'two servers');
my @ports = redis_ports(@s);
isnt($ports[0], $ports[1], 'on two ports');
for my $i (0, 1) {
    my $c = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $ports[$i], Timeout => 5);
    ok($c, "server $i answers on its port") or next;
    print $c "CONFIG GET databases\r\n";
    my $reply = join '', map { scalar <$c> } 1 .. 5;
    like($reply, qr/\r\n${\ (11 + $i)}\r\n/, "server $i got its own arguments");
}
ok(-S $s[0]{sock}, 'and a unix socket');
stop_redis_servers(@s);
ok(!kill(0, $s[0]{pid}) && !kill(0, $s[1]{pid}), 'stopped');
