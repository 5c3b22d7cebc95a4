#!/usr/bin/perl
# A tiny DNS responder for tests: answers A queries over UDP from a file of
# "name address" lines, re-read on every query, with TTL 1. Anything else
# gets NXDOMAIN (or an empty answer for a known name).
#
#   dns-responder.pl PORT ZONE-FILE
use strict;
use warnings;
use IO::Socket::INET;

my ($port, $zone) = @ARGV;
die "usage: $0 port zone-file\n" unless $port && $zone;
my $sock = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port, Proto => 'udp')
    or die "dns-responder: cannot bind 127.0.0.1:$port: $!\n";

sub records {
    my %a;
    open my $fh, '<', $zone or return \%a;
    while (<$fh>) {
        my ($name, $addr) = split;
        push @{ $a{ lc $name } }, $addr if $name && $addr;
    }
    return \%a;
}

while (1) {
    my $query;
    my $from = $sock->recv($query, 512) // next;
    next if length($query) < 17;
    my ($id, $flags, $qd) = unpack('n n n', $query);
    my ($pos, @labels) = (12);
    while ((my $len = ord substr($query, $pos, 1)) > 0) {
        push @labels, substr($query, $pos + 1, $len);
        $pos += $len + 1;
        last if $pos >= length $query;
    }
    my $qend = $pos + 5;    # the zero label, QTYPE, QCLASS
    my $question = substr($query, 12, $qend - 12);
    my ($qtype) = unpack('n', substr($query, $pos + 1, 2));
    my $addrs = records()->{ lc join('.', @labels) };
    my @answers;
    if ($addrs && $qtype == 1) {
        for my $a (@$addrs) {
            push @answers, pack('n n n N n', 0xC00C, 1, 1, 1, 4) . pack('C4', split /\./, $a);
        }
    }
    my $rcode = $addrs ? 0 : 3;
    my $reply = pack('n n n n n n', $id, 0x8180 | ($flags & 0x0100) | $rcode, 1, scalar @answers, 0, 0)
        . $question . join('', @answers);
    $sock->send($reply, 0, $from);
}
