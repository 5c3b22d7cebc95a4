# A DNS failover followed without a reload: the name of scim_redis resolves
# through nginx's `resolver` (a tiny responder answering from a file, TTL 1)
# on every reconnect. Redis A on 127.0.0.1, Redis B on 127.0.0.2 as A's
# replica; the name flips to B, B is promoted and A demoted.
use strict;
use warnings;
use lib 't/lib';
use File::Path qw(remove_tree);
use POSIX ();
use Time::HiRes qw(time sleep);
use ScimTest;

my $dir = servers_dir('032-servers');
my $redis_port = free_port();
my $dns_port = free_port();
my @pids;

sub set_name {
    my ($addr) = @_;
    open my $fh, '>', "$dir/zone.tmp" or die "$!";
    print $fh "redis.scim.test $addr\n";
    close $fh;
    rename "$dir/zone.tmp", "$dir/zone" or die "$!";
}

sub rcli {
    my ($name, @args) = @_;
    my $out = qx(redis-cli -s $dir/$name/redis.sock @args 2>&1);
    chomp $out;
    return $out;
}

set_name('127.0.0.1');
push @pids, spawn_redis("$dir/a", '--bind', '127.0.0.1', '--port', $redis_port);
push @pids, spawn_redis("$dir/b", '--bind', '127.0.0.2', '--port', $redis_port,
                        '--replicaof', '127.0.0.1', $redis_port);
my $dns = fork // die "fork: $!";
if ($dns == 0) {
    exec $^X, 't/lib/dns-responder.pl', $dns_port, "$dir/zone" or POSIX::_exit(127);
}
push @pids, $dns;
# The responder must be ours and up before nginx asks it anything.
sleep 0.3;
die "dns-responder exited (port $dns_port taken?)\n" if waitpid($dns, POSIX::WNOHANG()) == $dns;

$ENV{TEST_NGINX_REDIS_NAME_PORT} = $redis_port;
$ENV{TEST_NGINX_DNS_PORT} = $dns_port;

END { local $?; kill_pid($_) for @pids; remove_tree($dir) if $dir && !$ENV{TEST_NGINX_NO_CLEAN}; }

run_blocks();

__DATA__

=== TEST 1: the name flips to the promoted replica: writes come back, data written before is there
--- http_config
    resolver 127.0.0.1:$TEST_NGINX_DNS_PORT valid=1s ipv6=off;
    resolver_timeout 1s;
    scim_redis redis.scim.test:$TEST_NGINX_REDIS_NAME_PORT;
--- perl
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"before-failover"}');
is($r->{status}, 201, 'created on A') or diag($r->{body});
my $id = $r->{json}{id};
ok(wait_until(sub { main::rcli('b', 'INFO', 'replication') =~ /master_link_status:up/ }, 10),
   'B follows A');
ok(wait_until(sub { main::rcli('b', 'EXISTS', 'scim:layout') eq '1'
                    || main::rcli('b', 'DBSIZE') > 1 }, 10), 'B has the data');
sleep 0.2;    # let the user reach B

main::set_name('127.0.0.2');
is(main::rcli('b', 'REPLICAOF', 'NO', 'ONE'), 'OK', 'B promoted');
is(main::rcli('a', 'REPLICAOF', '127.0.0.2', $ENV{TEST_NGINX_REDIS_NAME_PORT}), 'OK', 'A demoted');
my $t0 = time;
my ($w, $n) = (undef, 0);
ok(wait_until(sub { $w = scim_request('POST', '/scim/v2/Users', '{"userName":"after' . $n++ . '"}');
                    $w->{status} == 201 }, 15, 0.05), 'writes succeed again')
    or diag($w->{body});
diag(sprintf 'writes came back %.2f s after the flip', time - $t0);
my $g = scim_request('GET', "/scim/v2/Users/$id");
is($g->{status}, 200, 'the user created before the flip is readable');
like(error_log_since_block(), qr/scim: redis redis\.scim\.test:\d+: connected to a master at 127\.0\.0\.2:\d+/,
     'the log says where the master is now');
