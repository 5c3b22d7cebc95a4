# scim_metrics (issue 13): the scrape parsed by prometheus_client with exact
# counter values after a known mix of requests, every auth failure reason,
# the token cache, counters summed over two workers and kept across a
# reload, the tenant cap with "_other", hostile tenant names, histograms
# well-formed.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;
use Cwd qw(abs_path);
use Digest::SHA qw(sha256_hex);
use File::Basename qw(dirname);
use JSON::PP ();
use Time::HiRes qw(sleep);

my $PARSER = dirname(abs_path(__FILE__)) . '/lib/prom_parse.py';
$ENV{TEST_NGINX_ADMIN_HASH} = sha256_hex('admin-secret');
$ENV{"TEST_NGINX_T${_}_HASH"} = sha256_hex("token-t$_") for 1 .. 4;

# The scrape, parsed by the reference parser: {families, samples, problems}.
sub scrape {
    my $r = scim_request('GET', '/metrics', undef, { Authorization => undef });
    die "scrape: $r->{status}\n" unless ($r->{status} // 0) == 200;
    my $file = servroot() . '/scrape.txt';
    open my $fh, '>', $file or die "$file: $!";
    print $fh $r->{body};
    close $fh;
    my $json = `/usr/bin/python3 $PARSER < $file`;
    die "prometheus_client could not parse the scrape (see $file)\n" if $?;
    my $m = JSON::PP->new->decode($json);
    $m->{content_type} = $r->{headers}{'content-type'};
    $m->{text} = $r->{body};
    return $m;
}

# The sum of the samples named $name whose labels include %labels; undef if none.
sub value {
    my ($m, $name, %labels) = @_;
    my ($sum, $found) = (0, 0);
    for my $s (@{ $m->{samples} }) {
        next unless $s->[0] eq $name;
        next if grep { ($s->[1]{$_} // "\0") ne $labels{$_} } keys %labels;
        $sum += $s->[2];
        $found++;
    }
    return $found ? $sum : undef;
}

sub admin {
    my ($method, $path, $body) = @_;
    return scim_request($method, "/scim-admin$path", $body,
                        { Authorization => 'Bearer admin-secret',
                          'Content-Type' => defined $body ? 'application/json' : undef });
}

sub as {
    my ($token, $method, $uri, $body) = @_;
    return scim_request($method, $uri, $body,
                        { Authorization => defined $token ? "Bearer $token" : undef });
}

$ENV{TEST_NGINX_LOCATIONS} = <<"CONF";
    location /scim/v2/ {
        scim;
        scim_token ${\ sha256_hex("test-token")} demo;
        scim_redis_tokens on;
        add_header X-Worker \$pid always;
    }
    location ~ ^/orgs/(?<org>[^/]+)/scim/v2/ {
        scim;
        scim_tenant \$org;
        scim_token ${\ sha256_hex("test-token")} acme-static tenant=acme;
        scim_token $ENV{TEST_NGINX_T1_HASH} t1 tenant=t1;
        scim_token $ENV{TEST_NGINX_T2_HASH} t2 tenant=t2;
        scim_token $ENV{TEST_NGINX_T3_HASH} t3 tenant=t3;
        scim_token $ENV{TEST_NGINX_T4_HASH} t4 tenant=t4;
    }
    location /scim-admin/ {
        scim_admin;
        scim_admin_token $ENV{TEST_NGINX_ADMIN_HASH};
    }
    location = /metrics {
        scim_metrics;
    }
CONF

run_blocks();

__DATA__

=== TEST 1: a known mix of requests gives exact counters
--- http_config
    scim_token_cache_ttl 60s;
--- config
$TEST_NGINX_LOCATIONS
--- perl
my %tally;
my $do = sub { my $r = as(@_); $tally{"$_[1] $r->{status}"}++; $r };
$do->('test-token', 'POST', '/scim/v2/Users', '{"userName":"ann"}');
$do->('test-token', 'POST', '/scim/v2/Users', '{"userName":"bob"}');
$do->('test-token', 'POST', '/scim/v2/Groups', '{"displayName":"eng"}');
$do->('test-token', 'GET', "/scim/v2/Users/nope-$_") for 1 .. 3;
# Every reason of a 401 this configuration can give.
$do->(undef, 'GET', '/scim/v2/Users');                                        # missing
scim_request('GET', '/scim/v2/Users', undef, { Authorization => 'Basic YTpi' });  # malformed
$do->('no-such-token', 'GET', '/scim/v2/Users');                              # unknown
my $revoked = admin('POST', '/tenants/acme/tokens', '{"name":"old"}')->{json};
is(admin('DELETE', "/tenants/acme/tokens/$revoked->{id}")->{status}, 204, 'revoked one');
$do->($revoked->{token}, 'GET', '/scim/v2/Users');                           # revoked
my $rotated = admin('POST', '/tenants/acme/tokens', '{"name":"rot"}')->{json};
is(admin('POST', "/tenants/acme/tokens/$rotated->{id}/rotate", '{"graceSeconds":0}')->{status},
   201, 'rotated one without grace');
sleep 0.05;
$do->($rotated->{token}, 'GET', '/scim/v2/Users');                           # expired
$do->('test-token', 'GET', '/orgs/globex/scim/v2/Users');                    # wrong tenant
# A Redis token: one miss, then hits.
my $live = admin('POST', '/tenants/acme/tokens', '{"name":"live"}')->{json};
$do->($live->{token}, 'GET', '/scim/v2/Users');
$do->($live->{token}, 'GET', '/scim/v2/Users');
$do->($live->{token}, 'POST', '/scim/v2/Users', '{"userName":"cy"}');

my $m = scrape();
is($m->{content_type}, 'text/plain; version=0.0.4', 'Content-Type of the 0.0.4 format');
is_deeply($m->{problems}, [], 'histograms well-formed: ordered, cumulative, +Inf = count');
is($tally{'POST 201'}, 4, 'four creations answered 201');
is(value($m, 'scim_http_requests_total', resource => 'users', method => 'POST', code => '201'), 3,
   'users POST 201');
is(value($m, 'scim_http_requests_total', resource => 'groups', method => 'POST', code => '201'), 1,
   'groups POST 201');
is(value($m, 'scim_http_requests_total', resource => 'users', method => 'GET', code => '404'), 3,
   'users GET 404');
is(value($m, 'scim_http_requests_total', resource => 'users', method => 'GET', code => '401'), 6,
   'users GET 401');
is(value($m, 'scim_http_requests_total', resource => 'users', method => 'GET', code => '200'), 2,
   'users GET 200');
is(value($m, 'scim_http_requests_total', resource => 'admin', method => 'POST', code => '201'), 4,
   'admin POST 201 (three tokens, one rotation)');
is(value($m, 'scim_http_requests_total', resource => 'admin', method => 'DELETE', code => '204'), 1,
   'admin DELETE 204');
for my $reason (qw(missing malformed unknown revoked expired wrong_tenant)) {
    is(value($m, 'scim_auth_failures_total', reason => $reason), 1, "auth failure: $reason");
}
is(value($m, 'scim_token_cache_misses_total'), 4, 'cache misses: unknown, revoked, expired, live');
is(value($m, 'scim_token_cache_hits_total'), 2, 'cache hits: the live token twice');
is(value($m, 'scim_http_request_duration_seconds_count', resource => 'users', method => 'POST'), 3,
   'one duration per request');
is(value($m, 'scim_redis_command_duration_seconds_count', kind => 'auth'), 4,
   'one auth round trip per cache miss');
cmp_ok(value($m, 'scim_redis_command_duration_seconds_count', kind => 'write'), '>=', 4,
       'write round trips');
cmp_ok(value($m, 'scim_redis_command_duration_seconds_count', kind => 'admin'), '>=', 5,
       'admin round trips');
cmp_ok(value($m, 'scim_redis_command_duration_seconds_sum', kind => 'write'), '>', 0,
       'write time is measured');
is(value($m, 'scim_writes_total', tenant => 'default', resource => 'users', op => 'create'), 2,
   'writes of tenant default');
is(value($m, 'scim_writes_total', tenant => 'default', resource => 'groups', op => 'create'), 1,
   'group writes of tenant default');
is(value($m, 'scim_writes_total', tenant => 'acme', resource => 'users', op => 'create'), 1,
   'writes of tenant acme');
is(value($m, 'scim_writes_total', tenant => '_other'), undef, 'nothing beyond the cap');
is(value($m, 'scim_redis_up'), 1, 'one worker connected');
is(value($m, 'scim_redis_errors_total'), 0, 'no Redis errors');
is(value($m, 'scim_redis_reconnects_total'), 0, 'no reconnects');
my ($deb_version) = do { open my $ch, '<', 'debian/changelog' or die $!; <$ch> } =~ /\(([^)-]+)/;
is(value($m, 'scim_build_info', version => $deb_version, layout => '1'), 1,
   "build info: the version of debian/changelog ($deb_version)");
is($m->{families}{scim_http_request_duration_seconds}, 'histogram', 'a histogram family');



=== TEST 2: the tenant cap: beyond scim_metrics_max_tenants, tenant="_other"; hostile names never reach a label
--- http_config
    scim_metrics_max_tenants 2;
--- config
$TEST_NGINX_LOCATIONS
--- perl
for my $t (1 .. 4) {
    for my $n (1 .. $t) {
        is(as("token-t$t", 'POST', "/orgs/t$t/scim/v2/Users", qq({"userName":"u$n"}))->{status},
           201, "t$t user $n");
    }
}
my $hostile = as('test-token', 'GET', '/orgs/ev%22il%5C%0A%7D/scim/v2/Users');
is($hostile->{status}, 404, 'a tenant name with quotes, backslashes, newlines is refused');
my $m = scrape();
is(value($m, 'scim_writes_total', tenant => 't1'), 1, 't1 has its own series');
is(value($m, 'scim_writes_total', tenant => 't2'), 2, 't2 has its own series');
is(value($m, 'scim_writes_total', tenant => 't3'), undef, 't3 is beyond the cap');
is(value($m, 'scim_writes_total', tenant => '_other', resource => 'users', op => 'create'), 7,
   't3 and t4 count under _other');
unlike($m->{text}, qr/ev"il|ev\\"il/, 'the hostile name is nowhere in the scrape');
is_deeply($m->{problems}, [], 'histograms well-formed');



=== TEST 3: counters survive nginx -s reload; the zone is shared, not per worker
--- config
$TEST_NGINX_LOCATIONS
--- perl
as('test-token', 'POST', '/scim/v2/Users', qq({"userName":"u$_"})) for 1 .. 3;
is(value(scrape(), 'scim_writes_total', tenant => 'default'), 3, 'three writes before');
ok(nginx_signal('reload'), 'reloaded');
ok(wait_until(sub { (value(scrape(), 'scim_redis_up') // -1) == 1 }, 10),
   'the old worker left scim_redis_up, the new one joined');
as('test-token', 'POST', '/scim/v2/Users', '{"userName":"after"}');
my $m = scrape();
is(value($m, 'scim_writes_total', tenant => 'default'), 4, 'kept across the reload, then counted on');
is(value($m, 'scim_http_requests_total', resource => 'users', method => 'POST', code => '201'), 4,
   'request counters too');



=== TEST 4: two workers add to the same counters
--- skip_valgrind
--- main_config
worker_processes 2;
--- config
$TEST_NGINX_LOCATIONS
--- perl
my %workers;
my $n = 0;
wait_until(sub {
    my $r = as('test-token', 'GET', "/scim/v2/Users/none-$n");
    $n++;
    $workers{ $r->{headers}{'x-worker'} } = 1 if $r->{status} == 404;
    keys %workers >= 2 && $n >= 20;
}, 20);
is(scalar keys %workers, 2, 'both workers answered');
my $m = scrape();
is(value($m, 'scim_http_requests_total', resource => 'users', method => 'GET', code => '404'), $n,
   "all $n requests counted, whichever worker served them");
ok(wait_until(sub { (value(scrape(), 'scim_redis_up') // -1) == 2 }, 10), 'two workers connected');



=== TEST 5: scim_metrics answers GET and HEAD only, and with Redis down
--- config
$TEST_NGINX_LOCATIONS
--- perl
is(scim_request('POST', '/metrics', 'x', { Authorization => undef })->{status}, 405, 'POST refused');
is(scim_request('HEAD', '/metrics', undef, { Authorization => undef })->{status}, 200, 'HEAD');
stop_redis();
ok(wait_until(sub { (value(scrape(), 'scim_redis_up') // -1) == 0 }, 10), 'scim_redis_up drops to 0');
is(as('test-token', 'GET', '/scim/v2/Users')->{status}, 503, 'a SCIM request without Redis');
my $m = scrape();
my $links = $ENV{TEST_NGINX_REDIS_CLUSTER} ? 3 : 1;  # a connection per cluster master
is(value($m, 'scim_redis_errors_total', kind => 'disconnect'), $links, 'the lost connection is counted');
is(value($m, 'scim_http_requests_total', code => '503'), 1, 'the 503 is counted');
start_redis();
ok(wait_until(sub { (value(scrape(), 'scim_redis_up') // -1) == 1 }, 15), 'up again');
is(value(scrape(), 'scim_redis_reconnects_total'), $links, 'one reconnect per connection');
--- no_error_log
[alert]



=== TEST 6: nginx -t refuses bad values
--- http_config
    scim_metrics_max_tenants 0;
--- config
$TEST_NGINX_LOCATIONS
--- nginx_t_fails: value must be between 1 and 1000000



=== TEST 7: scim_metrics cannot share a location with scim
--- config
    location /scim/v2/ {
        scim_metrics;
        scim;
    }
--- nginx_t_fails: cannot share a location with "scim_metrics"
