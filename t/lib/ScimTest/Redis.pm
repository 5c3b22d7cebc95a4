package ScimTest::Redis;

# Redis for the tests: the per-file redis-server (unix socket only, `save ""`,
# `appendonly no`), more servers on demand, the modes that change how nginx
# reaches the per-file store (TLS), and a RESP client on the per-file socket.
#
# SERVERS. A server is a hash { pid, dir, sock, port }:
#   start_redis_servers($name, $n, %opt) -> $n servers, each in
#       <file dir>/redis-$name-<i>/ with a unix socket and a free TCP port on
#       $opt{bind} (127.0.0.1); $opt{args} are more redis-server arguments,
#       or a code ref called with (index from 1, port) that returns them.
#   stop_redis_servers(@servers); whatever is left is stopped at the end of
#       the file. redis_ports(@servers) -> their TCP ports.
#   spawn_redis($dir, @args) -> the pid of one more server (unix socket
#       $dir/redis.sock plus @args), kill_pid($pid).
#   servers_dir($name) -> a fresh, absolute build/t/$name-<pid> for a
#       file's own servers; tls_servers_dir($name) -> ($dir, $certs, $other):
#       that directory and two CA sets made in it (make_tls_certs), the
#       servers' own ("scim-test-ca", tls/) and a foreign one ("another-ca",
#       tls-other/).
#   start_redis(), stop_redis(), redis_running(): the per-file server.
#
# MODES. A mode is switched on by an environment variable and changes the
# per-file store and the default `scim_redis` directives of every block:
#   redis_mode(NAME, { env => 'TEST_NGINX_REDIS_X',
#       server_args => sub { more arguments for the per-file server },
#       started     => sub { after the per-file server answers PING },
#       stopping    => sub { before it is stopped },
#       directives  => sub { the http{} lines that point nginx at the store } });
# TEST_NGINX_REDIS_TLS=1 is the mode `tls`, registered below; together with
# TEST_NGINX_REDIS_CLUSTER=1 it makes the cluster serve TLS instead. redis_cmd()
# uses the per-file unix socket, but for TEST_NGINX_REDIS_CLUSTER=1 (the mode
# `cluster`, in ScimTest/RedisCluster.pm), where it is routed by key.

use strict;
use warnings;

use Digest::SHA qw(sha256_hex);
use Exporter qw(import);
use Cwd ();
use File::Path qw(make_path remove_tree);
use IO::Select;
use IO::Socket::INET;
use IO::Socket::UNIX;
use Socket qw(SOCK_STREAM);
use Time::HiRes qw(sleep time);

use ScimTest::Base;

our @EXPORT = qw(
    redis_running start_redis stop_redis redis_cmd redis_digest redis_tls make_tls_certs
    make_server_cert servers_dir tls_servers_dir
    spawn_redis start_redis_servers stop_redis_servers redis_ports redis_mode
    redis_directives resp_connect resp_call
);

# --- modes -------------------------------------------------------------------

my @MODES;

sub redis_mode {
    my ($name, $mode) = @_;
    push @MODES, { name => $name, %$mode };
}

sub _active_modes { return grep { $ENV{ $_->{env} } } @MODES }

sub _mode_hooks {
    my ($hook) = @_;
    return map { $_->{$hook}->() } grep { $_->{$hook} } _active_modes();
}

# The http{} lines of a block that does not set scim_redis itself: those of
# the first active mode that gives some.
sub redis_directives {
    for my $mode (grep { $_->{directives} } _active_modes()) {
        my @lines = $mode->{directives}->();
        return @lines if @lines;
    }
    return ("scim_redis unix:$S{redis_sock};");
}

redis_mode(tls => {
    env => 'TEST_NGINX_REDIS_TLS',
    server_args => sub {
        my $tls = redis_tls();
        return ('--bind', '127.0.0.1', '--tls-port', $tls->{port},
                '--tls-cert-file', $tls->{cert}, '--tls-key-file', $tls->{key},
                '--tls-ca-cert-file', $tls->{ca}, '--tls-auth-clients', 'no');
    },
    directives => sub {
        return () if $ENV{TEST_NGINX_REDIS_CLUSTER};  # the cluster's mode speaks TLS itself
        my $tls = redis_tls();
        return ("scim_redis 127.0.0.1:$tls->{port};", "scim_redis_ssl on;",
                "scim_redis_ssl_trusted_certificate $tls->{ca};",
                "scim_redis_ssl_server_name localhost;");
    },
});

