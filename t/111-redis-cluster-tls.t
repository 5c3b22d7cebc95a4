# scim_redis_cluster over TLS (the #10 follow-up for managed clusters): three
# masters that serve TLS only (--port 0, --tls-port, --tls-cluster yes,
# client certificates required) made with `redis-cli --tls --cluster
# create`, and an ACL user. nginx is given one seed: the other masters come
# from CLUSTER SLOTS, and a fourth master on 127.0.0.3 with a certificate of
# its own (its address only) is first met through a MOVED. Each node is
# verified against the address the cluster announces for it.
use strict;
use warnings;
use lib 't/lib';
use File::Path qw(remove_tree);
use ScimTest;
use ScimTest::RedisCluster;

my ($dir, $certs, $other) = tls_servers_dir('111-cluster-tls');
our $node3_cert = make_server_cert("$dir/tls", "$dir/tls-node3", 'IP:127.0.0.3');
our $cluster = ScimTest::RedisCluster->start(
    "$dir/cluster", 3, tls => $certs, tls_auth_clients => 'yes', password => 'cluster-secret',
    args => ['--user', 'scim', 'on', '>scim-secret', '~*', '&*', '+@all']);
END {
    local $?;
    $cluster->stop if $cluster;
    remove_tree($dir) if $dir && !$ENV{TEST_NGINX_NO_CLEAN};
}

our @tenants = map { "t$_" } 1 .. 12;
$ENV{TEST_NGINX_SEED} = (split ' ', $cluster->seeds)[0];
($ENV{TEST_NGINX_SEED_PORT}) = $ENV{TEST_NGINX_SEED} =~ /:(\d+)$/;
$ENV{TEST_NGINX_CA} = $certs->{ca};
$ENV{TEST_NGINX_OTHER_CA} = $other->{ca};
# The cluster and its login, then each block's trust settings.
$ENV{TEST_NGINX_TLS_CLUSTER} = join "\n", "    scim_redis_cluster $ENV{TEST_NGINX_SEED};",
    '    scim_redis_username scim;', '    scim_redis_password scim-secret;', '    scim_redis_ssl on;';
$ENV{TEST_NGINX_CLIENT_CERT} = join "\n", "    scim_redis_ssl_certificate $certs->{client_cert};",
    "    scim_redis_ssl_certificate_key $certs->{client_key};";
$ENV{TEST_NGINX_TENANT_LOCATION} = ScimTest::RedisCluster->tenant_location(scalar @tenants);

sub as_tenant { ScimTest::RedisCluster->as_tenant(@_) }

sub tenant_node { $cluster->tenant_node($_[0]) }

# The module's connections on master $i: clients logged in as the ACL user.
sub scim_clients {
    my ($i) = @_;
    my $list = $cluster->call_node($i, 'CLIENT', 'LIST');
    return scalar grep { /\buser=scim\b/ } split /\n/, $list;
}

run_blocks();

__DATA__

=== TEST 1: one seed, TLS only, an ACL user and a client certificate: twelve tenants over the three masters, each master reached over TLS as that user
--- http_config
$TEST_NGINX_TLS_CLUSTER
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
$TEST_NGINX_CLIENT_CERT
--- config
$TEST_NGINX_TENANT_LOCATION
--- perl
my %nodes = map { main::tenant_node($_) => 1 } @main::tenants;
is(scalar(keys %nodes), 3, 'the tenants are spread over the three masters');
for my $t (@main::tenants) {
    my $r = main::as_tenant($t, 'POST', '/scim/v2/Users', qq({"userName":"tls-$t"}));
    is($r->{status}, 201, "$t: created") or diag($r->{body});
    my $id = $r->{json}{id} // '';
    $r = main::as_tenant($t, 'GET', "/scim/v2/Users/$id");
    is($r->{status}, 200, "$t: read back");
    my $node = main::tenant_node($t);
    is($main::cluster->call_node($node, 'EXISTS', "scim:{$t}:user:$id"), 1, "$t: on master $node");
}
for my $i (0 .. 2) {
    cmp_ok(main::scim_clients($i), '>=', 1, "master $i: the module is connected as user scim (TLS: no plain port)");
}
--- no_error_log
[error]
[warn]

