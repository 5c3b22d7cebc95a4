# scim_redis_cluster (issue 10): three masters made with
# `redis-cli --cluster create` (no replicas, cluster-require-full-coverage
# no). Twelve tenants spread over the masters; a tenant's slot migrated
# while its POST loop runs; a master stopped while the others serve.
# With TEST_NGINX_REDIS_TLS=1 (make integration does it) both clusters serve
# TLS only, client certificates required, and the same blocks run over TLS.
use strict;
use warnings;
use lib 't/lib';
use File::Path qw(remove_tree);
use JSON::PP ();
use POSIX ();
use Time::HiRes qw(time sleep);
use ScimTest;
use ScimTest::RedisCluster;

my $dir = servers_dir('110-cluster');
my @tls = $ENV{TEST_NGINX_REDIS_TLS}
    ? (tls => make_tls_certs("$dir/tls", 'scim-test-ca'), tls_auth_clients => 'yes') : ();
our $cluster = ScimTest::RedisCluster->start("$dir/open", 3, @tls);
# A second one that wants a password (TEST 9).
our $secure = ScimTest::RedisCluster->start("$dir/secure", 3, password => 'cluster-secret', @tls);
END {
    local $?;
    $_->stop for grep { $_ } $cluster, $secure;
    remove_tree($dir) if $dir && !$ENV{TEST_NGINX_NO_CLEAN};
}

# Tenant t1 … t12, each with its own token "tok-tN".
our @tenants = map { "t$_" } 1 .. 12;
$ENV{TEST_NGINX_CLUSTER_SEEDS} = $cluster->seeds;
$ENV{TEST_NGINX_SECURE_SEED} = (split ' ', $secure->seeds)[0];
$ENV{TEST_NGINX_CLUSTER_TLS} = join "\n", map { "    $_" } $cluster->tls_directives;  # or nothing
$ENV{TEST_NGINX_TENANT_LOCATION} = ScimTest::RedisCluster->tenant_location(scalar @tenants);

sub as_tenant { ScimTest::RedisCluster->as_tenant(@_) }

sub tenant_node { $cluster->tenant_node($_[0]) }

run_blocks();

__DATA__

=== TEST 1: twelve tenants over at least two masters: each creates and reads its users, and its keys live on its own master
--- http_config
    scim_redis_cluster $TEST_NGINX_CLUSTER_SEEDS;
$TEST_NGINX_CLUSTER_TLS
--- config
$TEST_NGINX_TENANT_LOCATION
--- perl
# No FLUSHALL here: the cluster is new, and a flush after nginx has started
# could remove the layout key the workers' handshake has just written.
my %nodes = map { main::tenant_node($_) => 1 } @main::tenants;
ok(keys %nodes >= 2, 'the tenants are spread over ' . scalar(keys %nodes) . ' masters');
for my $t (@main::tenants) {
    my $r = main::as_tenant($t, 'POST', '/scim/v2/Users', qq({"userName":"alice-$t"}));
    is($r->{status}, 201, "$t: created") or diag($r->{body});
    my $id = $r->{json}{id} // '';
    $r = main::as_tenant($t, 'GET', "/scim/v2/Users/$id");
    is($r->{status}, 200, "$t: read back");
    is($r->{json}{userName}, "alice-$t", "$t: its own user");
    $r = main::as_tenant($t, 'GET', '/scim/v2/Users?filter=userName%20eq%20%22alice-t1%22');
    is($r->{json}{totalResults}, $t eq 't1' ? 1 : 0, "$t: sees only its own users");
    my $node = main::tenant_node($t);
    is($main::cluster->call_node($node, 'EXISTS', "scim:{$t}:user:$id"), 1,
       "$t: the user's key is on master $node");
}
is(scalar(@{ $main::cluster->keys('scim:layout') }), 1, 'one layout key in the cluster');
--- no_error_log
[error]
[warn]

=== TEST 2: a tenant's slot migrates while its POST loop runs: only 201 and 503, writes succeed within 2 s after, nothing acknowledged is lost
--- http_config
    scim_redis_cluster $TEST_NGINX_CLUSTER_SEEDS;
$TEST_NGINX_CLUSTER_TLS
--- config
$TEST_NGINX_TENANT_LOCATION
--- perl
$main::cluster->all('FLUSHALL');
my $t = 't3';
my ($slot, $from, $to) = $main::cluster->migration_target($t, 1);
# Some data to move first: the slot must not be empty.
for my $i (1 .. 30) {
    my $r = main::as_tenant($t, 'POST', '/scim/v2/Users', qq({"userName":"pre-$i"}));
    is($r->{status}, 201, "seed user $i") or diag($r->{body}) if $r->{status} != 201;
}
my $res = ScimTest::RedisCluster->post_loop($t, 'loop', sub {
    $main::cluster->migrate_slot($slot, $to);
    return time;
}, 1);
is($main::cluster->node_of_slot($slot), $to, "the slot is on master $to now");
my @acked = @{ $res->{acked} };
ok(@acked > 10, scalar(@acked) . ' creates acknowledged during the loop');
is_deeply([sort grep { $_ ne '201' && $_ ne '503' } keys %{ $res->{status} }], [], 'only 201 and 503')
    or diag(explain($res->{status}));
