package ScimTest::RedisCluster;

# A Redis Cluster on loopback for the tests: N masters (and, if asked, R
# replicas of each) made with `redis-cli --cluster create`, cluster-require-full-coverage no, and
# a small client that routes a command by its key the way the module does
# (CRC16 of the hash tag), following MOVED and ASK. The client speaks to
# each node on its unix socket (ScimTest::Redis's RESP code), so that it
# needs no TLS when the cluster serves TLS only.
#
#   my $c = ScimTest::RedisCluster->start($dir, 3, %opt);
#     password => PW      requirepass (and masterauth) on every node
#     replicas => R       R replicas per master (--cluster-replicas R)
#     args => [...]       more redis-server arguments
#     tls => $certs       TLS only (make_tls_certs): --port 0, --tls-port,
#                         --tls-cluster yes, --tls-replication yes; the
#                         cluster bus, MIGRATE and redis-cli speak TLS too
#     tls_auth_clients => 'yes' | 'no' (default) | 'optional'
#     node_certs => [$certs, ...]  a certificate of its own per node
#     hosts => ['127.0.0.1', '127.0.0.2', ...]  a loopback address per node
#   $c->cmd('GET', 'scim:layout');    # routed; dies on an error reply
#   $c->all('FLUSHALL');              # on every master that is up
#   $c->keys('*');                    # KEYS over every master
#   $c->node_of_key($key)             # index of the master owning it
#   $c->tenant_node($tenant)          # … owning that tenant's keys
#   $c->migration_target($tenant, $offset)  # ($slot, $from, $to): the tenant's
#                                     # slot, its master, the master $offset after it
#   $c->migrate_slot($slot, $to)      # IMPORTING/MIGRATING, MIGRATE, NODE
#   $c->stop_node($i); $c->stop;
#   $c->add_master(host => H, cert => C)  # one more, empty, met: its index
#   $c->replica_of($i)                # a node that replicates master $i
#   $c->is_master($i)                 # what ROLE says now
#   $c->failover($r)                  # CLUSTER FAILOVER on replica $r
#   $c->seeds                         # "127.0.0.1:P1 127.0.0.1:P2 …"
#   $c->tls_directives                # scim_redis_ssl* lines for its CA
#   ScimTest::RedisCluster->tenant_location($n)   # tenants t1 … tN, tokens "tok-tI"
#   ScimTest::RedisCluster->as_tenant($t, $method, $uri, $body)
#
# TEST_NGINX_REDIS_CLUSTER=1 makes ScimTest use one as every file's store
# (see ScimTest.pm, REDIS CLUSTER).

use strict;
use warnings;

use Digest::SHA ();
use File::Path qw(make_path);
use IO::Socket::INET;
use IO::Socket::UNIX;
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep time);

use ScimTest::Base ();
use ScimTest::Redis ();

# CRC16-CCITT (XMODEM), as the cluster specification defines it.
sub crc16 {
    my ($data) = @_;
    my $crc = 0;
    for my $byte (unpack('C*', $data)) {
        $crc ^= $byte << 8;
        for (1 .. 8) {
            $crc = ($crc & 0x8000) ? (($crc << 1) ^ 0x1021) & 0xFFFF : ($crc << 1) & 0xFFFF;
        }
    }
    return $crc;
}

sub key_slot {
    my ($key) = @_;
    if ((my $open = index($key, '{')) >= 0) {
        my $close = index($key, '}', $open + 1);
        $key = substr($key, $open + 1, $close - $open - 1) if $close > $open + 1;
    }
    return crc16($key) % 16384;
}

# A port whose cluster bus port (+10000) is free too, and that the
# harness has not handed out (free_port: nginx's port may not be bound
# yet); both are marked taken for free_port.
sub _free_pair {
    my ($host) = @_;
    my $taken = $ScimTest::Base::S{ports_taken} //= {};
    for (1 .. 200) {
        my $port = 20000 + int(rand(2700));
        next if $taken->{$port} || $taken->{ $port + 10000 };
        my @s = map {
            IO::Socket::INET->new(LocalAddr => $host, LocalPort => $_, Proto => 'tcp',
                                  ReuseAddr => 1, Listen => 1)
        } ($port, $port + 10000);
        next unless $s[0] && $s[1];
        $taken->{$_} = 1 for $port, $port + 10000;
        return $port;
    }
    die "ScimTest::RedisCluster: no free port pair\n";
}