# --- the per-file server -------------------------------------------------------

sub redis_running { return $S{redis_pid} && _alive($S{redis_pid}) ? 1 : 0 }

sub start_redis {
    return 1 if $S{redis_pid} && _alive($S{redis_pid});
    unlink $S{redis_sock};
    my $pid = _launch_redis($S{redis_dir}, $S{redis_sock}, _mode_hooks('server_args'));
    $S{redis_pid} = $pid;
    my $deadline = time + 10;
    while (time < $deadline) {
        if (!_alive($pid)) {
            waitpid($pid, 0);
            delete $S{redis_pid};
            die "ScimTest: redis-server exited at start:\n" . _tail("$S{redis_dir}/redis.stderr", 10)
                . _tail("$S{redis_dir}/redis.log", 20);
        }
        if (-S $S{redis_sock}) {
            my $pong = eval { delete $S{redis_conn}; redis_cmd('PING') };
            if (defined $pong && $pong eq 'PONG') {
                _mode_hooks('started');
                return 1;
            }
        }
        sleep 0.02;
    }
    die "ScimTest: redis-server did not answer within 10 s\n";
}

sub stop_redis {
    my $pid = delete $S{redis_pid} or return;
    _mode_hooks('stopping');
    my $conn = delete $S{redis_conn};
    close $conn->{sock} if $conn;
    kill_pid($pid);
    return 1;
}

# --- more servers --------------------------------------------------------------

# redis-server on the unix socket $sock, its files in $dir, plus @args.
sub _launch_redis {
    my ($dir, $sock, @args) = @_;
    my @cmd = ('redis-server', '--port', '0', '--unixsocket', $sock, '--unixsocketperm', '700',
               '--save', '', '--appendonly', 'no', '--dir', $dir, '--daemonize', 'no',
               '--logfile', "$dir/redis.log", @args);
    return _spawn(\@cmd, "$dir/redis.stderr", {});
}

# Another redis-server (replicas, ACL or TLS variants): a unix socket
# $dir/redis.sock plus @args; returns its pid once the socket exists.
sub spawn_redis {
    my ($dir, @args) = @_;
    make_path($dir);
    my $sock = "$dir/redis.sock";
    unlink $sock;
    my $pid = _launch_redis($dir, $sock, @args);
    my $deadline = time + 10;
    while (time < $deadline) {
        die "ScimTest: redis-server @args exited:\n" . _tail("$dir/redis.log", 20)
            unless _alive($pid);
        return $pid if -S $sock;
        sleep 0.02;
    }
    die "ScimTest: redis-server @args did not start\n";
}

sub start_redis_servers {
    my ($name, $n, %opt) = @_;
    my @servers;
    for my $i (1 .. $n) {
        my $dir = "$S{dir}/redis-$name-$i";
        my $port = free_port();
        my $args = $opt{args} // [];
        my @args = ref $args eq 'CODE' ? $args->($i, $port) : @$args;
        my $pid = spawn_redis($dir, '--bind', $opt{bind} // '127.0.0.1', '--port', $port, @args);
        my $server = { pid => $pid, dir => $dir, sock => "$dir/redis.sock", port => $port };
        push @servers, $server;
        push @{ $S{redis_servers} }, $server;
    }
    return @servers;
}

sub stop_redis_servers {
    my (@servers) = @_;
    my %stop = map { $_->{pid} => 1 } @servers;
    kill_pid($_->{pid}) for @servers;
    $S{redis_servers} = [ grep { !$stop{ $_->{pid} } } @{ $S{redis_servers} || [] } ];
    return 1;
}

sub redis_ports { return map { $_->{port} } @_ }

# --- TLS -----------------------------------------------------------------------

# The per-file redis-server's TLS side (TEST_NGINX_REDIS_TLS=1), else undef.
sub redis_tls {
    return undef unless $ENV{TEST_NGINX_REDIS_TLS};
    $S{redis_tls} //= { %{ make_tls_certs("$S{redis_dir}/tls", 'scim-test-ca') },
                        port => free_port() };
    return $S{redis_tls};
}