ok(defined $res->{back} && $res->{back} - $res->{switch} <= 2,
   'a write succeeded within 2 s after the migration');
my $lost = 0;
for my $id (@acked) {
    my $r = main::as_tenant($t, 'GET', "/scim/v2/Users/$id");
    $lost++ if $r->{status} != 200;
}
is($lost, 0, 'every acknowledged create is readable afterwards');
my $r = main::as_tenant($t, 'GET', '/scim/v2/Users?count=1');
is($r->{json}{totalResults}, 30 + @acked, 'the count is every acknowledged create');
is($main::cluster->call_node($to, 'EXISTS', "scim:{$t}:users"), 1, 'the keys are on the new master');
my $m = http_request('GET', '/metrics')->{body};
like($m, qr/^scim_redis_errors_total\{kind="moved"\} [1-9]/m, 'MOVED counted');
like($m, qr/^scim_redis_cluster_refreshes_total [2-9]|^scim_redis_cluster_refreshes_total \d\d/m,
     'the slot map was refreshed after the move');
--- no_error_log
[alert]

=== TEST 3: a stopped master: only its tenants get 503 (with Retry-After); every other tenant keeps working
--- http_config
    scim_redis_cluster $TEST_NGINX_CLUSTER_SEEDS;
$TEST_NGINX_CLUSTER_TLS
--- config
$TEST_NGINX_TENANT_LOCATION
--- perl
$main::cluster->all('FLUSHALL');
for my $t (@main::tenants) {
    my $r = main::as_tenant($t, 'POST', '/scim/v2/Users', qq({"userName":"before-$t"}));
    is($r->{status}, 201, "$t: created before") or diag($r->{body});
}
my $layout_node = $main::cluster->node_of_key('scim:layout');
my ($down) = grep { $_ != $layout_node } 0 .. 2;
$main::cluster->stop_node($down);
for my $t (@main::tenants) {
    my $on_down = main::tenant_node($t) == $down;
    for my $i (1 .. 3) {
        my $r = main::as_tenant($t, 'POST', '/scim/v2/Users', qq({"userName":"after-$t-$i"}));
        if ($on_down) {
            is($r->{status}, 503, "$t (on the stopped master): 503");
            ok($r->{headers}{'retry-after'}, "$t: Retry-After") if $i == 1;
        } else {
            is($r->{status}, 201, "$t (elsewhere): 201") or diag($r->{body});
        }
    }
}
# Back (empty: no persistence here): its tenants work again, without a reload.
$main::cluster->restart;
my ($back) = grep { main::tenant_node($_) == $down } @main::tenants;
my $r;
ok(wait_until(sub {
    $r = main::as_tenant($back, 'POST', '/scim/v2/Users', '{"userName":"back"}');
    $r->{status} == 201 }, 15, 0.1), "$back: writes again once its master is back")
    or diag($r->{body});
--- no_error_log
[alert]

=== TEST 4: nginx -t: scim_redis_db is refused with a cluster
--- http_config
    scim_redis_cluster 127.0.0.1:7000;
    scim_redis_db 2;
--- nginx_t_fails: scim_redis_db 2: a Redis Cluster has database 0 only

=== TEST 5: nginx -t: scim_redis and scim_redis_cluster are exclusive
--- http_config
    scim_redis_cluster 127.0.0.1:7000;
    scim_redis 127.0.0.1:6379;
--- nginx_t_fails: scim_redis_cluster and scim_redis are exclusive

=== TEST 6: nginx -t: scim_redis_sentinel and scim_redis_cluster are exclusive
--- http_config
    scim_redis_cluster 127.0.0.1:7000;
    scim_redis_sentinel mymaster 127.0.0.1:26379;
--- nginx_t_fails: scim_redis_sentinel and scim_redis_cluster are exclusive

=== TEST 7: nginx -t: a bad node address
--- http_config
    scim_redis_cluster 127.0.0.1:99999;
--- nginx_t_fails: invalid scim_redis_cluster node "127.0.0.1:99999"

=== TEST 8: a slot half-way through its migration: a read whose keys have all moved follows ASK to the importing master; the map is not changed by it; a script that declares a missing key (TRYAGAIN there) gets 503
--- http_config
    scim_redis_cluster $TEST_NGINX_CLUSTER_SEEDS;
