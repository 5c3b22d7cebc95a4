# scim_redis_sentinel_ssl (a #10 follow-up): sentinels, master and replica
# that serve TLS only (--port 0, --tls-port, tls-replication yes). The
# workers ask the sentinels over TLS, with the scim_redis_ssl_* trust
# settings and each sentinel's own name verified, then follow a SENTINEL
# FAILOVER under a POST loop. A foreign CA and a wrong sentinel name give
# 503 with Retry-After; bad combinations fail `nginx -t`.
use strict;
use warnings;
use lib 't/lib';
use File::Path qw(remove_tree);
use ScimTest;
use ScimTest::RedisSentinel;

my ($dir, $certs, $other) = tls_servers_dir('034-servers');

our $set = sentinel_set("$dir/ha", tls => $certs,
                        master_args => ['--min-replicas-to-write', 1, '--min-replicas-max-lag', 10]);
sentinel_wait_ready($set) or die "the TLS sentinel set did not come up\n";
$ENV{TEST_NGINX_SENTINELS} = join ' ', map { "127.0.0.1:$_->{port}" } @{ $set->{sentinels} };
$ENV{TEST_NGINX_CA} = $certs->{ca};
$ENV{TEST_NGINX_OTHER_CA} = $other->{ca};

END { local $?; sentinel_stop($set) if $set; remove_tree($dir) if $dir && !$ENV{TEST_NGINX_NO_CLEAN} && !$?; }

run_blocks();

__DATA__

=== TEST 1: nginx -t: scim_redis_sentinel_ssl without scim_redis_sentinel
--- http_config
    scim_redis 127.0.0.1:6379;
    scim_redis_sentinel_ssl on;
--- nginx_t_fails: scim_redis_sentinel_ssl on needs scim_redis_sentinel

=== TEST 2: nginx -t: a sentinel TLS name without scim_redis_sentinel_ssl on
--- http_config
    scim_redis_sentinel mymaster 127.0.0.1:26379;
    scim_redis_sentinel_ssl_server_name sentinel.example.com;
--- nginx_t_fails: scim_redis_sentinel_ssl_server_name "sentinel.example.com" needs scim_redis_sentinel_ssl on

=== TEST 3: nginx -t: TLS to a sentinel on a unix socket
--- http_config
    scim_redis_sentinel mymaster unix:/tmp/sentinel.sock;
    scim_redis_sentinel_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
--- nginx_t_fails: scim_redis_sentinel_ssl: sentinel "unix:/tmp/sentinel.sock" is a unix socket

=== TEST 4: nginx -t: TLS to the sentinels only (the data servers in plain TCP) is accepted, without the data-side warning
--- http_config
    scim_redis_sentinel mymaster 127.0.0.1:26379;
    scim_redis_sentinel_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
--- nginx_t_ok

=== TEST 5: TLS sentinels and a TLS master: discovery over TLS, writes and reads
--- http_config
    scim_redis_sentinel scimmaster $TEST_NGINX_SENTINELS;
    scim_redis_sentinel_ssl on;
    scim_redis_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
--- perl
my $r;
ok(wait_until(sub { $r = scim_request('POST', '/scim/v2/Users', '{"userName":"tls-sentinel"}');
                    $r->{status} == 201 }, 10), 'created') or diag($r->{body});
my $g = scim_request('GET', "/scim/v2/Users/$r->{json}{id}");
is($g->{status}, 200, 'read back');
like(tcp_redis($main::set->{master}{sock}, 'DBSIZE'), qr/^[1-9]/, 'the data is on the master');
--- error_log eval
qr/redis master "scimmaster": connected \(127\.0\.0\.1:\d+\)/
--- no_error_log
[warn]

=== TEST 6: the sentinels verified against scim_redis_sentinel_ssl_server_name; SENTINEL FAILOVER under a POST loop, writes confirmed by WAIT
--- http_config
    scim_redis_sentinel scimmaster $TEST_NGINX_SENTINELS;
    scim_redis_wait_replicas 1;
    scim_redis_sentinel_ssl on;
    scim_redis_sentinel_ssl_server_name localhost;
    scim_redis_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
--- perl
my $set = $main::set;
ok(sentinel_wait_ready($set), 'the sentinels see the replicas and each other');
my %replicas = map { ("127.0.0.1:$_->{port}" => 1) } @{ $set->{replicas} };
my $res = sentinel_post_loop($set, 'tls', sub {
    my $ok = tcp_redis($set->{sentinels}[0]{sock}, 'SENTINEL', 'FAILOVER', $set->{name});
    is($ok, 'OK', 'SENTINEL FAILOVER accepted') or diag(explain($ok));
});
ok($replicas{$res->{new}}, "a replica is the master now ($res->{new})");
# WAIT with one replica: writes wait for the old master to rejoin (see t/033).
sentinel_check_failover($res, 'SENTINEL FAILOVER over TLS', 30);
--- error_log eval
qr/the master is now 127\.0\.0\.1:\d+ \(was 127\.0\.0\.1:\d+\)/

=== TEST 7: the sentinels' certificates from a foreign CA: 503 with Retry-After, each sentinel's failure in the log
--- http_config
    scim_redis_sentinel scimmaster $TEST_NGINX_SENTINELS;
    scim_redis_sentinel_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_OTHER_CA;
    scim_redis_connect_timeout 500ms;
--- request
POST /scim/v2/Users
{"userName":"refused"}
--- error_code: 503
--- response_headers_like
Retry-After: ^\d+$
--- error_log eval
qr/no sentinel knows where master "scimmaster" is \(127\.0\.0\.1:\d+: TLS certificate verify error/

=== TEST 8: a sentinel name the certificates do not carry: 503
--- http_config
    scim_redis_sentinel scimmaster $TEST_NGINX_SENTINELS;
    scim_redis_sentinel_ssl on;
    scim_redis_sentinel_ssl_server_name sentinel.example.com;
    scim_redis_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
--- request
POST /scim/v2/Users
{"userName":"refused"}
--- error_code: 503
--- response_headers_like
Retry-After: ^\d+$
--- error_log eval
qr/TLS certificate does not match "sentinel\.example\.com"/

=== TEST 9: plain TCP to sentinels that speak TLS only: 503, not a hang
--- http_config
    scim_redis_sentinel scimmaster $TEST_NGINX_SENTINELS;
    scim_redis_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
    scim_redis_connect_timeout 500ms;
--- request
POST /scim/v2/Users
{"userName":"refused"}
--- error_code: 503
--- error_log eval
qr/no sentinel knows where master "scimmaster" is/

=== TEST 10: nginx -t: trust settings with neither TLS switch are a warning that names both
--- http_config
    scim_redis_sentinel mymaster 127.0.0.1:26379;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
--- nginx_t_ok: scim_redis_ssl_\* directives have no effect without scim_redis_ssl on or scim_redis_sentinel_ssl on
