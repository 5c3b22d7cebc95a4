package ScimTest::Http;

# The HTTP client: requests to the nginx under test (default headers: Host,
# the test token, Content-Type and Content-Length), raw requests, pipelined
# and keep-alive reads, chunked bodies. A response is a hash: status,
# headers (lower-case names, repeated ones joined by ", "), header_list,
# body, json (when the body parses), error.

use strict;
use warnings;

use Errno qw(EINTR EAGAIN);
use Exporter qw(import);
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(sleep time);

use ScimTest::Base;
use ScimTest::Json qw($JSON);

our @EXPORT = qw(
    _timeout _build_request _headers_from_hash _connect open_request read_response
    send_raw scim_request http_request _exchange _describe_response _short
);

sub _timeout {
    my $b = $ScimTest::Base::BLOCK;
    my $t = $b && defined $b->{sec}{timeout} ? _value($b, 'timeout') : 10;
    $t =~ s/\s+//g;
    $t =~ s/s$//;
    return $t * $S{factor};
}

# [name, value] pairs in order; a value of undef suppresses a default.
sub _build_request {
    my ($method, $uri, $body, $headers, $proto, $no_auth) = @_;
    $proto ||= 'HTTP/1.1';
    my @h = @$headers;
    my %given = map { lc($_->[0]) => 1 } @h;
    unshift @h, ['Host', "localhost:$S{port}"] unless $given{host};
    push @h, ['Authorization', "Bearer $TOKEN"] unless $given{authorization} || $no_auth;
    my $len = defined $body ? length $body : 0;
    push @h, ['Content-Type', 'application/scim+json'] if $len && !$given{'content-type'};
    push @h, ['Content-Length', $len]
        if !$given{'content-length'} && !$given{'transfer-encoding'}
           && ($len || $method =~ /^(?:POST|PUT|PATCH)$/);
    push @h, ['Connection', 'close'] unless $given{connection};
    my $req = "$method $uri $proto\r\n";
    $req .= "$_->[0]: $_->[1]\r\n" for grep { defined $_->[1] } @h;
    $req .= "\r\n";
    $req .= $body if $len;
    return $req;
}

sub _headers_from_hash {
    my ($h) = @_;
    return [] unless $h;
    return [ map { [$_, $h->{$_}] } sort keys %$h ] if ref $h eq 'HASH';
    return [ map { [ $h->[2 * $_], $h->[2 * $_ + 1] ] } 0 .. $#$h / 2 ] if ref $h eq 'ARRAY';
    die "ScimTest: headers must be a hash or array reference\n";
}

sub _connect {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $S{port},
                                  Proto => 'tcp', Timeout => 5 * $S{factor});
    die "ScimTest: cannot connect to nginx on port $S{port}: $!\n" unless $s;
    $s->autoflush(1);
    return $s;
}

sub open_request {
    my (@args) = @_;
    my ($raw, $method);
    if (@args == 1) {
        $raw = $args[0];
        ($method) = $raw =~ /^(\S+)/;
    } else {
        my ($m, $uri, $body, $headers) = @args;
        $method = $m;
        $raw = _build_request($m, $uri, $body, _headers_from_hash($headers));
    }
    my $s = _connect();
    _send_all($s, $raw, 10 * $S{factor}) or die "ScimTest: cannot send the request: $!\n";
    ${*$s}{scimtest_method} = $method // 'GET';
    return $s;
}