sub _spawn {
    my ($cmd, $log) = @_;
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        open STDOUT, '>>', $log;
        open STDERR, '>&', \*STDOUT;
        exec @$cmd or POSIX::_exit(127);
    }
    return $pid;
}

sub start {
    my ($class, $dir, $n, %opt) = @_;
    my $self = bless { dir => $dir, nodes => [], password => $opt{password}, tls => $opt{tls},
                       opt => \%opt }, $class;
    # Files run in parallel: a port can be taken between the check and the
    # bind. A node that could not bind exits; start again with other ports.
    my $replicas = $opt{replicas} // 0;
    my $total = $n * (1 + $replicas);
    for my $attempt (1 .. 5) {
        $self->_spawn_nodes($total);
        last if $self->_wait_nodes(1);
        $self->stop;
        $self->{nodes} = [];
        die "ScimTest::RedisCluster: cannot start $total nodes\n" if $attempt == 5;
    }
    my @addrs = map { "$_->{host}:$_->{port}" } @{ $self->{nodes} };
    my @with = $replicas ? ('--cluster-replicas', $replicas) : ();
    my $pid = _spawn(['redis-cli', $self->_cli_args, '--cluster', 'create', @addrs, @with,
                      '--cluster-yes'], "$dir/create.log");
    waitpid($pid, 0);
    die "ScimTest::RedisCluster: cluster create failed:\n" . `tail -20 $dir/create.log` if $?;
    $self->wait_ok or die "ScimTest::RedisCluster: the cluster did not become ok\n";
    $self->wait_replicas or die "ScimTest::RedisCluster: the replicas did not sync\n" if $replicas;
    $self->refresh;
    return $self;
}

# --- replicas --------------------------------------------------------------------

sub is_master {
    my ($self, $i) = @_;
    my $role = eval { _call($self->{nodes}[$i], 'ROLE') } or return 0;
    return $role->[0] eq 'master';
}

# The master a replica follows (index), or undef.
sub _master_of {
    my ($self, $i) = @_;
    my $role = eval { _call($self->{nodes}[$i], 'ROLE') } or return undef;
    return undef unless $role->[0] eq 'slave' && $role->[3] eq 'connected';
    my ($m) = grep { $self->{nodes}[$_]{port} == $role->[2] } 0 .. $#{ $self->{nodes} };
    return $m;
}