=== TEST 2: a MOVED to a master nginx never met (127.0.0.3, a certificate for that address only): the new connection speaks TLS with the same settings and verifies the announced address
--- http_config
$TEST_NGINX_TLS_CLUSTER
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
$TEST_NGINX_CLIENT_CERT
--- config
$TEST_NGINX_TENANT_LOCATION
--- perl
my $t = 't7';
my $r = main::as_tenant($t, 'POST', '/scim/v2/Users', '{"userName":"before-move"}');
is($r->{status}, 201, 'created before the move') or diag($r->{body});
my $id = $r->{json}{id} // '';
my $new = $main::cluster->add_master(host => '127.0.0.3', cert => $main::node3_cert);
is(main::scim_clients($new), 0, 'nginx does not know the new master yet');
my $slot = ScimTest::RedisCluster::key_slot("scim:{$t}:users");
$main::cluster->migrate_slot($slot, $new);
is($main::cluster->node_of_slot($slot), $new, "the slot is on the new master");
$r = main::as_tenant($t, 'GET', "/scim/v2/Users/$id");
is($r->{status}, 200, 'read after the move (MOVED to 127.0.0.3)') or diag($r->{body});
is($r->{json}{userName}, 'before-move', 'the moved user');
$r = main::as_tenant($t, 'POST', '/scim/v2/Users', '{"userName":"after-move"}');
is($r->{status}, 201, 'a write on the new master') or diag($r->{body});
is($main::cluster->call_node($new, 'EXISTS', "scim:{$t}:user:$r->{json}{id}"), 1, 'stored there');
cmp_ok(main::scim_clients($new), '>=', 1, 'the module is connected to it as user scim');
my $m = http_request('GET', '/metrics')->{body};
like($m, qr/^scim_redis_errors_total\{kind="moved"\} [1-9]/m, 'MOVED counted');
--- no_error_log
[error]

=== TEST 3: a foreign CA: 503 with Retry-After, and the verification failure in the log
--- http_config
$TEST_NGINX_TLS_CLUSTER
    scim_redis_ssl_trusted_certificate $TEST_NGINX_OTHER_CA;
$TEST_NGINX_CLIENT_CERT
--- request
POST /scim/v2/Users
{"userName":"refused"}
--- error_code: 503
--- response_headers_like
Retry-After: ^\d+$
--- error_log eval
qr/cluster node 127\.0\.0\.1:\d+: TLS certificate verify error/

=== TEST 4: a name the certificates do not carry: 503 with Retry-After
--- http_config
$TEST_NGINX_TLS_CLUSTER
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
    scim_redis_ssl_server_name wrong.example;
$TEST_NGINX_CLIENT_CERT
--- request
POST /scim/v2/Users
{"userName":"refused"}
--- error_code: 503
--- response_headers_like
Retry-After: ^\d+$
--- error_log eval
qr/TLS certificate does not match "wrong\.example"/

=== TEST 5: no client certificate where the cluster requires one: 503
--- http_config
$TEST_NGINX_TLS_CLUSTER
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
--- request
POST /scim/v2/Users
{"userName":"refused"}
--- error_code: 503
--- response_headers_like
Retry-After: ^\d+$
--- error_log eval
qr/scim: redis (cluster|cluster node 127\.0\.0\.1:\d+): /

=== TEST 6: nginx -t: cluster seeds given by address need no scim_redis_ssl_server_name (each node is verified against its announced address)
--- http_config
    scim_redis_cluster 127.0.0.1:7000 127.0.0.2:7001;
    scim_redis_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
--- nginx_t_ok

=== TEST 7: a seed given by name (localhost): the masters the cluster announces by address are verified against that name; the one whose certificate carries only its address gets 503, the others serve
--- http_config
    scim_redis_cluster localhost:$TEST_NGINX_SEED_PORT;
    scim_redis_username scim;
    scim_redis_password scim-secret;
    scim_redis_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
$TEST_NGINX_CLIENT_CERT
--- config
$TEST_NGINX_TENANT_LOCATION
--- perl
my $odd = 3;    # 127.0.0.3, added by TEST 2
$main::cluster->refresh;
for my $t (@main::tenants) {
    my $on_odd = main::tenant_node($t) == $odd;
    my $r = main::as_tenant($t, 'POST', '/scim/v2/Users', qq({"userName":"by-name-$t"}));
    is($r->{status}, $on_odd ? 503 : 201, "$t on master " . main::tenant_node($t)) or diag($r->{body});
}
like(error_log_since_block(), qr/cluster node 127\.0\.0\.3:\d+: TLS certificate does not match "localhost"/,
     'the log says which name the node was checked against');
