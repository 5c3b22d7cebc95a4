# Redis in production: TLS (round trip, a foreign CA refused, client
# certificates, a reply over 1 MiB), ACL users, reads from a replica, and a
# server that accepts connections and never answers. Every server here is a
# real redis-server on loopback; certificates are made with the openssl CLI.
use strict;
use warnings;
use lib 't/lib';
use File::Path qw(remove_tree);
use IO::Socket::INET;
use POSIX ();
use ScimTest;

my ($dir, $certs, $other) = tls_servers_dir('031-servers');
my @pids;

sub tls_args {
    my ($port, $auth_clients) = @_;
    return ('--bind', '127.0.0.1', '--tls-port', $port, '--tls-cert-file', $certs->{cert},
            '--tls-key-file', $certs->{key}, '--tls-ca-cert-file', $certs->{ca},
            '--tls-auth-clients', $auth_clients);
}

# redis-cli on a spawned server's unix socket.
sub rcli {
    my ($name, @args) = @_;
    my $out = qx(redis-cli -s $dir/$name/redis.sock @args 2>&1);
    chomp $out;
    return $out;
}

my %port = map { $_ => free_port() } qw(tls mtls silent master replica);
push @pids, spawn_redis("$dir/tls", tls_args($port{tls}, 'no'));
push @pids, spawn_redis("$dir/mtls", tls_args($port{mtls}, 'yes'));
push @pids, spawn_redis("$dir/acl", '--user', 'default', 'off', '--user', 'scim', 'on', '>pw',
                        '~*', '&*', '+@all');
# The ACL user docs/directives.md suggests: only the module's keys. Redis
# 7.0 refuses it SORT's GET option (the pattern could name any key).
push @pids, spawn_redis("$dir/aclkeys", '--user', 'default', 'off', '--user', 'scim', 'on', '>pw',
                        '~scim:*', '&*', '+@all');
push @pids, spawn_redis("$dir/master", '--bind', '127.0.0.1', '--port', $port{master});
push @pids, spawn_redis("$dir/replica", '--bind', '127.0.0.1', '--port', $port{replica});

# A TCP server that accepts and never answers; it counts connections.
my $silent_pid = fork // die "fork: $!";
if ($silent_pid == 0) {
    my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port{silent},
                                  Listen => 64, ReuseAddr => 1) or POSIX::_exit(1);
    my @keep;
    while (my $c = $l->accept) {
        push @keep, $c;
        open my $fh, '>>', "$dir/silent.count" or POSIX::_exit(1);
        print $fh "1\n";
        close $fh;
    }
    POSIX::_exit(0);
}
push @pids, $silent_pid;

$ENV{TEST_NGINX_TLS_PORT} = $port{tls};
$ENV{TEST_NGINX_MTLS_PORT} = $port{mtls};
$ENV{TEST_NGINX_SILENT_PORT} = $port{silent};
$ENV{TEST_NGINX_CA} = $certs->{ca};
$ENV{TEST_NGINX_OTHER_CA} = $other->{ca};
$ENV{TEST_NGINX_CLIENT_CERT} = $certs->{client_cert};
$ENV{TEST_NGINX_CLIENT_KEY} = $certs->{client_key};
$ENV{TEST_NGINX_SERVERS} = $dir;

END { local $?; kill_pid($_) for @pids; remove_tree($dir) if $dir && !$ENV{TEST_NGINX_NO_CLEAN}; }

sub port_of { return $port{ $_[0] } }

sub silent_connections {
    open my $fh, '<', "$dir/silent.count" or return 0;
    my @l = <$fh>;
    return scalar @l;
}

run_blocks();

__DATA__

=== TEST 1: TLS round trip: create, read back, one connection over TLS
--- http_config
    scim_redis 127.0.0.1:$TEST_NGINX_TLS_PORT;
    scim_redis_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
    scim_redis_ssl_server_name localhost;
