# scim_redis_sentinel (issue 10): the workers find the master through three
# sentinels (quorum 2, down-after-milliseconds 1000) and follow a failover:
# SENTINEL FAILOVER and a SIGKILLed master, each under a steady POST loop.
# Only 201 and 503 appear, every acknowledged create is readable afterwards,
# and the measured times are printed (asserted only against generous
# bounds). The masters have min-replicas-to-write 1, which alone leaves a
# window (a write the old master accepted as its replica was promoted, or
# one not yet copied when it was killed: TEST 12 once lost 1 of 62), so
# both run with scim_redis_wait_replicas 1 (docs/redis-ha.md): a create is
# acknowledged only once a replica has it.
# Set a (SENTINEL FAILOVER) has ONE replica: the old master stays up, and
# keeps any other replica attached until Sentinel reconfigures it, so with
# two replicas it would go on confirming writes after the promotion (a run
# lost 51 of 86 that way). With one, WAIT confirms only what the promoted
# replica has, and writes get 503 until Sentinel converts the old master
# into the new one's replica (~15 s: a longer bound for that test).
# Set d (TEST 17) shows the switch without WAIT: writes are back within
# the bound, and any create lost to the replication window is only counted.
# Set b (SIGKILL) has two, so that the promoted one has a replica at once;
# the dead master confirms nothing more, and Sentinel promotes the replica
# with the largest offset, which has every write either replica confirmed.
use strict;
use warnings;
use lib 't/lib';
use File::Path qw(remove_tree);
use Time::HiRes qw(time sleep);
use ScimTest;
use ScimTest::RedisSentinel;

my $dir = servers_dir('033-servers');

my @master_args = ('--min-replicas-to-write', 1, '--min-replicas-max-lag', 10);
our %sets = map { $_ => sentinel_set("$dir/$_", master_args => \@master_args,
                                      replicas => $_ eq 'b' ? 2 : 1) } qw(a b);
# Set d: the issue's "writes succeed again within 2 s of the switch" without
# scim_redis_wait_replicas (and without min-replicas-to-write, which would
# stop the promoted replica's writes until it has a replica of its own).
$sets{d} = sentinel_set("$dir/d", replicas => 1);
# One sentinel with requirepass, over a master alone.
$sets{c} = sentinel_set("$dir/c", replicas => 0, sentinels => 1, quorum => 1,
                        sentinel_password => 'sentinel-secret');
for my $k (keys %sets) {
    my $s = $sets{$k};
    $ENV{"TEST_NGINX_SENTINELS_\U$k"} = join ' ', map { "127.0.0.1:$_->{port}" } @{ $s->{sentinels} };
}
# Replicas connected first: the master's min-replicas-to-write would refuse
# the layout key otherwise.
sentinel_wait_ready($_) or die "the sentinel sets did not come up\n" for values %sets;
$ENV{TEST_NGINX_NOBODY} = join ' ', map { '127.0.0.1:' . free_port() } 1 .. 2;

END { local $?; remove_tree($dir) if $dir && !$ENV{TEST_NGINX_NO_CLEAN} && !$?; }

sub metric {
    my ($name) = @_;
    my $r = scim_request('GET', '/metrics', undef, { Authorization => undef });
    return $r->{body} =~ /^\Q$name\E (\d+)$/m ? $1 : undef;
}

run_blocks();

__DATA__

=== TEST 1: scim_redis_sentinel and scim_redis are exclusive
--- http_config
    scim_redis 127.0.0.1:6379;
    scim_redis_sentinel mymaster 127.0.0.1:26379;
--- nginx_t_fails: scim_redis "127.0.0.1:6379" and scim_redis_sentinel are exclusive

=== TEST 2: a master name is one word
--- http_config
    scim_redis_sentinel "my master" 127.0.0.1:26379;
--- nginx_t_fails: invalid scim_redis_sentinel master name "my master"

=== TEST 3: a bad sentinel address
--- http_config
    scim_redis_sentinel mymaster 127.0.0.1:99999;
