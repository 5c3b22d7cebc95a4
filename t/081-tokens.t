# Tokens in Redis (issue 5 §2): the admin API and tools/scim-tokens, a
# created token working on /scim/v2, revocation within the cache TTL on
# every worker, rotation grace, the audit log, caching, and Redis going away
# during a look-up.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;
use Digest::SHA qw(sha256_hex);
use Time::HiRes qw(sleep time);

$ENV{TEST_NGINX_ADMIN_HASH} = sha256_hex('admin-secret');
$ENV{TEST_NGINX_ACME_HASH} = sha256_hex('token-acme');

# The locations most blocks share: SCIM with Redis tokens, the admin API.
$ENV{TEST_NGINX_LOCATIONS} = <<"CONF";
    location /scim/v2/ {
        scim;
        scim_redis_tokens on;
        add_header X-Worker \$pid always;
    }
    location /scim-admin/ {
        scim_admin;
        scim_admin_token $ENV{TEST_NGINX_ADMIN_HASH};
    }
CONF

sub admin {
    my ($method, $path, $body) = @_;
    return scim_request($method, "/scim-admin$path", $body,
                        { Authorization => 'Bearer admin-secret',
                          'Content-Type' => defined $body ? 'application/json' : undef });
}

sub create_token {
    my ($tenant, $name) = @_;
    my $r = admin('POST', "/tenants/$tenant/tokens", qq({"name":"$name"}));
    die "create $tenant/$name: $r->{status} $r->{body}" unless ($r->{status} // 0) == 201;
    return $r->{json};
}

sub with_token {
    my ($token, $method, $uri, $body) = @_;
    return scim_request($method, $uri, $body, { Authorization => "Bearer $token" });
}

# Polls until the token gets `status` (each try on a new connection).
sub wait_for_status {
    my ($token, $status, $secs) = @_;
    return wait_until(sub {
        (with_token($token, 'GET', '/scim/v2/Users')->{status} // 0) == $status
    }, $secs);
}

# Calls of a Redis command since the last CONFIG RESETSTAT.
sub redis_calls {
    my ($command) = @_;
    my $info = redis_cmd('INFO', 'commandstats');
    return $info =~ /^cmdstat_\Q$command\E:calls=(\d+)/m ? $1 : 0;
}

run_blocks();

__DATA__

=== TEST 1: create, list, use: the secret is shown once and only its hash is stored
--- http_config
    scim_token_cache_ttl 1s;
--- config
$TEST_NGINX_LOCATIONS
--- perl
my $r = admin('POST', '/tenants/acme/tokens', '{"name":"okta prod"}');
is($r->{status}, 201, 'created');
is($r->{headers}{'content-type'}, 'application/json', 'admin answers are application/json');
my $t = $r->{json};
like($t->{token}, qr/^scim_[A-Za-z0-9_-]{43}$/, 'a 256-bit base64url token');
my $sha = sha256_hex($t->{token});
is($t->{id}, substr($sha, 0, 12), 'its id is the first 12 hex digits of its SHA-256');
is($t->{name}, 'okta prod', 'name');
is($t->{tenant}, 'acme', 'tenant');
like($t->{created}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'created');

my %h = map { $_ => 1 } @{ redis_cmd('HGETALL', "scim:{#tokens}:token:$sha") };
ok($h{acme} && $h{'okta prod'}, 'the registry has the token under its hash');
is(redis_cmd('HGET', 'scim:{#tokens}:tenant:acme', $t->{id}), $sha, "and in the tenant's index");
for my $key (@{ redis_cmd('KEYS', '*') }) {
    my $type = redis_cmd('TYPE', $key);
    my $dump = $type eq 'hash' ? join(' ', @{ redis_cmd('HGETALL', $key) })
             : $type eq 'string' ? redis_cmd('GET', $key) : '';
    unlike("$key $dump", qr/\Q$t->{token}\E/, "no plaintext in $key");
}

$r = admin('GET', '/tenants/acme/tokens');
is($r->{status}, 200, 'listed');
is(scalar @{ $r->{json}{tokens} }, 1, 'one token');
json_subset_ok($r->{json}, {tenant => 'acme', tokens => [{id => $t->{id}, name => 'okta prod',
    created => $t->{created}, lastUsed => undef, expires => undef, revoked => undef,
    active => JSON::PP::true, token => '__ABSENT__'}]}, 'the list');
unlike($r->{body}, qr/\Q$t->{token}\E|$sha/, 'the list holds neither the token nor its hash');
is(admin('GET', '/tenants/globex/tokens')->{json}{tokens}[0], undef, 'globex has none');

$r = with_token($t->{token}, 'POST', '/scim/v2/Users', '{"userName":"via-redis-token"}');
is($r->{status}, 201, 'the new token works on /scim/v2');
is(redis_cmd('EXISTS', "scim:{acme}:user:$r->{json}{id}"), 1, "in the token's tenant");
is(redis_cmd('HGET', "scim:{acme}:user:$r->{json}{id}", 'managedBy'), 'okta prod',
   'the token name marks what it created');
ok(wait_until(sub { redis_cmd('HGET', "scim:{#tokens}:token:$sha", 'lastUsed') ne '0' }, 3),
   'lastUsed is recorded');
$r = admin('GET', '/tenants/acme/tokens');
like($r->{json}{tokens}[0]{lastUsed}, qr/^\d{4}-/, 'and listed');
--- no_error_log
authentication failed



=== TEST 2: the admin API's own credential; SCIM and admin tokens do not mix
--- config
$TEST_NGINX_LOCATIONS
--- perl
my $t = create_token('acme', 'okta');
my $r = scim_request('GET', '/scim-admin/tenants/acme/tokens', undef, {Authorization => undef});
is($r->{status}, 401, 'no token: 401');
is($r->{headers}{'www-authenticate'}, 'Bearer realm="scim"', 'with a challenge');
is($r->{headers}{'content-type'}, 'application/json', 'as JSON');
is($r->{json}{status}, 401, 'status as a number in admin errors');
is(scim_request('GET', '/scim-admin/tenants/acme/tokens', undef,
                {Authorization => "Bearer $t->{token}"})->{status}, 401, 'a SCIM token is no admin token');
is(with_token('admin-secret', 'GET', '/scim/v2/Users')->{status}, 401, 'the admin token is no SCIM token');
--- error_log
unknown admin token sha256:
--- no_error_log
admin-secret



=== TEST 3: admin API errors
--- config
$TEST_NGINX_LOCATIONS
--- cases
# METHOD path [body]                                         => status, what the error says
POST /tenants/acme/tokens {"name":""}                         => 400 name
POST /tenants/acme/tokens {"nom":"x"}                         => 400 name
POST /tenants/acme/tokens not json                            => 400 malformed JSON
POST /tenants/a%7Bb/tokens {"name":"x"}                       => 400 tenant name
GET /tenants/acme                                             => 404 no such admin endpoint
GET /nothing                                                  => 404 no such admin endpoint
PUT /tenants/acme/tokens {}                                   => 405 allowed: GET, POST
DELETE /tenants/acme/tokens/0123456789ab                      => 404 no token 0123456789ab
POST /tenants/acme/tokens/0123456789ab/rotate {}              => 404 no token
POST /tenants/acme/tokens/0123456789ab/rotate {"graceSeconds":-5} => 400 graceSeconds
--- case
my ($method, $path, $body) = split / /, $main::case, 3;
my ($status, $says) = split / /, $main::expect, 2;
my $r = admin($method, $path, $body);
is($r->{status}, $status, "$method $path: $status");
like($r->{json}{error} // '', qr/\Q$says\E/, '... says why');
is($r->{headers}{'content-type'}, 'application/json', '... as JSON');
--- perl
is(admin('PUT', '/tenants/acme/tokens', '{}')->{headers}{allow}, 'GET, POST', 'Allow');



=== TEST 4: revoked: refused within the cache TTL, logged by name, never the secret
--- http_config
    scim_token_cache_ttl 1s;
--- config
$TEST_NGINX_LOCATIONS
--- perl
my $t = create_token('acme', 'entra');
is(with_token($t->{token}, 'GET', '/scim/v2/Users')->{status}, 200, 'works (and is now cached)');
my $r = admin('DELETE', "/tenants/acme/tokens/$t->{id}");
is($r->{status}, 204, 'revoked');
is($r->{body}, '', 'no body');
my $at = time;
ok(wait_for_status($t->{token}, 401, 3), 'refused within the TTL');
cmp_ok(time - $at, '<', 2.5, 'within about a second');
$r = with_token($t->{token}, 'GET', '/scim/v2/Users');
is($r->{json}{detail}, 'a valid bearer token is required', 'the same 401 as an unknown token');
is(admin('DELETE', "/tenants/acme/tokens/$t->{id}")->{status}, 204, 'revoking again is no error');
$r = admin('GET', '/tenants/acme/tokens');
json_subset_ok($r->{json}{tokens}[0], {id => $t->{id}, active => JSON::PP::false,
                                       revoked => '/^\d{4}-/'}, 'listed as revoked');
my $sha = sha256_hex($t->{token});
cmp_ok(redis_cmd('PTTL', "scim:{#tokens}:token:$sha"), '>', 29 * 86400 * 1000,
       'kept 30 days for audit');
is(admin('POST', "/tenants/acme/tokens/$t->{id}/rotate", '{}')->{status}, 409,
   'a revoked token cannot be rotated');
--- error_log eval
[qr/\[warn\].*authentication failed: revoked token "entra" \(sha256:[0-9a-f]{8}\) of tenant "acme"/]
--- no_error_log eval
[qr/scim_[A-Za-z0-9_-]{43}/]



=== TEST 5: rotation: the old token works through its grace, then stops
--- http_config
    scim_token_cache_ttl 1s;
--- config
$TEST_NGINX_LOCATIONS
--- perl
my $old = create_token('acme', 'okta');
is(with_token($old->{token}, 'GET', '/scim/v2/Users')->{status}, 200, 'old token works');
my $r = admin('POST', "/tenants/acme/tokens/$old->{id}/rotate", '{"graceSeconds":3}');
is($r->{status}, 201, 'rotated');
my $new = $r->{json};
isnt($new->{token}, $old->{token}, 'a new secret');
is($new->{name}, 'okta', 'same name');
is($new->{previous}{id}, $old->{id}, 'names the old token');
like($new->{previous}{expires}, qr/^\d{4}-/, 'and when it expires');
my $rotated = time;
is(with_token($new->{token}, 'GET', '/scim/v2/Users')->{status}, 200, 'new token works');
is(with_token($old->{token}, 'GET', '/scim/v2/Users')->{status}, 200, 'old token still works');
sleep 1.5;
is(with_token($old->{token}, 'GET', '/scim/v2/Users')->{status}, 200,
   'old token works after the cache TTL, within the grace');
ok(wait_for_status($old->{token}, 401, 6), 'old token refused once the grace is over');
cmp_ok(time - $rotated, '>=', 2.9, 'not before');
is(with_token($new->{token}, 'GET', '/scim/v2/Users')->{status}, 200, 'new token still works');
is(admin('POST', "/tenants/acme/tokens/$old->{id}/rotate", '{}')->{status}, 409,
   'an expired token cannot be rotated');
$r = admin('GET', '/tenants/acme/tokens');
is_deeply([map { [$_->{id}, $_->{active} ? 1 : 0] } @{ $r->{json}{tokens} }],
          [[$old->{id}, 0], [$new->{id}, 1]], 'both listed, the old one inactive');

my $r0 = admin('POST', "/tenants/acme/tokens/$new->{id}/rotate", '{"graceSeconds":0}');
is($r0->{status}, 201, 'rotated without grace');
ok(wait_for_status($new->{token}, 401, 3), 'the previous token stops within the TTL');
is(with_token($r0->{json}{token}, 'GET', '/scim/v2/Users')->{status}, 200, 'the newest works');
--- error_log eval
[qr/\[warn\].*authentication failed: expired token "okta"/]



=== TEST 6: two workers: revocation reaches both within the TTL
--- skip_valgrind
--- main_config
worker_processes 2;
--- http_config
    scim_token_cache_ttl 1s;
--- config
$TEST_NGINX_LOCATIONS
--- perl
my $t = create_token('acme', 'okta');
my %ok;
wait_until(sub {
    my $r = with_token($t->{token}, 'GET', '/scim/v2/Users');
    $ok{ $r->{headers}{'x-worker'} } = 1 if $r->{status} == 200;
    keys %ok >= 2;
}, 10);
is(scalar keys %ok, 2, 'both workers accepted (and cached) the token');
is(admin('DELETE', "/tenants/acme/tokens/$t->{id}")->{status}, 204, 'revoked');
sleep 1.2;
my (%refused, @statuses);
for (1 .. 40) {
    my $r = with_token($t->{token}, 'GET', '/scim/v2/Users');
    push @statuses, $r->{status};
    $refused{ $r->{headers}{'x-worker'} } = 1 if $r->{status} == 401;
}
is_deeply([grep { $_ != 401 } @statuses], [], 'every request after the TTL is refused');
is(scalar keys %refused, 2, 'by both workers');



=== TEST 7: caching: one look-up per TTL, misses cached too, lastUsed at most once a minute
--- main_config
worker_processes 1;
--- http_config
    scim_token_cache_ttl 5s;
--- config
$TEST_NGINX_LOCATIONS
--- perl
my $t = create_token('acme', 'okta');
redis_cmd('CONFIG', 'RESETSTAT');
with_token($t->{token}, 'GET', '/scim/v2/ServiceProviderConfig') for 1 .. 20;
is(redis_calls('hmget'), 1, '20 requests, one look-up');
ok(wait_until(sub { redis_calls('evalsha') >= 1 }, 3), 'lastUsed recorded');
sleep 0.2;
is(redis_calls('evalsha'), 1, '... once');

redis_cmd('CONFIG', 'RESETSTAT');
my @s = map { with_token('wrong-token', 'GET', '/scim/v2/ServiceProviderConfig')->{status} } 1 .. 20;
is_deeply([grep { $_ != 401 } @s], [], 'a wrong token is refused');
cmp_ok(redis_calls('hmget'), '<=', 3, 'misses are cached (for 1 s)');



=== TEST 8: the audit log is throttled under a flood of bad tokens
--- main_config
worker_processes 1;
--- config
$TEST_NGINX_LOCATIONS
--- perl
my $start = time;
my @s = map { with_token("guess-$_", 'GET', '/scim/v2/ServiceProviderConfig')->{status} } 1 .. 60;
my $took = time - $start;
is_deeply([grep { $_ != 401 } @s], [], 'all refused');
sleep 1.1;
with_token('one-more', 'GET', '/scim/v2/ServiceProviderConfig');
my $log = error_log_since_block();
my $lines = () = $log =~ /authentication failed: unknown token sha256:[0-9a-f]{8}/g;
cmp_ok($lines, '<=', 10 * (int($took) + 2), "at most 10 lines a second ($lines in ${took}s)");
SKIP: {
    skip 'the flood took too long to be throttled', 1 if $took > 3;
    like($log, qr/\(\d+ similar lines suppressed\)/, 'and the rest is counted');
}
unlike($log, qr/guess-\d+|one-more/, 'never a plaintext token');



=== TEST 9: Redis down while a Redis token is looked up: 503, not 401
--- http_config
    scim_token_cache_ttl 1s;
--- config
$TEST_NGINX_LOCATIONS
--- perl
my $t = create_token('acme', 'okta');
stop_redis();
my $r = with_token($t->{token}, 'GET', '/scim/v2/Users');
is($r->{status}, 503, 'an uncached Redis token while Redis is down: 503');
is($r->{json}{status}, '503', 'a SCIM error');
ok($r->{headers}{'retry-after'}, 'with Retry-After');
$r = with_token($t->{token}, 'GET', '/scim/v2/Users');
is($r->{status}, 503, 'again');
start_redis();
ok(wait_until(sub { with_token($t->{token}, 'GET', '/scim/v2/Users')->{status} == 401 }, 15),
   'Redis is back (empty): the token is unknown');



=== TEST 10: static and Redis tokens side by side; scim_tenant $org applies to both
--- config
    location ~ ^/orgs/(?<org>[^/]+)/scim/v2/ {
        scim;
        scim_tenant $org;
        scim_redis_tokens on;
        scim_token $TEST_NGINX_ACME_HASH acme-static tenant=acme;
    }
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_ACME_HASH acme-static tenant=acme;
    }
    location /scim-admin/ {
        scim_admin;
        scim_admin_token $TEST_NGINX_ADMIN_HASH;
    }
--- perl
my $g = create_token('globex', 'globex-okta');
is(with_token('token-acme', 'GET', '/orgs/acme/scim/v2/Users')->{status}, 200, 'static token, its tenant');
is(with_token($g->{token}, 'GET', '/orgs/globex/scim/v2/Users')->{status}, 200, 'Redis token, its tenant');
is(with_token($g->{token}, 'GET', '/orgs/acme/scim/v2/Users')->{status}, 401, "Redis token, another tenant's path");
is(with_token('token-acme', 'GET', '/orgs/globex/scim/v2/Users')->{status}, 401, "static token, another tenant's path");
is(with_token('token-acme', 'GET', '/scim/v2/Users')->{status}, 200, 'static tokens work as before');
redis_cmd('CONFIG', 'RESETSTAT');
is(with_token($g->{token}, 'GET', '/scim/v2/Users')->{status}, 401,
   'without scim_redis_tokens, Redis tokens are not consulted ...');
is(redis_calls('hmget'), 0, '... not even looked up');
--- error_log
token of another tenant "globex-okta"



=== TEST 11: tools/scim-tokens drives the admin API
--- config
$TEST_NGINX_LOCATIONS
--- perl
my $tool = "$ENV{TEST_NGINX_SERVROOT}/../../../../tools/scim-tokens";
$tool = 'tools/scim-tokens' unless -x $tool;
local $ENV{SCIM_ADMIN_URL} = "http://127.0.0.1:$ENV{TEST_NGINX_PORT}/scim-admin";
local $ENV{SCIM_ADMIN_TOKEN} = 'admin-secret';
my $json = JSON::PP->new;
my $out = `$tool create acme 'Okta "prod"' 2>&1`;
is($?, 0, 'create') or diag $out;
my $t = eval { $json->decode($out) } || {};
is($t->{name}, 'Okta "prod"', 'quotes in the name survive');
is(with_token($t->{token}, 'GET', '/scim/v2/Users')->{status}, 200, 'the token works');
$out = `$tool list acme 2>&1`;
is($?, 0, 'list');
is(eval { $json->decode($out)->{tokens}[0]{id} }, $t->{id}, 'lists it');
$out = `$tool rotate acme $t->{id} 60 2>&1`;
is($?, 0, 'rotate') or diag $out;
my $n = eval { $json->decode($out) } || {};
is($n->{previous}{id}, $t->{id}, 'rotated');
$out = `$tool revoke acme $n->{id} 2>&1`;
is($?, 0, 'revoke');
like($out, qr/revoked $n->{id}/, 'says so');
$out = `$tool revoke acme $n->{id}0 2>&1`;
is($? >> 8, 2, 'a bad id is a usage error');
$out = `$tool revoke acme 0123456789ab 2>&1`;
is($? >> 8, 1, 'an unknown id is refused by the API');
like($out, qr/HTTP 404/, 'with the status');
$out = `$tool --admin-token wrong list acme 2>&1`;
is($? >> 8, 1, 'a wrong admin token');
like($out, qr/HTTP 401/, 'is a 401');
$out = `SCIM_ADMIN_URL= $tool list acme 2>&1`;
is($? >> 8, 2, 'no URL: usage error');



=== TEST 12: nginx -t: scim_token_cache_ttl above 1h
--- http_config
    scim_token_cache_ttl 2h;
--- config
$TEST_NGINX_LOCATIONS
--- nginx_t_fails: scim_token_cache_ttl must not exceed 1h



=== TEST 13: nginx -t: scim_token_cache_ttl abc
--- http_config
    scim_token_cache_ttl abc;
--- config
$TEST_NGINX_LOCATIONS
--- nginx_t_fails: "scim_token_cache_ttl" directive invalid value



=== TEST 14: nginx -t: scim_redis_tokens maybe
--- config
    location /scim/v2/ {
        scim;
        scim_redis_tokens maybe;
    }
--- nginx_t_fails: invalid value "maybe" in "scim_redis_tokens" directive, it must be "on" or "off"



=== TEST 15: nginx -t: scim_admin without scim_admin_token
--- config
    location /scim-admin/ {
        scim_admin;
    }
--- nginx_t_fails: scim_admin location has no scim_admin_token



=== TEST 16: nginx -t: a plaintext scim_admin_token
--- config
    location /scim-admin/ {
        scim_admin;
        scim_admin_token admin-secret;
    }
--- nginx_t_fails: invalid scim_admin_token "admin-secret": token must be given as its SHA-256



=== TEST 17: nginx -t: scim and scim_admin in one location
--- config
    location /scim/v2/ {
        scim;
        scim_admin;
        scim_admin_token $TEST_NGINX_ADMIN_HASH;
    }
--- nginx_t_fails: "scim_admin" directive cannot share a location with "scim"



=== TEST 18: nginx -t: scim_redis_tokens alone satisfies a scim location; 0 disables the cache
--- http_config
    scim_token_cache_ttl 0;
--- config
    location /scim/v2/ {
        scim;
        scim_redis_tokens on;
    }
--- nginx_t_ok



=== TEST 19: bodies read after an asynchronous look-up: large, chunked, too large
--- http_config
    scim_token_cache_ttl 0;
--- config
    location /scim/v2/ {
        scim;
        scim_redis_tokens on;
        client_max_body_size 300k;
    }
    location /scim-admin/ {
        scim_admin;
        scim_admin_token $TEST_NGINX_ADMIN_HASH;
        client_max_body_size 1k;
    }
--- perl
my $t = create_token('acme', 'okta');
my $big = '{"userName":"big","nickName":"' . ('x' x 200000) . '"}';
my $r = with_token($t->{token}, 'POST', '/scim/v2/Users', $big);
is($r->{status}, 201, 'a 200 KB body after the look-up');
is(length($r->{json}{nickName} // ''), 200000, 'read whole');

my $body = '{"userName":"chunked"}';
my $s = open_request("POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\n"
    . "Authorization: Bearer $t->{token}\r\nContent-Type: application/scim+json\r\n"
    . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    . sprintf("%x\r\n%s\r\n0\r\n\r\n", length $body, $body));
$r = read_response($s, 'POST');
is($r->{status}, 201, 'a chunked body after the look-up');

$r = with_token($t->{token}, 'POST', '/scim/v2/Users', '{"userName":"' . ('y' x 400000) . '"}');
is($r->{status}, 413, 'too large: 413');
is($r->{headers}{'content-type'}, 'application/scim+json', 'as a SCIM error');
like($r->{json}{detail} // '', qr/client_max_body_size/, 'saying why');

$r = admin('POST', '/tenants/acme/tokens', '{"name":"' . ('n' x 2000) . '"}');
is($r->{status}, 413, 'admin API: too large');
is($r->{headers}{'content-type'}, 'application/json', 'as an admin API error');
is($r->{json}{status}, 413, 'in its shape');