$TEST_NGINX_CLUSTER_TLS
--- config
$TEST_NGINX_TENANT_LOCATION
--- perl
$main::cluster->all('FLUSHALL');
my $t = 't5';
my ($slot, $from, $to) = $main::cluster->migration_target($t, 2);
my $r = main::as_tenant($t, 'POST', '/scim/v2/Users', '{"userName":"asked"}');
is($r->{status}, 201, 'created') or diag($r->{body});
my $id = $r->{json}{id};
# A group, so that the user's memberof key exists.
$r = main::as_tenant($t, 'POST', '/scim/v2/Groups', qq({"displayName":"g","members":[{"value":"$id"}]}));
is($r->{status}, 201, 'group created') or diag($r->{body});
my $lonely = main::as_tenant($t, 'POST', '/scim/v2/Users', '{"userName":"lonely"}')->{json}{id};
$main::cluster->migrate_slot($slot, $to, sub {
    # Every key is on the importing master; the slot still belongs to the old one.
    is($main::cluster->call_node($from, 'CLUSTER', 'COUNTKEYSINSLOT', $slot), 0, 'the old master has no key left');
    my $g = main::as_tenant($t, 'GET', "/scim/v2/Users/$id");
    is($g->{status}, 200, 'read through ASK') or diag($g->{body});
    is($g->{json}{userName}, 'asked', 'the moved user');
    my $m = http_request('GET', '/metrics')->{body};
    like($m, qr/^scim_redis_errors_total\{kind="ask"\} [1-9]/m, 'ASK counted');
    unlike($m, qr/^scim_redis_errors_total\{kind="moved"\} [1-9]/m, 'no MOVED: the map still says the old master');
    # A read names one key per command: the lonely user's memberof key
    # does not exist, and the importing master serves that through ASK too.
    my $l = main::as_tenant($t, 'GET', "/scim/v2/Users/$lonely");
    is($l->{status}, 200, 'a read of a key that does not exist follows ASK too') or diag($l->{body});
    # A write script declares the externalId index, which no user has: a
    # multi-key call with a key missing there, so the importing master
    # answers TRYAGAIN until the slot is settled, retried until
    # scim_redis_timeout.
    my $p = main::as_tenant($t, 'PATCH', "/scim/v2/Users/$lonely",
        '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],'
        . '"Operations":[{"op":"replace","path":"title","value":"moved"}]}');
    is($p->{status}, 503, 'a script the importing master cannot run yet: 503') or diag($p->{body});
    ok($p->{headers}{'retry-after'}, 'with Retry-After');
});
$r = main::as_tenant($t, 'GET', "/scim/v2/Users/$id");
is($r->{status}, 200, 'read after the migration (MOVED, then the new map)');
$r = main::as_tenant($t, 'GET', "/scim/v2/Users/$lonely");
is($r->{status}, 200, 'and the other user too');
ok(!exists $r->{json}{title}, 'the PATCH refused during the migration was not applied');
$r = main::as_tenant($t, 'POST', '/scim/v2/Users', '{"userName":"after"}');
is($r->{status}, 201, 'a write after the migration');
--- no_error_log
[alert]

=== TEST 9: a cluster with a password, one seed given: scim_redis_password authenticates on every master, those learnt from CLUSTER SLOTS too
--- http_config
    scim_redis_cluster $TEST_NGINX_SECURE_SEED;
    scim_redis_password cluster-secret;
$TEST_NGINX_CLUSTER_TLS
--- config
$TEST_NGINX_TENANT_LOCATION
--- perl
# Only one seed: the other masters come from CLUSTER SLOTS.
my %nodes;
for my $t (@main::tenants) {
    my $r = main::as_tenant($t, 'POST', '/scim/v2/Users', qq({"userName":"secure-$t"}));
    is($r->{status}, 201, "$t: created") or diag($r->{body});
    $nodes{ $main::secure->tenant_node($t) }++ if $r->{status} == 201;
}
is(scalar(keys %nodes), 3, 'on all three masters');
--- no_error_log
[error]

=== TEST 10: scim_redis_wait_replicas on a cluster whose masters have no replica: every master's writes get 503 with Retry-After, reads go on
--- http_config
    scim_redis_cluster $TEST_NGINX_SECURE_SEED;
    scim_redis_password cluster-secret;
    scim_redis_wait_replicas 1 100ms;
$TEST_NGINX_CLUSTER_TLS
--- config
$TEST_NGINX_TENANT_LOCATION
--- perl
for my $t (@main::tenants[0 .. 5]) {
    my $r = main::as_tenant($t, 'POST', '/scim/v2/Users', qq({"userName":"unconfirmed-$t"}));
    is($r->{status}, 503, "$t: a write WAIT cannot confirm gets 503") or diag($r->{body});
    like($r->{headers}{'retry-after'} // '', qr/^\d+$/, "$t: with Retry-After");
    my $g = main::as_tenant($t, 'GET', '/scim/v2/Users?filter=userName%20eq%20%22unconfirmed-' . $t . '%22');
    is($g->{status}, 200, "$t: reads go on");
}
--- error_log eval
qr/UNCONFIRMED WAIT: 0 of 1 replicas acknowledged the write within 100ms/
