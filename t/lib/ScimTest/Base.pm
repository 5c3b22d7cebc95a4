package ScimTest::Base;

# The per-file state every part of the harness shares (%S, the block being
# run), section values, child processes, free ports, files, and ok() named
# after the block. See ScimTest.pm for the harness as a whole.

use strict;
use warnings;

use Errno qw(EINTR EAGAIN);
use Exporter qw(import);
use IO::Select;
use IO::Socket::INET;
use POSIX qw(WNOHANG);
use Test::More ();
use Time::HiRes qw(sleep time);

our @EXPORT = qw(
    %S $TOKEN _value _subst_env _eval_perl free_port _spawn _run_capture _alive
    _children_of kill_pid wait_until _send_all _t _ok _failed_count _show_text _tail
    _read_file _write_file
);

our $TOKEN = 'test-token';
our %S;          # per-file state
# The block being run. Localize it by its full name, $ScimTest::Base::BLOCK:
# `local` on an imported alias would not reach this variable.
our $BLOCK;
sub current_block { $BLOCK }

# A section's value after modifiers and $TEST_NGINX_* substitution.
sub _value {
    my ($b, $name) = @_;
    return undef unless exists $b->{sec}{$name};
    my $v = $b->{sec}{$name};
    my $mods = $b->{mod}{$name} || {};
    if ($mods->{eval}) {
        $v = eval { _eval_perl($v, "$name eval") };
        die "ScimTest: --- $name eval failed: $@" if $@;
    } else {
        $v = _subst_env($v);
    }
    chomp $v if $mods->{chomp};
    return $v;
}

sub _subst_env {
    my ($text) = @_;
    return $text unless defined $text;
    $text =~ s{\$(?:\{(TEST_NGINX_\w+)\}|(TEST_NGINX_\w+))}{
        my $n = $1 // $2;
        defined $ENV{$n} ? $ENV{$n} : die "ScimTest: \$$n is not set\n";
    }ge;
    return $text;
}

sub _eval_perl {
    my ($code, $what) = @_;
    my $name = $BLOCK ? $BLOCK->{name} : 'ScimTest';
    $name =~ s/"/'/g;
    my @r = eval "package main; use strict; use warnings;\n#line 1 \"$name, --- $what\"\n$code";
    die $@ if $@;
    return wantarray ? @r : $r[-1];
}

sub _free_port {
    # Below the kernel's ephemeral range (32768+), so that outgoing
    # connections of other processes do not take it; spread by pid for prove -j.
    for my $i (0 .. 500) {
        my $port = 20000 + ($$ * 7 + $i * 13) % 12000;
        next if $S{ports_taken}{$port};    # handed out, maybe not bound yet
        my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port,
                                      Proto => 'tcp', ReuseAddr => 1, Listen => 1);
        next unless $s;
        close $s;
        # Free for UDP too: test DNS responders listen on these ports, and a
        # stale one on the same port would answer in place of the new one.
        my $u = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port, Proto => 'udp');
        next unless $u;
        close $u;
        $S{ports_taken}{$port} = 1;
        return $port;
    }
    die "ScimTest: no free port\n";
}

sub free_port { return _free_port(@_) }

sub _spawn {
    my ($cmd, $out_file, $env) = @_;
    my $pid = fork;
    die "ScimTest: fork: $!\n" unless defined $pid;
    if ($pid == 0) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', $out_file or POSIX::_exit(126);
        open STDERR, '>&', \*STDOUT or POSIX::_exit(126);
        setpgrp(0, 0);
        $ENV{$_} = $env->{$_} for keys %$env;
        { no warnings 'exec'; exec { $cmd->[0] } @$cmd; }
        print STDERR "exec $cmd->[0]: $!\n";
        POSIX::_exit(127);
    }
    return $pid;
}

