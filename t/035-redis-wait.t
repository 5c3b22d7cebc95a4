# scim_redis_wait_replicas: a write is answered only once Redis's WAIT says
# enough replicas have it. nginx -t errors; a master without a replica and
# a paused replica give 503 with Retry-After for writes (reads go on), a
# live replica gives 201 with the data on it; without the directive nothing
# changes. The failovers with it on are t/033 TESTs 12 and 13.
use strict;
use warnings;
use lib 't/lib';
use File::Path qw(remove_tree);
use ScimTest;
use ScimTest::RedisSentinel;

my $dir = servers_dir('035-servers');
# A master and its replica over TCP, no sentinels.
our $pair = sentinel_set("$dir/pair", sentinels => 0);
$ENV{TEST_NGINX_PAIR} = "127.0.0.1:$pair->{master}{port}";
END { local $?; remove_tree($dir) if $dir && !$ENV{TEST_NGINX_NO_CLEAN} && !$?; }

sub metric {
    my ($name) = @_;
    my $r = scim_request('GET', '/metrics', undef, { Authorization => undef });
    return $r->{body} =~ /^\Q$name\E (\d+)$/m ? $1 : undef;
}

sub replica_linked {
    my $info = tcp_redis($pair->{replicas}[0]{port}, 'INFO', 'replication');
    return !ref($info) && $info =~ /master_link_status:up/;
}

run_blocks();

__DATA__

=== TEST 1: nginx -t: the number of replicas
--- http_config
    scim_redis_wait_replicas 0;
--- nginx_t_fails: invalid scim_redis_wait_replicas number "0": give 1 to 100 replicas

=== TEST 2: nginx -t: a zero timeout would block for ever
--- http_config
    scim_redis_wait_replicas 1 0;
--- nginx_t_fails: invalid scim_redis_wait_replicas timeout "0": give a time above zero

=== TEST 3: nginx -t: the timeout must be shorter than scim_redis_timeout
--- http_config
    scim_redis_timeout 1s;
    scim_redis_wait_replicas 1 1s;
--- nginx_t_fails: scim_redis_wait_replicas timeout 1000ms must be shorter than scim_redis_timeout \(1000ms\)

=== TEST 4: nginx -t: the directive once
--- http_config
    scim_redis_wait_replicas 1;
    scim_redis_wait_replicas 2;
--- nginx_t_fails: "scim_redis_wait_replicas" directive is duplicate

=== TEST 5: a master without replicas: writes get 503 with Retry-After and are counted, reads go on
--- http_config
    scim_redis_wait_replicas 1 100ms;
--- config
    location /scim/v2/ { scim; scim_token $TEST_NGINX_TOKEN_HASH demo; }
    location = /metrics { scim_metrics; }
--- steps
POST /scim/v2/Users
{"userName":"unconfirmed"}
=> 503
=> header Retry-After like ^\d+$
=> json detail like outcome is unknown
---
GET /scim/v2/Users?filter=userName%20eq%20%22unconfirmed%22
=> 200
=> json totalResults == 1
--- perl
is(main::metric('scim_redis_errors_total{kind="unconfirmed"}'), 1, 'the unconfirmed write is counted');
--- error_log eval
qr/\[warn\].*UNCONFIRMED WAIT: 0 of 1 replicas acknowledged the write within 100ms: 1 writes get 503/

=== TEST 6: without the directive, the same master answers writes 201 at once
--- steps
POST /scim/v2/Users
{"userName":"async"}
=> 201
--- no_error_log
WAIT

=== TEST 7: a live replica confirms: 201, and the user is on the replica when the client hears it
--- http_config
    scim_redis $TEST_NGINX_PAIR;
    scim_redis_wait_replicas 1 1s;
--- perl
ok(wait_until(\&main::replica_linked, 10), 'the replica is linked');
my $before = tcp_redis($main::pair->{replicas}[0]{port}, 'DBSIZE');
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"confirmed"}');
is($r->{status}, 201, 'created') or diag($r->{body});
cmp_ok(tcp_redis($main::pair->{replicas}[0]{port}, 'DBSIZE'), '>', $before, 'already on the replica');
my @ids;
for my $i (1 .. 20) {    # in flight together: committed in groups
    push @ids, scim_request('POST', '/scim/v2/Users', qq({"userName":"group-$i"}))->{json}{id};
}
is(scalar(grep { defined } @ids), 20, 'twenty more created');

=== TEST 8: a paused replica: writes get 503 with Retry-After, reads go on; resumed, writes succeed again
--- http_config
    scim_redis $TEST_NGINX_PAIR;
    scim_redis_wait_replicas 1 200ms;
--- perl
ok(wait_until(\&main::replica_linked, 10), 'the replica is linked');
my $replica = $main::pair->{replicas}[0];
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"before-pause"}');
is($r->{status}, 201, 'created while the replica runs') or diag($r->{body});
kill 'STOP', $replica->{pid};
my $w = scim_request('POST', '/scim/v2/Users', '{"userName":"while-paused"}');
kill 'CONT', $replica->{pid} if $w->{status} != 503;    # do not leave it stopped on failure
is($w->{status}, 503, 'a write WAIT cannot confirm gets 503') or diag($w->{body});
like($w->{headers}{'retry-after'} // '', qr/^\d+$/, 'with Retry-After');
my $g = scim_request('GET', "/scim/v2/Users/$r->{json}{id}");
kill 'CONT', $replica->{pid};
is($g->{status}, 200, 'reads go on while the replica is paused');
my $again;
ok(wait_until(sub { $again = scim_request('POST', '/scim/v2/Users', '{"userName":"after-pause"}');
                    $again->{status} == 201 }, 10), 'writes succeed once the replica is back')
    or diag($again->{body});
--- error_log eval
qr/0 of 1 replicas acknowledged the write within 200ms/
