# A Redis Cluster whose masters have replicas (issue 10's follow-up: a
# cluster failover with scim_redis_wait_replicas). Three masters and three
# replicas made with `redis-cli --cluster create --cluster-replicas 1`.
# A tenant's POST loop runs while its master's replica takes over:
#   TEST 1  CLUSTER FAILOVER (a planned switch, as a managed service's
#           maintenance does it);
#   TEST 2  SIGKILL of the master: the replica is elected after the node
#           timeout (3 s here); the dead node is started again and rejoins
#           as the new master's replica (without it, WAIT 1 cannot be met).
# Both run with scim_redis_wait_replicas 1: a create is acknowledged only
# once a replica has it, so no acknowledged create may be lost, and writes
# must succeed again soon after the switch. Only 201 and 503 are answered.
# With TEST_NGINX_REDIS_TLS=1 the cluster serves TLS only.
use strict;
use warnings;
use lib 't/lib';
use File::Path qw(remove_tree);
use POSIX ();
use Time::HiRes qw(time sleep);
use ScimTest;
use ScimTest::RedisCluster;

my $dir = servers_dir('112-cluster');
my @tls = $ENV{TEST_NGINX_REDIS_TLS}
    ? (tls => make_tls_certs("$dir/tls", 'scim-test-ca'), tls_auth_clients => 'yes') : ();
our $cluster = ScimTest::RedisCluster->start("$dir/ha", 3, replicas => 1, @tls);
END {
    local $?;
    $cluster->stop if $cluster;
    remove_tree($dir) if $dir && !$ENV{TEST_NGINX_NO_CLEAN};
}

our @tenants = map { "t$_" } 1 .. 3;
$ENV{TEST_NGINX_CLUSTER_SEEDS} = $cluster->seeds;
$ENV{TEST_NGINX_CLUSTER_TLS} = join "\n", map { "    $_" } $cluster->tls_directives;
$ENV{TEST_NGINX_TENANT_LOCATION} = ScimTest::RedisCluster->tenant_location(scalar @tenants);

sub as_tenant { ScimTest::RedisCluster->as_tenant(@_) }

sub tenant_master {
    $cluster->refresh;
    return $cluster->tenant_node($_[0]);
}

# The tenant's master and its replica, or () when the master has none.
sub master_and_replica {
    my $master = tenant_master($_[0]);
    my $replica = $cluster->replica_of($master);
    ok(defined $replica, "master $master has a replica") or return ();
    return ($master, $replica);
}

sub check_loop {
    my ($t, $what, $res, $bound) = @_;
    ok(@{ $res->{acked} } > 10, "$what: " . scalar(@{ $res->{acked} }) . ' creates acknowledged');
    is_deeply([sort grep { $_ ne '201' && $_ ne '503' } keys %{ $res->{status} }], [],
              "$what: only 201 and 503") or diag(explain($res->{status}));
    ok($res->{back}, "$what: writes succeed again after the switch");
    if ($res->{back}) {
        my $took = $res->{back} - $res->{switch};
        diag(sprintf('%s: first 201 %.3f s after the switch (%s)', $what, $took,
                     join(', ', map { "$_ x$res->{status}{$_}" } sort keys %{ $res->{status} })));
        # Loaded CI machines get slack; tests never assert timings otherwise.
        cmp_ok($took, '<', $bound, "$what: writes back within ${bound} s of the switch");
    }
    my @lost = grep { as_tenant($t, 'GET', "/scim/v2/Users/$_")->{status} != 200 } @{ $res->{acked} };
    is(scalar(@lost), 0, "$what: all " . scalar(@{ $res->{acked} }) . ' acknowledged creates are readable')
        or diag("lost: @lost");
}

run_blocks();

__DATA__

=== TEST 1: CLUSTER FAILOVER of a tenant's master under its POST loop, writes confirmed by WAIT: nothing acknowledged is lost, writes come back
--- http_config
    scim_redis_cluster $TEST_NGINX_CLUSTER_SEEDS;
    scim_redis_wait_replicas 1;
$TEST_NGINX_CLUSTER_TLS
--- config
$TEST_NGINX_TENANT_LOCATION
--- perl
my $t = 't1';
my ($old, $replica) = main::master_and_replica($t) or return;
for my $i (1 .. 5) {
    my $r = main::as_tenant($t, 'POST', '/scim/v2/Users', qq({"userName":"pre-$i"}));
    is($r->{status}, 201, "before: create $i") or diag($r->{body});
}
my $res = ScimTest::RedisCluster->post_loop($t, 'manual', sub {
    ok($main::cluster->failover($replica), "replica $replica took over");
    return time;
}, 1);
is(main::tenant_master($t), $replica, "the tenant's slot is served by node $replica now");
ok(!$main::cluster->is_master($old), "node $old is a replica now");
main::check_loop($t, 'CLUSTER FAILOVER', $res, 6);
my $r = main::as_tenant($t, 'GET', '/scim/v2/Users?count=1');
# A 503 may come for a create that landed but was not confirmed in time
# (docs/redis-ha.md): the count lies between the two.
my $refused = 0;
$refused += $res->{status}{$_} for grep { $_ ne '201' } keys %{ $res->{status} };
cmp_ok($r->{json}{totalResults}, '>=', 5 + @{ $res->{acked} }, 'the count has every acknowledged create');
cmp_ok($r->{json}{totalResults}, '<=', 5 + @{ $res->{acked} } + $refused,
       "... and at most the $refused refused ones besides");
# The other tenants were not disturbed for good.
for my $other (grep { $_ ne $t } @main::tenants) {
    $r = main::as_tenant($other, 'POST', '/scim/v2/Users', qq({"userName":"after-$other"}));
    is($r->{status}, 201, "$other: creates after the failover") or diag($r->{body});
}
my $m = http_request('GET', '/metrics')->{body};
like($m, qr/^scim_redis_cluster_refreshes_total [1-9]/m, 'the slot map was refreshed');
--- no_error_log
[alert]
[crit]

=== TEST 2: SIGKILL of a tenant's master under its POST loop, writes confirmed by WAIT: the replica is elected, the old master rejoins as its replica, nothing acknowledged is lost
--- http_config
    scim_redis_cluster $TEST_NGINX_CLUSTER_SEEDS;
    scim_redis_wait_replicas 1;
$TEST_NGINX_CLUSTER_TLS
--- config
$TEST_NGINX_TENANT_LOCATION
--- perl
my $t = 't2';
my ($old, $replica) = main::master_and_replica($t) or return;
my $res = ScimTest::RedisCluster->post_loop($t, 'killed', sub {
    $main::cluster->stop_node($old);
    # The replica is elected once the others agree the master failed
    # (cluster-node-timeout 3 s). It has no replica then: WAIT 1 is met
    # again when the killed node comes back as its replica.
    my $elected = wait_until(sub { $main::cluster->is_master($replica) }, 30, 0.05);
    my $at = time;
    ok($elected, "replica $replica was elected");
    $main::cluster->restart;
    ok(wait_until(sub { ($main::cluster->replica_of($replica) // -1) == $old }, 30, 0.1),
       "node $old rejoined as the replica of node $replica");
    return $at;
}, 1);
is(main::tenant_master($t), $replica, "the tenant's slot is served by node $replica now");
# The bound covers the node's restart and full sync as well.
main::check_loop($t, 'SIGKILL', $res, 20);
--- no_error_log
[alert]
[crit]