# Reads one response. The socket is closed afterwards unless keep_open => 1;
# bytes of a following (pipelined) response are kept for the next call.
sub read_response {
    my ($sock, $method, $timeout, %opt) = @_;
    $method //= ${*$sock}{scimtest_method} // 'GET';
    $timeout //= _timeout();
    my $deadline = time + $timeout;
    my $sel = IO::Select->new($sock);
    my $buf = delete ${*$sock}{scimtest_buf} // '';
    my ($res, $hlen, $need, $chunked, $eof, $consumed);
    my $error;
    for (;;) {
        if (!defined $res) {
            my $i = index($buf, "\r\n\r\n");
            my $sep = 4;
            if ($i < 0) { $i = index($buf, "\n\n"); $sep = 2 }
            if ($i >= 0) {
                $res = _parse_head(substr($buf, 0, $i));
                if (!$res) { $error = 'malformed response head'; last }
                $hlen = $i + $sep;
                if ($res->{status} >= 100 && $res->{status} < 200) {   # 1xx: skip
                    substr($buf, 0, $hlen) = '';
                    undef $res;
                    next;
                }
                my $te = $res->{headers}{'transfer-encoding'} // '';
                if ($method eq 'HEAD' || $res->{status} == 204 || $res->{status} == 304) {
                    $need = 0;
                } elsif ($te =~ /chunked/i) {
                    $chunked = 1;
                } elsif (defined $res->{headers}{'content-length'}) {
                    $need = $res->{headers}{'content-length'};
                }
            }
        }
        if (defined $res) {
            my $body = substr($buf, $hlen);
            if (defined $need && length($body) >= $need) {
                $res->{body} = substr($body, 0, $need);
                $consumed = $hlen + $need;
                last;
            }
            if ($chunked) {
                my ($decoded, $used) = _dechunk($body);
                if (defined $decoded) { $res->{body} = $decoded; $consumed = $hlen + $used; last }
            }
            if ($eof) {
                if ($chunked || defined $need) {
                    $error = 'connection closed before the end of the body';
                }
                $res->{body} = $chunked ? ((_dechunk($body, 1))[0] // $body) : $body;
                last;
            }
        } elsif ($eof) {
            $error = length $buf ? 'connection closed inside the response head'
                                 : 'connection closed without a response';
            last;
        }
        my $left = $deadline - time;
        if ($left <= 0 || !$sel->can_read($left)) {
            $error = "no complete response within $timeout s";
            $res->{body} //= substr($buf, $hlen) if $res;
            last;
        }
        my $n = sysread($sock, my $chunk, 1 << 20);
        if (!defined $n) {
            next if $! == EINTR || $! == EAGAIN;
            $eof = 1;
            $error = "read error: $!";
            next;
        }
        if ($n == 0) { $eof = 1; next }
        $buf .= $chunk;
    }
    $consumed //= length $buf;
    if ($opt{keep_open}) {
        ${*$sock}{scimtest_buf} = substr($buf, $consumed);
    } else {
        close $sock;
    }
    $res ||= { status => undef, headers => {}, header_list => [], body => undef };
    $res->{error} = $error if $error;
    $res->{raw} = substr($buf, 0, $consumed);
    if (defined $res->{body} && length $res->{body}) {
        $res->{json} = eval { $JSON->decode($res->{body}) };
    }
    return $res;
}

sub _parse_head {
    my ($head) = @_;
    my @lines = split /\r?\n/, $head;
    my $status = shift @lines // return undef;
    $status =~ m{^HTTP/\d\.\d (\d{3})(?: (.*))?$} or return undef;
    my %res = (status => $1, reason => $2 // '', status_line => $status,
               headers => {}, header_list => []);
    for my $l (@lines) {
        my ($n, $v) = $l =~ /^([^:]+):\s*(.*?)\s*$/ or next;
        push @{ $res{header_list} }, [$n, $v];
        my $k = lc $n;
        $res{headers}{$k} = exists $res{headers}{$k} ? "$res{headers}{$k}, $v" : $v;
    }
    return \%res;
}

sub _dechunk {
    my ($data, $partial) = @_;
    my $out = '';
    my $pos = 0;
    for (;;) {
        my $i = index($data, "\r\n", $pos);
        return $partial ? $out : undef if $i < 0;
        my ($size) = substr($data, $pos, $i - $pos) =~ /^([0-9a-fA-F]+)/;
        return $partial ? $out : undef unless defined $size;
        $size = hex $size;
        $pos = $i + 2;
        if ($size == 0) {   # then optional trailers and an empty line
            my $end = substr($data, $pos, 2) eq "\r\n" ? $pos + 2
                    : do { my $t = index($data, "\r\n\r\n", $pos); $t < 0 ? -1 : $t + 4 };
            return ($out, $end) if $end >= 0;
            return $partial ? $out : undef;
        }
        return $partial ? $out . substr($data, $pos) : undef if length($data) < $pos + $size + 2;
        $out .= substr($data, $pos, $size);
        $pos += $size + 2;
    }
}

# Sends more bytes on a socket from open_request (keep-alive, slow bodies).
sub send_raw {
    my ($sock, $raw) = @_;
    return _send_all($sock, $raw, 10 * $S{factor});
}

sub scim_request {
    my ($method, $uri, $body, $headers) = @_;
    my $raw = _build_request($method, $uri, $body, _headers_from_hash($headers));
    return _exchange($raw, $method);
}

sub http_request { goto &scim_request }

sub _exchange {
    my ($raw, $method) = @_;
    my $s = eval { _connect() };
    return { status => undef, headers => {}, header_list => [], body => undef, error => "$@" }
        unless $s;
    if (!_send_all($s, $raw, 10 * $S{factor})) {
        # nginx may answer (e.g. 413) before reading everything
        my $r = read_response($s, $method, 5 * $S{factor});
        $r->{send_error} = "$!";
        return $r;
    }
    return read_response($s, $method);
}

sub _describe_response {
    my ($r) = @_;
    my $d = '';
    $d .= "error: $r->{error}\n" if $r->{error};
    if (defined $r->{status}) {
        $d .= "$r->{status_line}\n";
        $d .= "$_->[0]: $_->[1]\n" for @{ $r->{header_list} };
        my $body = $r->{body} // '';
        $body = substr($body, 0, 2000) . "... (" . length($body) . " bytes)" if length $body > 2000;
        $d .= "\n$body\n";
    }
    return $d;
}

sub _short { my ($s) = @_; length $s > 60 ? substr($s, 0, 57) . '...' : $s }
1;