sub replica_of {
    my ($self, $i) = @_;
    my ($r) = grep { $self->{nodes}[$_]{pid} && ($self->_master_of($_) // -1) == $i }
        0 .. $#{ $self->{nodes} };
    return $r;
}

# Every master with slots has a connected replica.
sub wait_replicas {
    my ($self) = @_;
    $self->refresh;
    my %masters = map { $_ => 1 } grep { defined } @{ $self->{map} };
    for my $m (CORE::keys %masters) {
        $self->_wait(sub { defined $self->replica_of($m) ? 'yes' : '' }, 'yes', 20) or return 0;
    }
    return 1;
}

# A manual failover (CLUSTER FAILOVER on the replica): true once the replica
# says it is the master.
sub failover {
    my ($self, $r) = @_;
    _call($self->{nodes}[$r], 'CLUSTER', 'FAILOVER');
    my $ok = $self->_wait(sub { $self->is_master($r) ? 'yes' : '' }, 'yes', 20);
    $self->refresh;
    return $ok;
}

# How redis-cli reaches a node over TCP: its password and TLS.
sub _cli_args {
    my ($self) = @_;
    my @args = defined $self->{password} ? ('-a', $self->{password}, '--no-auth-warning') : ();
    if (my $tls = $self->{tls}) {
        push @args, '--tls', '--cacert', $tls->{ca}, '--cert', $tls->{client_cert},
            '--key', $tls->{client_key};
    }
    return @args;
}

sub _node_args {
    my ($self, $i, $host, $port) = @_;
    my %opt = %{ $self->{opt} };
    my @args = ('--bind', $host, '--cluster-announce-ip', $host);
    push @args, '--requirepass', $opt{password}, '--masterauth', $opt{password}
        if defined $opt{password};
    if (my $tls = $opt{tls}) {
        my $own = $opt{node_certs}[$i] // $tls;
        push @args, '--port', 0, '--tls-port', $port, '--tls-cluster', 'yes',
            '--tls-replication', 'yes', '--tls-cert-file', $own->{cert},
            '--tls-key-file', $own->{key}, '--tls-ca-cert-file', $tls->{ca},
            '--tls-auth-clients', $opt{tls_auth_clients} // 'no';
    } else {
        push @args, '--port', $port;
    }
    return (@args, @{ $opt{args} || [] });
}

sub _spawn_nodes {
    my ($self, $n) = @_;
    $self->_spawn_node($_) for 0 .. $n - 1;
}

sub _spawn_node {
    my ($self, $i) = @_;
    {
        my $ndir = "$self->{dir}/node$i";
        make_path($ndir);
        unlink "$ndir/nodes.conf", "$ndir/redis.sock";
        my $host = $self->{opt}{hosts}[$i] // '127.0.0.1';
        my $port = _free_pair($host);
        my @cmd = ('redis-server', '--unixsocket', "$ndir/redis.sock", '--unixsocketperm', '700',
                   '--save', '', '--appendonly', 'no', '--dir', $ndir, '--daemonize', 'no',
                   '--logfile', "$ndir/redis.log", '--cluster-enabled', 'yes',
                   '--cluster-config-file', "$ndir/nodes.conf", '--cluster-node-timeout', '3000',
                   '--cluster-require-full-coverage', 'no', $self->_node_args($i, $host, $port));
        push @{ $self->{nodes} },
            { host => $host, port => $port, sock_path => "$ndir/redis.sock", cmd => \@cmd,
              log => "$ndir/stderr.log", password => $self->{password},
              pid => _spawn(\@cmd, "$ndir/stderr.log") };
    }
}

# Every node answers PING, from its own process (not another file's on the
# same port); with $soft, false instead of dying.
sub _wait_nodes {
    my ($self, $soft) = @_;
    for my $node (@{ $self->{nodes} }) {
        my $ok = $self->_wait(sub {
            return '' if waitpid($node->{pid}, WNOHANG) == $node->{pid};
            my $id = eval { _call($node, 'INFO', 'server') } // '';
            $id =~ /^process_id:$node->{pid}\r?$/m ? 'mine' : '';
        }, 'mine');
        if (!$ok) {
            delete $node->{pid} if waitpid($node->{pid}, WNOHANG) == $node->{pid};
            return 0 if $soft;
            die "ScimTest::RedisCluster: node $node->{port} does not answer\n";
        }
    }
    return 1;
}

# One more master, empty (no slot), met by the others: index of the node.
# %o: host (a loopback address), cert (its own certificate, with tls).
sub add_master {
    my ($self, %o) = @_;
    my $i = scalar @{ $self->{nodes} };
    $self->{opt}{hosts}[$i] = $o{host} if $o{host};
    $self->{opt}{node_certs}[$i] = $o{cert} if $o{cert};
    $self->_spawn_node($i);
    $self->_wait_nodes;
    my $node = $self->{nodes}[$i];
    _call($self->{nodes}[0], 'CLUSTER', 'MEET', $node->{host}, $node->{port});
    for my $other (grep { $_->{pid} } @{ $self->{nodes} }) {
        $self->_wait(sub {
            my $known = eval { _call($other, 'CLUSTER', 'NODES') } // '';
            my $n = () = $known =~ /master/g;
            $n == $i + 1 && $known !~ /handshake|noaddr/ ? 'met' : '';
        }, 'met', 20) or die "ScimTest::RedisCluster: node $node->{port} was not met\n";
    }
    $self->wait_ok or die "ScimTest::RedisCluster: the cluster did not settle\n";
    return $i;
}

# Starts the stopped masters again on their ports, with their nodes.conf
# (the cluster and its slots survive; the data does not: no persistence).
sub restart {
    my ($self) = @_;
    for my $node (grep { !$_->{pid} } @{ $self->{nodes} }) {
        $node->{pid} = _spawn($node->{cmd}, $node->{log});
    }
    $self->_wait_nodes;
    $self->wait_ok or die "ScimTest::RedisCluster: the cluster did not come back\n";
    $self->refresh;
    return 1;
}

sub seeds { join ' ', map { "$_->{host}:$_->{port}" } @{ $_[0]{nodes} } }

# The http{} lines that make nginx speak TLS to this cluster (tls => …).
sub tls_directives {
    my ($self) = @_;
    my $tls = $self->{tls} or return ();
    return ('scim_redis_ssl on;', "scim_redis_ssl_trusted_certificate $tls->{ca};",
            "scim_redis_ssl_certificate $tls->{client_cert};",
            "scim_redis_ssl_certificate_key $tls->{client_key};");
}
sub nodes { @{ $_[0]{nodes} } }
sub up { return scalar grep { $_->{pid} } @{ $_[0]{nodes} } }
sub alive { my ($self, $i) = @_; return $self->{nodes}[$i]{pid} ? 1 : 0 }

sub _wait {
    my ($self, $get, $want, $secs) = @_;
    my $deadline = time + ($secs // 10);
    while (time < $deadline) {
        return 1 if $get->() eq $want;
        sleep 0.05;
    }
    return 0;
}

# Every live master says cluster_state:ok and agrees on the slot map.
sub wait_ok {
    my ($self) = @_;
    for my $node (grep { $_->{pid} } @{ $self->{nodes} }) {
        $self->_wait(sub {
            my $info = eval { _call($node, 'CLUSTER', 'INFO') } // '';
            $info =~ /cluster_state:ok/ ? 'ok' : '';
        }, 'ok', 20) or return 0;
    }
    return 1;
}

# --- tenants, for the cluster's own test files --------------------------------

# The server{} part for tenants t1 … t$n, each with the token "tok-tI"
# (tenant=tI), plus /metrics; and a request as one of them.
sub tenant_location {
    my ($class, $n) = @_;
    my @tenants = map { "t$_" } 1 .. $n;
    return join "\n", "    location /scim/v2/ {", "        scim;",
        (map { "        scim_token " . Digest::SHA::sha256_hex("tok-$_") . " $_ tenant=$_;" } @tenants),
        "    }", "    location = /metrics { scim_metrics; }";
}

sub as_tenant {
    my ($class, $tenant, $method, $uri, $body) = @_;
    return ScimTest::Http::scim_request($method, $uri, $body,
                                        { Authorization => "Bearer tok-$tenant" });
}

# A tenant's POST loop in a child process while something happens to the
# cluster: $event->() runs after half a second of creates and returns the
# time of the switch; the loop stops $after seconds after the first 201
# that follows it (or at a 40 s deadline). Returns { switch, acked => [ids],
# status => { code => count }, back => time of that first 201 }.
sub post_loop {
    my ($class, $tenant, $tag, $event, $after) = @_;
    my $log = "$ENV{TEST_NGINX_SERVROOT}/post-loop-$tag.log";
    my $stop = "$ENV{TEST_NGINX_SERVROOT}/post-loop-$tag.stop";
    unlink $log, $stop;
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        open my $fh, '>', $log or POSIX::_exit(1);
        $fh->autoflush(1);
        my $n = 0;
        until (-e $stop) {
            my $r = $class->as_tenant($tenant, 'POST', '/scim/v2/Users', qq({"userName":"$tag-) . $n++ . '"}');
            printf $fh "%.3f %s %s\n", time, $r->{status} // 'none', $r->{json} && $r->{json}{id} || '-';
            sleep 0.005;
        }
        close $fh;
        POSIX::_exit(0);
    }
    sleep 0.5;
    my $switch = $event->();
    my $deadline = time + 40;
    my %res = (switch => $switch, acked => [], status => {});
    while (time < $deadline) {
        sleep 0.2;
        %res = (%res, _read_post_log($log, $switch));
        last if $res{back} && time - $res{back} > $after;
    }
    open my $sfh, '>', $stop; close $sfh;
    waitpid($pid, 0);
    return { %res, _read_post_log($log, $switch) };
}

sub _read_post_log {
    my ($log, $switch) = @_;
    my (@acked, %status, $back);
    open my $fh, '<', $log or return ();
    while (<$fh>) {
        my ($at, $code, $id) = split;
        next unless defined $id;
        $status{$code}++;
        push @acked, $id if $code eq '201';
        $back //= $at if $code eq '201' && $at > $switch;
    }
    return (acked => \@acked, status => \%status, back => $back);
}

# --- the client: one connection per node, on its unix socket ------------------

# One command on one node; an error reply comes back as { error => … }.
sub _call_raw {
    my ($node, @args) = @_;
    my $deadline = time + 10;
    if (!$node->{conn} || !$node->{conn}{sock}->connected) {
        $node->{conn} = ScimTest::Redis::resp_connect($node->{sock_path});
        if (defined $node->{password}) {
            my $ok = ScimTest::Redis::resp_call($node->{conn}, $deadline, 'AUTH', $node->{password});
            die "ScimTest::RedisCluster: AUTH failed on $node->{port}\n" if ref $ok;
        }
    }
    my $reply = eval { ScimTest::Redis::resp_call($node->{conn}, $deadline, @args) };
    return $reply unless $@;
    delete $node->{conn};
    die $@;
}

sub _call {
    my $reply = _call_raw(@_);
    die "redis: $reply->{error}\n" if ref $reply eq 'HASH';
    return $reply;
}

sub node_at {
    my ($self, $i) = @_;
    return $self->{nodes}[$i];
}

sub call_node {
    my ($self, $i, @args) = @_;
    return _call($self->{nodes}[$i], @args);
}

# The slot map, from the first live node.
sub refresh {
    my ($self) = @_;
    my %by_port = map { $self->{nodes}[$_]{port} => $_ } 0 .. $#{ $self->{nodes} };
    for my $node (grep { $_->{pid} } @{ $self->{nodes} }) {
        my $slots = eval { _call($node, 'CLUSTER', 'SLOTS') } or next;
        my @map;
        for my $range (@$slots) {
            my $i = $by_port{ $range->[2][1] };
            $map[$_] = $i for $range->[0] .. $range->[1];
        }
        $self->{map} = \@map;
        return 1;
    }
    return 0;
}

sub node_of_slot { my ($self, $slot) = @_; return $self->{map}[$slot] }
sub node_of_key { my ($self, $key) = @_; return $self->{map}[ key_slot($key) ] }
sub tenant_node { my ($self, $tenant) = @_; return $self->node_of_key("scim:{$tenant}:users") }

# The master $offset places after the tenant's among those that own slots
# (replicas own none).
sub migration_target {
    my ($self, $tenant, $offset) = @_;
    my $from = $self->tenant_node($tenant);
    my %owners = map { $_ => 1 } grep { defined } @{ $self->{map} };
    my @masters = sort { $a <=> $b } CORE::keys %owners;
    my ($at) = grep { $masters[$_] == $from } 0 .. $#masters;
    return (key_slot("scim:{$tenant}:users"), $from, $masters[ ($at + $offset) % @masters ]);
}

sub _routing_key {
    my (@args) = @_;
    my $cmd = uc $args[0];
    if ($cmd eq 'EVAL' || $cmd eq 'EVALSHA') {
        return $args[2] > 0 ? $args[3] : undef;
    }
    return $args[1];
}

# A command routed by its key, following redirects (the tests' own client).
sub cmd {
    my ($self, @args) = @_;
    my $key = _routing_key(@args);
    my $i = defined $key ? $self->node_of_key($key) : undef;
    $i //= (grep { $self->{nodes}[$_]{pid} } 0 .. $#{ $self->{nodes} })[0];
    my $asking = 0;
    for (1 .. 5) {
        my $node = $self->{nodes}[$i];
        _call($node, 'ASKING') if $asking;
        my $reply = _call_raw($node, @args);
        if (ref $reply eq 'HASH' && $reply->{error} =~ /^(MOVED|ASK) \d+ [\d.]+:(\d+)/) {
            my ($kind, $port) = ($1, $2);
            ($i) = grep { $self->{nodes}[$_]{port} == $port } 0 .. $#{ $self->{nodes} };
            $asking = $kind eq 'ASK';
            $self->refresh if $kind eq 'MOVED';
            next;
        }
        die "redis: $reply->{error}\n" if ref $reply eq 'HASH';
        return $reply;
    }
    die "ScimTest::RedisCluster: too many redirects for @args\n";
}

# The same command on every live master; the replies in node order.
sub all {
    my ($self, @args) = @_;
    my @live = grep { $self->{nodes}[$_]{pid} } 0 .. $#{ $self->{nodes} };
    @live = grep { $self->is_master($_) } @live if $self->{opt}{replicas};
    return map { _call($self->{nodes}[$_], @args) } @live;
}

sub keys {
    my ($self, $pattern) = @_;
    return [ map { @$_ } $self->all('KEYS', $pattern) ];
}

# Moves a slot to master $to the way redis-cli --cluster reshard does.
# $between->() runs after the keys moved and before SETSLOT NODE, if given.
sub migrate_slot {
    my ($self, $slot, $to, $between) = @_;
    my $from = $self->node_of_slot($slot);
    my ($src, $dst) = ($self->{nodes}[$from], $self->{nodes}[$to]);
    my $src_id = _call($src, 'CLUSTER', 'MYID');
    my $dst_id = _call($dst, 'CLUSTER', 'MYID');
    _call($dst, 'CLUSTER', 'SETSLOT', $slot, 'IMPORTING', $src_id);
    _call($src, 'CLUSTER', 'SETSLOT', $slot, 'MIGRATING', $dst_id);
    for (;;) {
        my $keys = _call($src, 'CLUSTER', 'GETKEYSINSLOT', $slot, 10);
        last unless @$keys;
        my @auth = defined $self->{password} ? ('AUTH', $self->{password}) : ();
        _call($src, 'MIGRATE', $dst->{host}, $dst->{port}, '', 0, 5000, @auth, 'KEYS', @$keys);
        sleep 0.05;  # a migration under load is not instantaneous
    }
    $between->() if $between;
    for my $node (grep { $_->{pid} } @{ $self->{nodes} }) {
        _call($node, 'CLUSTER', 'SETSLOT', $slot, 'NODE', $dst_id);
    }
    $self->refresh;
    return 1;
}

# ScimTest's redis_cmd() under TEST_NGINX_REDIS_CLUSTER=1: commands about
# the whole store go to every master, the rest is routed by key.
sub harness_cmd {
    my ($self, @args) = @_;
    my $name = uc $args[0];
    return $self->keys($args[1]) if $name eq 'KEYS';
    if ($name eq 'DBSIZE') {
        my $n = 0;
        $n += $_ for $self->all('DBSIZE');
        return $n;
    }
    if ($name eq 'INFO') {  # command counts summed over the masters
        my @infos = $self->all(@args);
        my %calls;
        for my $info (@infos) {
            $calls{$1} += $2 while $info =~ /^cmdstat_(\w+):calls=(\d+)/mg;
        }
        (my $rest = $infos[0]) =~ s/^cmdstat_.*\n?//mg;
        return $rest . join '', map { "cmdstat_$_:calls=$calls{$_}\r\n" } sort CORE::keys %calls;
    }
    if ($name =~ /^(?:FLUSHALL|FLUSHDB|SCRIPT|CONFIG|PING)$/) {
        return ($self->all(@args))[0];
    }
    return $self->cmd(@args);
}

sub stop_node {
    my ($self, $i) = @_;
    my $node = $self->{nodes}[$i];
    my $pid = delete $node->{pid} or return;
    my $conn = delete $node->{conn};
    close $conn->{sock} if $conn;
    return ScimTest::Base::kill_pid($pid);
}

sub stop {
    my ($self) = @_;
    local $?;
    $self->stop_node($_) for 0 .. $#{ $self->{nodes} };
}

# The store of ScimTest's files under TEST_NGINX_REDIS_CLUSTER=1 (the Redis
# mode `cluster`): started with the file's redis, stopped and restarted with
# it by stop_redis() and start_redis(). With TEST_NGINX_REDIS_TLS=1 as well,
# the cluster serves TLS only (client certificates required) and nginx
# gets the scim_redis_ssl* lines for it.
ScimTest::Redis::redis_mode(cluster => {
    env => 'TEST_NGINX_REDIS_CLUSTER',
    started => sub { __PACKAGE__->for_harness(\%ScimTest::Base::S) },
    stopping => sub { $ScimTest::Base::S{cluster}->stop if $ScimTest::Base::S{cluster} },
    directives => sub {
        my $c = $ScimTest::Base::S{cluster};
        return ('scim_redis_cluster ' . $c->seeds . ';', $c->tls_directives);
    },
});

sub for_harness {
    my ($class, $S) = @_;
    if ($S->{cluster}) {
        $S->{cluster}->restart;
    } else {
        my $tls = ScimTest::Redis::redis_tls();
        my $c = $S->{cluster} = $class->start("$S->{redis_dir}/cluster", 3,
            $tls ? (tls => $tls, tls_auth_clients => 'yes') : ());
        # The default tenant, the token registry and the layout key on three
        # different masters: a script that reaches keys of two hash tags fails.
        my $home = $c->node_of_slot(key_slot('default'));
        $c->migrate_slot(key_slot('#tokens'), ($home + 1) % 3);
        $c->migrate_slot(key_slot('scim:layout'), ($home + 2) % 3);
        $c->wait_ok or die "ScimTest::RedisCluster: the cluster did not settle\n";
    }
    return $S->{cluster};
}

1;
