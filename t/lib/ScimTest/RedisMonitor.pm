package ScimTest::RedisMonitor;

# Counting the round trips nginx makes to Redis, as MONITOR sees them:
#
#     my $watch = redis_monitor();      # undef under TEST_NGINX_REDIS_CLUSTER
#     scim_request('PATCH', ...);
#     my @commands = $watch->commands;  # e.g. ('EVALSHA'), upper case
#
# Only the commands clients send are listed: those a script runs inside
# (MONITOR's "lua" lines) are left out. `commands` ends the watch: it sends
# an ECHO marker on the harness's own connection and reads up to it, so
# nothing sent before the marker is missed. The per-file server only (a
# cluster spreads commands over several masters).

use strict;
use warnings;
use Exporter 'import';
use IO::Select;
use IO::Socket::UNIX;
use Socket qw(SOCK_STREAM);
use Time::HiRes qw(time);

use ScimTest::Base;
use ScimTest::Redis;

our @EXPORT = qw(redis_monitor);

sub redis_monitor {
    return undef if $S{cluster};
    my $sock = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $S{redis_sock})
        or die "ScimTest: cannot connect to redis at $S{redis_sock}: $!\n";
    my $self = bless { sock => $sock, buf => '' }, __PACKAGE__;
    syswrite($sock, "MONITOR\r\n") or die "ScimTest: MONITOR: $!\n";
    my $ok = $self->_line(time + 10);
    die "ScimTest: MONITOR answered " . ($ok // 'nothing') . "\n" unless ($ok // '') eq '+OK';
    return $self;
}

sub commands {
    my ($self) = @_;
    my $marker = 'scimtest-monitor-' . int(rand(1e9));
    redis_cmd('ECHO', $marker);
    my @commands;
    my $deadline = time + 10 * ($S{factor} || 1);
    while (defined(my $line = $self->_line($deadline))) {
        last if index($line, qq{"ECHO" "$marker"}) >= 0;
        next if $line =~ /^\+[\d.]+ \[\d+ lua\]/;
        push @commands, uc $1 if $line =~ /^\+[\d.]+ \[\d+ [^\]]*\] "([^"]+)"/;
    }
    close $self->{sock};
    return @commands;
}

sub _line {
    my ($self, $deadline) = @_;
    while ($self->{buf} !~ /\r\n/) {
        my $left = $deadline - time;
        return undef if $left <= 0 || !IO::Select->new($self->{sock})->can_read($left);
        my $n = sysread($self->{sock}, $self->{buf}, 65536, length $self->{buf});
        return undef unless $n;
    }
    $self->{buf} =~ s/^(.*?)\r\n//s;
    return $1;
}

1;