--- steps
POST /scim/v2/Users
{"userName":"tls-user"}
=> 201
=> save id = json id
---
GET /scim/v2/Users/{{id}}
=> 200
=> json {"userName":"tls-user"}
--- error_log
qr/scim: redis 127\.0\.0\.1:\d+: connected \(127\.0\.0\.1:\d+\)/

=== TEST 2: the default name verified is the address: an IP subjectAltName matches
--- http_config
    scim_redis 127.0.0.1:$TEST_NGINX_TLS_PORT;
    scim_redis_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
--- request
GET /scim/v2/Users
--- error_code: 200

=== TEST 3: a server certificate from another CA is refused: 503, and the log says why
--- http_config
    scim_redis 127.0.0.1:$TEST_NGINX_TLS_PORT;
    scim_redis_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_OTHER_CA;
    scim_redis_ssl_server_name localhost;
--- request
POST /scim/v2/Users
{"userName":"refused"}
--- error_code: 503
--- response_headers_like
Retry-After: ^\d+$
--- response_json
{"status":"503","detail":"the store is unavailable; retry later"}
--- error_log
qr/scim: redis .*TLS certificate verify error: (unable to get local issuer certificate|certificate signature failure|self.signed)/

=== TEST 4: a wrong server name is refused
--- http_config
    scim_redis 127.0.0.1:$TEST_NGINX_TLS_PORT;
    scim_redis_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
    scim_redis_ssl_server_name redis.example.com;
--- request
GET /scim/v2/Users
--- error_code: 503
--- error_log
TLS certificate does not match "redis.example.com"

=== TEST 5: --tls-auth-clients yes: served with a client certificate
--- http_config
    scim_redis 127.0.0.1:$TEST_NGINX_MTLS_PORT;
    scim_redis_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
    scim_redis_ssl_server_name localhost;
    scim_redis_ssl_certificate $TEST_NGINX_CLIENT_CERT;
    scim_redis_ssl_certificate_key $TEST_NGINX_CLIENT_KEY;
--- steps
POST /scim/v2/Users
{"userName":"mtls-user"}
=> 201
---
GET /scim/v2/Users?filter=userName%20eq%20%22mtls-user%22
=> 200
=> json {"totalResults":1}

=== TEST 6: a reply over 1 MiB comes back whole over TLS, with pipelined requests alongside
--- http_config
    scim_redis 127.0.0.1:$TEST_NGINX_TLS_PORT;
    scim_redis_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
    scim_redis_ssl_server_name localhost;
    client_max_body_size 4m;