# Runs a command to completion; returns (exit status, stdout+stderr).
sub _run_capture {
    my ($cmd, $timeout, $env) = @_;
    my $out = "$S{dir}/capture.$$.out";
    unlink $out;
    my $pid = _spawn($cmd, $out, $env || {});
    my $deadline = time + $timeout * $S{factor};
    my $rc;
    while (1) {
        my $w = waitpid($pid, WNOHANG);
        if ($w == $pid) { $rc = $?; last }
        if (time > $deadline) {
            kill 'KILL', $pid;
            waitpid($pid, 0);
            $rc = -1;
            last;
        }
        sleep 0.01;
    }
    my $text = _read_file($out) // '';
    unlink $out;
    return ($rc, $text);
}

sub _alive {
    my ($pid) = @_;
    return 0 unless $pid && kill(0, $pid);
    my $stat = _read_file("/proc/$pid/stat") // return 0;
    return $stat =~ /^\d+ \(.*\) ([A-Za-z])/ && $1 ne 'Z' && $1 ne 'X' ? 1 : 0;
}

sub _children_of {
    my ($ppid) = @_;
    my @kids;
    opendir(my $dh, '/proc') or return;
    for my $p (grep { /^\d+$/ } readdir $dh) {
        my $stat = _read_file("/proc/$p/stat") // next;
        push @kids, $p if $stat =~ /^\d+ \(.*\) \S+ (\d+)/ && $1 == $ppid;
    }
    return @kids;
}

sub kill_pid {
    my ($pid) = @_;
    return unless $pid;
    local $?;    # callable from END blocks
    kill 'TERM', $pid;
    my $deadline = time + 10;
    while (time < $deadline) {
        return 1 if waitpid($pid, WNOHANG) == $pid;
        sleep 0.02;
    }
    kill 'KILL', $pid;
    waitpid($pid, 0);
    return 1;
}

sub wait_until {
    my ($cond, $secs, $interval) = @_;
    my $deadline = time + ($secs // 10) * $S{factor};
    while (1) {
        my $v = $cond->();
        return $v if $v;
        return 0 if time > $deadline;
        sleep($interval // 0.05);
    }
}

sub _send_all {
    my ($sock, $data, $timeout) = @_;
    my $deadline = time + ($timeout // 10);
    my $sel = IO::Select->new($sock);
    my $off = 0;
    while ($off < length $data) {
        my $left = $deadline - time;
        return 0 if $left <= 0;
        next unless $sel->can_write($left);
        my $n = syswrite($sock, $data, length($data) - $off, $off);
        if (!defined $n) {
            next if $! == EINTR || $! == EAGAIN;
            return 0;
        }
        $off += $n;
    }
    return 1;
}

sub _t {
    my ($what) = @_;
    return $BLOCK ? "$BLOCK->{name} - $what" : $what;
}

# ok() with a name prefixed by the block; returns the result.
sub _ok {
    my ($ok, $what, @diag) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::ok($ok, _t($what)) or (@diag && Test::More::diag(join '', @diag));
    return $ok ? 1 : 0;
}

sub _failed_count { scalar grep { !$_ } Test::More->builder->summary }

sub _show_text {
    my ($t) = @_;
    my $s = length $t > 500 ? substr($t, 0, 500) . "... (" . length($t) . " bytes)" : $t;
    $s =~ s/\n/\\n/g;
    return "'$s'";
}

sub _tail {
    my ($file, $n) = @_;
    my $text = _read_file($file) // return "($file: none)\n";
    my @lines = split /\n/, $text;
    @lines = @lines[-$n .. -1] if @lines > $n;
    return join("\n", @lines) . "\n";
}

sub _read_file {
    my ($f) = @_;
    open(my $fh, '<:raw', $f) or return undef;
    local $/;
    my $t = <$fh>;
    close $fh;
    return $t // '';
}

sub _write_file {
    my ($f, $text) = @_;
    open(my $fh, '>:raw', $f) or die "ScimTest: cannot write $f: $!\n";
    print $fh $text;
    close $fh or die "ScimTest: cannot write $f: $!\n";
}

1;