--- nginx_t_fails: invalid scim_redis_sentinel address "127.0.0.1:99999"

=== TEST 4: a sentinel given twice
--- http_config
    scim_redis_sentinel mymaster 127.0.0.1:26379 127.0.0.1:26379;
--- nginx_t_fails: scim_redis_sentinel address "127.0.0.1:26379" is given twice

=== TEST 5: at least one sentinel
--- http_config
    scim_redis_sentinel mymaster;
--- nginx_t_fails: invalid number of arguments in "scim_redis_sentinel"

=== TEST 6: the directive once
--- http_config
    scim_redis_sentinel mymaster 127.0.0.1:26379;
    scim_redis_sentinel other 127.0.0.1:26380;
--- nginx_t_fails: "scim_redis_sentinel" directive is duplicate

=== TEST 7: a sentinel username needs a sentinel password
--- http_config
    scim_redis_sentinel mymaster 127.0.0.1:26379;
    scim_redis_sentinel_username watcher;
--- nginx_t_fails: scim_redis_sentinel_username "watcher" needs scim_redis_sentinel_password

=== TEST 8: sentinel credentials without sentinels are a warning
--- http_config
    scim_redis_sentinel_password secret;
--- nginx_t_ok: scim_redis_sentinel_\* directives have no effect without scim_redis_sentinel

=== TEST 9: TLS to a master named by the sentinels verifies its announced address
--- http_config
    scim_redis_sentinel mymaster 127.0.0.1:26379 localhost:26380;
    scim_redis_ssl on;
    scim_redis_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;
--- nginx_t_ok

=== TEST 10: no sentinel answers: quick 503 with Retry-After, and the log names each sentinel
--- http_config
    scim_redis_sentinel scimmaster $TEST_NGINX_NOBODY;
    scim_redis_connect_timeout 300ms;