sub servers_dir {
    my ($name) = @_;
    my $dir = "build/t/$name-$$";
    remove_tree($dir);
    make_path($dir);
    return Cwd::abs_path($dir);
}

sub tls_servers_dir {
    my ($name) = @_;
    my $dir = servers_dir($name);
    return ($dir, make_tls_certs("$dir/tls", 'scim-test-ca'),
            make_tls_certs("$dir/tls-other", 'another-ca'));
}

# Each openssl command line of @steps in turn; dies with its log on a failure.
sub _run_openssl {
    my ($dir, @steps) = @_;
    for my $cmd (@steps) {
        my $pid = _spawn($cmd, "$dir/openssl.log", {});
        waitpid($pid, 0);
        die "ScimTest: @$cmd failed:\n" . _tail("$dir/openssl.log", 10) if $? != 0;
    }
}

# A CA, a server certificate for localhost / 127.0.0.1 / 127.0.0.2 and a
# client certificate, made once per directory with the openssl CLI.
sub make_tls_certs {
    my ($dir, $ca_name) = @_;
    my %f = (ca => "$dir/ca.pem", cert => "$dir/server.pem", key => "$dir/server.key",
             client_cert => "$dir/client.pem", client_key => "$dir/client.key");
    return \%f if -e $f{client_cert};
    make_path($dir);
    _write_file("$dir/san.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2\n");
    my @ec = ('-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes');
    my @steps = (
        ['openssl', 'req', '-x509', @ec, '-keyout', "$dir/ca.key", '-out', $f{ca},
         '-days', '2', '-subj', "/CN=$ca_name"],
        ['openssl', 'req', @ec, '-keyout', $f{key}, '-out', "$dir/server.csr",
         '-subj', '/CN=localhost'],
        ['openssl', 'x509', '-req', '-in', "$dir/server.csr", '-CA', $f{ca}, '-CAkey',
         "$dir/ca.key", '-CAcreateserial', '-out', $f{cert}, '-days', '2',
         '-extfile', "$dir/san.ext"],
        ['openssl', 'req', @ec, '-keyout', $f{client_key}, '-out', "$dir/client.csr",
         '-subj', '/CN=scim-client'],
        ['openssl', 'x509', '-req', '-in', "$dir/client.csr", '-CA', $f{ca}, '-CAkey',
         "$dir/ca.key", '-CAcreateserial', '-out', $f{client_cert}, '-days', '2'],
    );
    _run_openssl($dir, @steps);
    return \%f;
}

# Another server certificate from the CA of make_tls_certs($ca_dir): the
# subjectAltName $san (e.g. "IP:127.0.0.3"), files in $dir. -> {cert, key}.
sub make_server_cert {
    my ($ca_dir, $dir, $san) = @_;
    my %f = (cert => "$dir/server.pem", key => "$dir/server.key");
    return \%f if -e $f{cert};
    make_path($dir);
    _write_file("$dir/san.ext", "subjectAltName=$san\n");
    my @steps = (
        ['openssl', 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
         '-keyout', $f{key}, '-out', "$dir/server.csr", '-subj', '/CN=node'],
        ['openssl', 'x509', '-req', '-in', "$dir/server.csr", '-CA', "$ca_dir/ca.pem", '-CAkey',
         "$ca_dir/ca.key", '-CAcreateserial', '-out', $f{cert}, '-days', '2',
         '-extfile', "$dir/san.ext"],
    );
    _run_openssl($dir, @steps);
    return \%f;
}

# --- RESP, for every client of the harness ------------------------------------
#
# One reader and writer for the per-file client below, ScimTest::RedisCluster
# and ScimTest::RedisSentinel. A connection is a hash { sock, buf, name }:
#   resp_connect($peer)  -> a connection to "/path/redis.sock" or a TCP port
#       on 127.0.0.1 (dies when it cannot connect);
#   resp_call($conn, $deadline, @args) -> the reply: a string, a number, an
#       array ref, undef (nil), or { error => text } for an error reply; it
#       dies when the server closes the connection or the deadline passes.