--- perl
my $big = 'x' x 120_000;
for my $i (1 .. 12) {
    my $r = scim_request('POST', '/scim/v2/Users',
                         qq({"userName":"big$i","nickName":"$big","title":"t$i"}));
    is($r->{status}, 201, "large user $i created") or diag($r->{body});
}
my @socks = map { open_request('GET', '/scim/v2/Users?filter=userName%20sw%20%22big%22&count=50') } 1 .. 3;
for my $s (@socks) {
    my $r = read_response($s, 'GET', 20);
    is($r->{status}, 200, 'a page of large users');
    ok(length($r->{body}) > 1_048_576, 'the page is over 1 MiB: ' . length($r->{body}));
    is($r->{json}{totalResults}, 12, 'all of them');
    is(scalar(grep { length($_->{nickName} // '') == 120_000 } @{ $r->{json}{Resources} // [] }),
       12, 'every large attribute whole');
}

=== TEST 7: ACL user: scim_redis_username and scim_redis_password
--- http_config
    scim_redis unix:$TEST_NGINX_SERVERS/acl/redis.sock;
    scim_redis_username scim;
    scim_redis_password pw;
--- request
POST /scim/v2/Users
{"userName":"acl-user"}
--- error_code: 201

=== TEST 8: ACL user with a wrong password: 503 and a clear log line
--- http_config
    scim_redis unix:$TEST_NGINX_SERVERS/acl/redis.sock;
    scim_redis_username scim;
    scim_redis_password wrong;
--- request
POST /scim/v2/Users
{"userName":"acl-refused"}
--- error_code: 503
--- response_json
{"status":"503","detail":"the store is unavailable; retry later"}
--- response_body_unlike
WRONGPASS
--- error_log
qr/scim: redis .*AUTH failed: WRONGPASS/

=== TEST 9: scim_redis_username without a password is a configuration error
--- http_config
    scim_redis_username scim;
--- nginx_t_fails
scim_redis_username "scim" needs scim_redis_password

=== TEST 10: scim_redis_ssl_certificate without its key is a configuration error
--- http_config
    scim_redis 127.0.0.1:$TEST_NGINX_TLS_PORT;
    scim_redis_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
    scim_redis_ssl_certificate $TEST_NGINX_CLIENT_CERT;
--- nginx_t_fails
no scim_redis_ssl_certificate_key

=== TEST 11: reads from a replica: after REPLICAOF and CLIENT KILL, GET answers 200 and POST 503
--- http_config
    scim_redis unix:$TEST_NGINX_SERVERS/master/redis.sock;
--- perl
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"before-demotion"}');
is($r->{status}, 201, 'created on the master');
my $id = $r->{json}{id};
# the other server takes a copy, becomes a master, and this one its replica
is(main::rcli('replica', 'REPLICAOF', '127.0.0.1', (main::port_of('master'))), 'OK', 'copy');
ok(wait_until(sub { main::rcli('replica', 'INFO', 'replication') =~ /master_link_status:up/ }, 10),
   'in sync');
is(main::rcli('replica', 'REPLICAOF', 'NO', 'ONE'), 'OK', 'the copy is a master');
is(main::rcli('master', 'REPLICAOF', '127.0.0.1', (main::port_of('replica'))), 'OK', 'demoted');
ok(wait_until(sub { main::rcli('master', 'INFO', 'replication') =~ /master_link_status:up/ }, 10),
   'the demoted server follows');
main::rcli('master', 'CLIENT', 'KILL', 'TYPE', 'normal');
my $g;
ok(wait_until(sub { $g = scim_request('GET', "/scim/v2/Users/$id"); $g->{status} == 200 }, 10),
   'GET from the replica: 200') or diag($g->{body});
my $p = scim_request('POST', '/scim/v2/Users', '{"userName":"on-a-replica"}');
is($p->{status}, 503, 'POST on a replica: 503');
like($p->{headers}{'retry-after'} // '', qr/^\d+$/, 'with Retry-After');
unlike($p->{body}, qr/READONLY|replica/, 'no Redis text');
is(scim_request('GET', "/scim/v2/Users/$id")->{status}, 200, 'reads still served');
# promoted again: writes come back without a reload
is(main::rcli('master', 'REPLICAOF', 'NO', 'ONE'), 'OK', 'promoted again');
my $w;
ok(wait_until(sub { $w = scim_request('POST', '/scim/v2/Users', '{"userName":"after"}');
                    $w->{status} == 201 }, 10), 'writes again') or diag($w->{body});
main::rcli('replica', 'REPLICAOF', 'NO', 'ONE');
--- error_log
qr/scim: redis .*(connected|restored) \(.*a read-only replica\)/

=== TEST 12: a server that accepts and never answers: 503 within the connect timeout, repeated attempts
--- http_config
    scim_redis 127.0.0.1:$TEST_NGINX_SILENT_PORT;
    scim_redis_connect_timeout 300ms;
--- perl
my $first = scim_request('GET', '/scim/v2/Users');
is($first->{status}, 503, 'the first request: 503');
for my $i (1 .. 5) {
    is(scim_request('GET', '/scim/v2/Users')->{status}, 503, "request $i: 503");
}
ok(wait_until(sub { main::silent_connections() >= 3 }, 10), 'the module keeps trying')
    or diag('connections: ' . main::silent_connections());
like(error_log_since_block(), qr/the handshake did not finish within scim_redis_connect_timeout/,
     'the log says why');

=== TEST 13: reload twice while busy over TLS: every request answered, no [alert]
--- skip_valgrind
--- http_config
    scim_redis 127.0.0.1:$TEST_NGINX_TLS_PORT;
    scim_redis_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
    scim_redis_ssl_server_name localhost;
--- perl
my @kids;
for my $k (1 .. 3) {
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        my ($bad, $end) = (0, time + 2);
        my $i = 0;
        while (time < $end) {
            my $r = $i++ % 2 ? scim_request('GET', '/scim/v2/Users?count=5')
                             : scim_request('POST', '/scim/v2/Users', qq({"userName":"busy$k-$i"}));
            $bad++ unless defined $r->{status} && $r->{status} =~ /^(?:200|201|503)$/;
        }
        POSIX::_exit($bad ? 1 : 0);
    }
    push @kids, $pid;
}
select undef, undef, undef, 0.5;
ok(nginx_signal('reload'), 'reloaded while busy');
select undef, undef, undef, 0.5;
ok(nginx_signal('reload'), 'reloaded again while busy');
for my $pid (@kids) {
    waitpid($pid, 0);
    is($? >> 8, 0, "client $pid: every request got 200, 201 or 503");
}
is(scim_request('GET', '/scim/v2/Users?count=1')->{status}, 200, 'served after the reloads');

=== TEST 14: --tls-auth-clients yes and no client certificate: 503, what nginx saw (the alert, or the reset after it) in the line, no [crit] from nginx's SSL_read()
--- http_config
    scim_redis 127.0.0.1:$TEST_NGINX_MTLS_PORT;
    scim_redis_ssl on;
    scim_redis_ssl_trusted_certificate $TEST_NGINX_CA;
    scim_redis_ssl_server_name localhost;
--- request
POST /scim/v2/Users
{"userName":"no-client-cert"}
--- error_code: 503
--- response_headers_like
Retry-After: ^\d+$
--- error_log eval
qr/scim: redis 127\.0\.0\.1:\d+: (?:read|write) failed: SSL_\w+\(\) failed/

=== TEST 15: an ACL user limited to the module's keys (~scim:*): Redis refuses SORT_RO's GET, the page is read by the script instead, and so is every later page of the worker
--- http_config
    scim_redis unix:$TEST_NGINX_SERVERS/aclkeys/redis.sock;
    scim_redis_username scim;
    scim_redis_password pw;
--- perl
for my $n (1 .. 3) {
    my $r = scim_request('POST', '/scim/v2/Users', qq({"userName":"keys-$n"}));
    is($r->{status}, 201, "create keys-$n") or diag($r->{body});
}
my @as_scim = ('--user', 'scim', '--pass', 'pw', '--no-auth-warning');
main::rcli('aclkeys', @as_scim, 'CONFIG', 'RESETSTAT');
for my $round (1 .. 3) {
    my $r = scim_request('GET', '/scim/v2/Users?startIndex=2&count=2');
    is($r->{status}, 200, "page $round");
    json_subset_ok($r->{json}, '{"totalResults":3,"itemsPerPage":2,"startIndex":2}', "page $round: counts");
    is_deeply([map { $_->{userName} } @{ $r->{json}{Resources} }], ['keys-2', 'keys-3'],
              "page $round: the users in creation order");
}
my $info = main::rcli('aclkeys', @as_scim, 'INFO', 'commandstats');
like($info, qr/^cmdstat_sort_ro:calls=\d+,.*failed_calls=1\b/m, 'SORT_RO refused once, then not tried again');
like($info, qr/^cmdstat_evalsha:calls=3,/m, 'the script read the three pages');
--- error_log
qr/\[warn\].*scim: redis .*refused SORT_RO's GET \(ERR GET option of SORT denied.*\): this worker reads pages with the page script/
--- no_error_log
[error]