--- request
POST /scim/v2/Users
{"userName":"nobody"}
--- error_code: 503
--- response_headers_like
Retry-After: ^\d+$
--- error_log eval
qr/no sentinel knows where master "scimmaster" is \(127\.0\.0\.1:\d+: connect\(\) failed: Connection refused; 127\.0\.0\.1:\d+: connect/

=== TEST 11: writes and reads through the master the sentinels name
--- http_config
    scim_redis_sentinel scimmaster $TEST_NGINX_SENTINELS_A;
--- perl
my $set = $main::sets{a};
ok(sentinel_wait_ready($set), 'the sentinels see the replica and each other');
my $r;
ok(wait_until(sub { $r = scim_request('POST', '/scim/v2/Users', '{"userName":"through-sentinel"}');
                    $r->{status} == 201 }, 10), 'created') or diag($r->{body});
my $g = scim_request('GET', "/scim/v2/Users/$r->{json}{id}");
is($g->{status}, 200, 'read back');
is($g->{json}{userName}, 'through-sentinel', 'the same user');
like(tcp_redis($set->{master}{port}, 'DBSIZE'), qr/^[1-9]/, 'the data is on the master');
--- error_log eval
qr/redis master "scimmaster": connected \(127\.0\.0\.1:\d+\)/

=== TEST 12: SENTINEL FAILOVER under a POST loop, writes confirmed by WAIT
--- http_config
    scim_redis_sentinel scimmaster $TEST_NGINX_SENTINELS_A;
    scim_redis_wait_replicas 1;
--- config
    location /scim/v2/ { scim; scim_token $TEST_NGINX_TOKEN_HASH demo; }
    location = /metrics { scim_metrics; }
--- perl
my $set = $main::sets{a};
ok(sentinel_wait_ready($set), 'the sentinels see the replicas and each other');
my %replicas = map { ("127.0.0.1:$_->{port}" => 1) } @{ $set->{replicas} };
my $res = sentinel_post_loop($set, 'manual', sub {
    my $ok = tcp_redis($set->{sentinels}[0]{port}, 'SENTINEL', 'FAILOVER', $set->{name});
    is($ok, 'OK', 'SENTINEL FAILOVER accepted') or diag(explain($ok));
});
ok($replicas{$res->{new}}, "a replica is the master now ($res->{new})");
# Writes wait for the old master to become a replica (Sentinel's 10 s INFO period).
sentinel_check_failover($res, 'SENTINEL FAILOVER', 30);
cmp_ok(main::metric('scim_redis_sentinel_switches_total') // 0, '>=', 1, 'the switch is counted');
--- error_log eval
qr/the master is now 127\.0\.0\.1:\d+ \(was 127\.0\.0\.1:\d+\)/

=== TEST 13: SIGKILL of the master under a POST loop, writes confirmed by WAIT
--- http_config
    scim_redis_sentinel scimmaster $TEST_NGINX_SENTINELS_B;
    scim_redis_wait_replicas 1;
--- perl
my $set = $main::sets{b};
ok(sentinel_wait_ready($set), 'the sentinels see the replicas and each other');
my %replicas = map { ("127.0.0.1:$_->{port}" => 1) } @{ $set->{replicas} };
my $res = sentinel_post_loop($set, 'killed', sub {
    kill 'KILL', $set->{master}{pid};
    waitpid($set->{master}{pid}, 0);
    $set->{master}{pid} = 0;
});
ok($replicas{$res->{new}}, "a replica is the master now ($res->{new})");
sentinel_check_failover($res, 'SIGKILL');
--- error_log eval
qr/the master is now 127\.0\.0\.1:\d+ \(was 127\.0\.0\.1:\d+\)/

=== TEST 14: scim_redis_sentinel_password authenticates to the sentinels
--- http_config
    scim_redis_sentinel scimmaster $TEST_NGINX_SENTINELS_C;
    scim_redis_sentinel_password sentinel-secret;
--- perl
ok(sentinel_wait_ready($main::sets{c}), 'the sentinel sees the master');
my $r;
ok(wait_until(sub { $r = scim_request('POST', '/scim/v2/Users', '{"userName":"authenticated"}');
                    $r->{status} == 201 }, 10), 'created') or diag($r->{body});

=== TEST 15: a wrong sentinel password: 503, and the sentinel's refusal in the log
--- http_config
    scim_redis_sentinel scimmaster $TEST_NGINX_SENTINELS_C;
    scim_redis_sentinel_password wrong;
--- request
POST /scim/v2/Users
{"userName":"refused"}
--- error_code: 503
--- error_log eval
qr/no sentinel knows where master "scimmaster" is \(127\.0\.0\.1:\d+: AUTH failed: WRONGPASS/

=== TEST 16: no sentinel password where one is required
--- http_config
    scim_redis_sentinel scimmaster $TEST_NGINX_SENTINELS_C;
--- request
POST /scim/v2/Users
{"userName":"refused"}
--- error_code: 503
--- error_log eval
qr/127\.0\.0\.1:\d+: NOAUTH/

=== TEST 17: SENTINEL FAILOVER without WAIT: writes back within the bound after the switch
--- http_config
    scim_redis_sentinel scimmaster $TEST_NGINX_SENTINELS_D;
--- perl
my $set = $main::sets{d};
ok(sentinel_wait_ready($set), 'the sentinels see the replica and each other');
my $replica = "127.0.0.1:$set->{replicas}[0]{port}";
my $res = sentinel_post_loop($set, 'manual, no WAIT', sub {
    my $ok = tcp_redis($set->{sentinels}[0]{port}, 'SENTINEL', 'FAILOVER', $set->{name});
    is($ok, 'OK', 'SENTINEL FAILOVER accepted') or diag(explain($ok));
});
is($res->{new}, $replica, 'the replica is the master now');
sentinel_check_failover($res, 'SENTINEL FAILOVER, no WAIT', undef, unconfirmed => 1);
--- error_log eval
qr/the master is now 127\.0\.0\.1:\d+ \(was 127\.0\.0\.1:\d+\)/