sub resp_connect {
    my ($peer) = @_;
    my $sock = $peer =~ m{/}
        ? IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $peer)
        : IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $peer, Proto => 'tcp',
                                Timeout => 5);
    die "ScimTest: cannot connect to redis at $peer: $!\n" unless $sock;
    return { sock => $sock, buf => '', name => $peer };
}

sub resp_call {
    my ($conn, $deadline, @args) = @_;
    my $req = '*' . scalar(@args) . "\r\n";
    $req .= '$' . length($_) . "\r\n$_\r\n" for map { defined $_ ? "$_" : '' } @args;
    local $SIG{PIPE} = 'IGNORE';
    _send_all($conn->{sock}, $req, $deadline - time)
        or die "ScimTest: cannot write to redis at $conn->{name}: $!\n";
    return _resp_read($conn, $deadline);
}

sub _resp_fill {
    my ($conn, $deadline) = @_;
    my $sel = IO::Select->new($conn->{sock});
    my $left = $deadline - time;
    die "ScimTest: redis at $conn->{name} did not answer in time\n"
        if $left <= 0 || !$sel->can_read($left);
    my $n = sysread($conn->{sock}, $conn->{buf}, 65536, length $conn->{buf});
    die "ScimTest: redis at $conn->{name} closed the connection\n" unless $n;
}

sub _resp_line {
    my ($conn, $deadline) = @_;
    for (;;) {
        my $i = index($conn->{buf}, "\r\n");
        if ($i >= 0) {
            my $line = substr($conn->{buf}, 0, $i);
            substr($conn->{buf}, 0, $i + 2) = '';
            return $line;
        }
        _resp_fill($conn, $deadline);
    }
}

sub _resp_read {
    my ($conn, $deadline) = @_;
    my $line = _resp_line($conn, $deadline);
    my ($type, $rest) = (substr($line, 0, 1), substr($line, 1));
    return $rest if $type eq '+';
    return { error => $rest } if $type eq '-';
    return 0 + $rest if $type eq ':';
    if ($type eq '$') {
        return undef if $rest < 0;
        _resp_fill($conn, $deadline) while length($conn->{buf}) < $rest + 2;
        my $s = substr($conn->{buf}, 0, $rest);
        substr($conn->{buf}, 0, $rest + 2) = '';
        return $s;
    }
    if ($type eq '*') {
        return undef if $rest < 0;
        return [ map { _resp_read($conn, $deadline) } 1 .. $rest ];
    }
    die "ScimTest: bad redis reply line '$line' from $conn->{name}\n";
}

# --- the RESP client on the per-file socket ------------------------------------

sub redis_cmd {
    my (@args) = @_;
    return $S{cluster}->harness_cmd(@args) if $S{cluster} && $S{cluster}->up;  # TEST_NGINX_REDIS_CLUSTER
    my $deadline = time + 10 * $S{factor};
    $S{redis_conn} = resp_connect($S{redis_sock})
        unless $S{redis_conn} && $S{redis_conn}{sock}->connected;
    my $reply = eval { resp_call($S{redis_conn}, $deadline, @args) };
    if (!defined $reply && $@) {
        delete $S{redis_conn};
        die $@ unless $@ =~ /cannot write/;
        # a restarted server: connect again once
        $S{redis_conn} = resp_connect($S{redis_sock});
        $reply = resp_call($S{redis_conn}, $deadline, @args);
    }
    die "redis: $reply->{error}\n" if ref $reply eq 'HASH' && exists $reply->{error};
    return $reply;
}

# Every key with its serialized value, so any write shows; but not the
# layout marker (`<prefix>layout`), which a worker writes (SET NX) when its connection to Redis
# comes up: after a FLUSHALL that may be after nginx answers its port, so a
# digest taken early would see a write no request made.
sub redis_digest {
    my $keys = redis_cmd('KEYS', '*');
    my $all = '';
    for my $key (sort grep { !/^[^{}]*layout\z/ } @$keys) {
        my $dump = redis_cmd('DUMP', $key) // '';
        $all .= length($key) . ":$key" . length($dump) . ":$dump";
    }
    return sha256_hex($all);
}

1;
