package ScimTest::Steps;

# The steps DSL (--- steps: several requests with `=>` expectations and
# saved values, see ScimTest.pm) and the response checks it shares with the
# block runner: headers exact and like, JSON subset.

use strict;
use warnings;

use Exporter qw(import);
use Test::More ();
use Time::HiRes qw(sleep);

use ScimTest::Base;
use ScimTest::Http qw(_build_request _exchange _describe_response _short);
use ScimTest::Json;
use ScimTest::Nginx qw(_diag_log);

our @EXPORT = qw(_check_headers_exact _check_headers_like _check_json _run_steps);

sub _check_headers_exact {
    my ($r, $spec, $label) = @_;
    my $fails = 0;
    for my $line (split /\n/, $spec) {
        next if $line =~ /^\s*$/;
        $line =~ s/^\s+|\s+$//g;
        if ($line =~ /^!\s*(\S+)$/) {
            my $n = $1;
            $fails += !_ok(!exists $r->{headers}{ lc $n }, "$label header $n absent",
                           "  got $n: " . ($r->{headers}{ lc $n } // '') . "\n");
            next;
        }
        my ($n, $v) = $line =~ /^([^:]+?)\s*:\s*(.*)$/ or die "ScimTest: bad header line '$line'\n";
        my $got = $r->{headers}{ lc $n };
        $fails += !_ok(defined $got && $got eq $v, "$label header $n",
                       "  expected: $v\n  got:      " . ($got // '(absent)') . "\n");
    }
    return $fails;
}

sub _check_headers_like {
    my ($r, $spec, $label) = @_;
    my $fails = 0;
    for my $line (split /\n/, $spec) {
        next if $line =~ /^\s*$/;
        $line =~ s/^\s+|\s+$//g;
        my ($n, $re) = $line =~ /^([^:]+?)\s*:\s*(.*)$/ or die "ScimTest: bad header line '$line'\n";
        my $got = $r->{headers}{ lc $n };
        $fails += !_ok(!!(defined $got && $got =~ /$re/), "$label header $n like /$re/",
                       "  got: " . ($got // '(absent)') . "\n");
    }
    return $fails;
}

sub _check_json {
    my ($r, $exp_text, $label) = @_;
    my $exp = eval { $JSON->decode($exp_text) };
    die "ScimTest: expected JSON does not parse: $@  in: $exp_text\n" unless defined $exp || $exp_text =~ /^\s*null\s*$/;
    if (!defined $r->{json}) {
        return !_ok(0, "$label JSON body", "  the response body is not JSON\n");
    }
    my @e = json_subset_errors($r->{json}, $exp);
    return !_ok(!@e, "$label JSON body", map { "  $_\n" } @e);
}

sub _parse_steps {
    my ($text) = @_;
    my @steps;
    my @chunks = split /^---[ \t]*$/m, $text;
    for my $chunk (@chunks) {
        my @lines = split /\n/, $chunk;
        shift @lines while @lines && ($lines[0] =~ /^\s*$/ || $lines[0] =~ /^\s*#/);
        next unless @lines;
        my $reqline = shift @lines;
        $reqline =~ s/^\s+|\s+$//g;
        my ($method, $uri, $proto) = $reqline =~ m{^([A-Z]+)\s+(\S+)(?:\s+(HTTP/\d\.\d))?$}
            or die "ScimTest: bad step request line '$reqline'\n";
        my (@headers, @body, @expect);
        while (@lines && $lines[0] =~ /^>\s?(.*)$/) {
            my $h = $1;
            shift @lines;
            if ($h =~ /^!\s*(\S+)\s*$/) { push @headers, [$1, undef]; next }
            my ($n, $v) = $h =~ /^([^:]+?)\s*:\s?(.*)$/ or die "ScimTest: bad step header '$h'\n";
            push @headers, [$n, $v];
        }
        while (@lines && $lines[0] !~ /^=>/) { push @body, shift @lines }
        pop @body while @body && $body[-1] =~ /^\s*$/;
        for my $l (@lines) {
            next if $l =~ /^\s*$/ || $l =~ /^\s*#/;
            $l =~ /^=>\s*(.*?)\s*$/ or die "ScimTest: unexpected line in step '$reqline': '$l'\n";
            push @expect, $1;
        }
        push @steps, { method => $method, uri => $uri, proto => $proto, headers => \@headers,
                       body => @body ? join("\n", @body) : undef, expect => \@expect,
                       line => $reqline };
    }
    return @steps;
}

sub _subst_vars {
    my ($text, $vars) = @_;
    return $text unless defined $text;
    $text =~ s/\{\{(\w+)\}\}/exists $vars->{$1} ? $vars->{$1} : die "ScimTest: {{$1}} is not saved yet\n"/ge;
    return $text;
}

sub _run_steps {
    my ($b) = @_;
    my @steps = _parse_steps(_value($b, 'steps'));
    my %vars;
    my $n = 0;
    for my $st (@steps) {
        $n++;
        my ($method, $uri, $body, @headers);
        eval {
            $uri = _subst_vars($st->{uri}, \%vars);
            $body = _subst_vars($st->{body}, \%vars);
            @headers = map { [ $_->[0], _subst_vars($_->[1], \%vars) ] } @{ $st->{headers} };
            1;
        } or do { _ok(0, "step $n: $st->{line}", "  $@"); return };
        $method = $st->{method};
        my $raw = _build_request($method, $uri, $body, \@headers, $st->{proto},
                                 exists $b->{sec}{no_auth});
        my $r = _exchange($raw, $method);
        my $label = "step $n ($method " . _short($uri) . "):";
        my $fails = 0;
        if (!defined $r->{status}) {
            _ok(0, "$label response received", "  " . ($r->{error} // 'no response') . "\n");
            _diag_log();
            return;
        }
        for my $e (@{ $st->{expect} }) {
            my $x = eval { _subst_vars($e, \%vars) };
            if (!defined $x) { $fails += !_ok(0, "$label $e", "  $@"); next }
            my $res = eval { _step_expect($r, $x, $label, \%vars) };
            if (!defined $res) { $fails += !_ok(0, "$label $x", "  $@"); next }
            $fails += $res;
        }
        if ($fails) {
            Test::More::diag("request:\n$method $uri\n" . ($body // '') . "\nresponse:\n"
                             . _describe_response($r));
            _diag_log();
        }
    }
}

# Returns the number of failed checks; dies on a malformed expectation.
sub _step_expect {
    my ($r, $x, $label, $vars) = @_;
    if ($x =~ /^(\d{3})$/) {
        return !_ok($r->{status} eq $1, "$label status $1", "  got $r->{status}\n");
    }
    if ($x =~ /^header\s+(.*)$/) {
        my $h = $1;
        if ($h =~ /^!\s*(\S+)$/) {
            return _check_headers_exact($r, "!$1", $label);
        }
        if ($h =~ /^(\S+)\s+(like|unlike)\s+(.*)$/ && $1 !~ /:$/) {
            my ($n, $op, $re) = ($1, $2, $3);
            my $got = $r->{headers}{ lc $n };
            my $ok = defined $got && ($op eq 'like' ? $got =~ /$re/ : $got !~ /$re/);
            return !_ok($ok, "$label header $n $op /$re/", "  got: " . ($got // '(absent)') . "\n");
        }
        return _check_headers_exact($r, $h, $label);
    }
    if ($x =~ /^json\s+([\[{].*)$/s) {
        return _check_json($r, $1, $label);
    }
    if ($x =~ /^json\s+(\S+)\s+(==|!=|like|unlike)\s+(.*)$/ || $x =~ /^json\s+(\S+)\s+(absent|present)$/) {
        my ($path, $op, $want) = ($1, $2, $3);
        return !_ok(0, "$label json $path", "  the response body is not JSON\n") unless defined $r->{json};
        my ($found, $v) = _json_path($r->{json}, $path);
        return !_ok(!$found, "$label json $path absent", "  got " . _show($v) . "\n") if $op eq 'absent';
        return !_ok($found, "$label json $path present") if $op eq 'present';
        my $got = !$found ? undef : ref $v ? _show($v) : $v;
        my $ok = defined $got && ($op eq '==' ? $got eq $want : $op eq '!=' ? $got ne $want
                                  : $op eq 'like' ? $got =~ /$want/ : $got !~ /$want/);
        return !_ok($ok, "$label json $path $op $want", "  got: " . ($found ? _show($v) : '(absent)') . "\n");
    }
    if ($x =~ /^body\s+(is|like|unlike)\s?(.*)$/s || $x =~ /^body\s+(empty)$/) {
        my ($op, $arg) = ($1, $2);
        my $got = $r->{body} // '';
        my $ok = $op eq 'is' ? $got eq $arg : $op eq 'empty' ? $got eq ''
               : $op eq 'like' ? $got =~ /$arg/s : $got !~ /$arg/s;
        return !_ok($ok, "$label body $op" . ($op eq 'empty' ? '' : " $arg"), "  got: " . _show_text($got) . "\n");
    }
    if ($x =~ /^perl\s+(.*)$/s) {
        my $code = $1;
        no warnings 'once';
        local $main::r = $r;
        my $v = eval { _eval_perl("our \$r; $code", 'steps perl') };
        die "perl expectation failed to run: $@" if $@;
        return !_ok($v, "$label perl $code");
    }
    if ($x =~ /^sleep\s+([\d.]+)$/) {
        sleep $1;
        return 0;
    }
    if ($x =~ /^save\s+(\w+)\s*=\s*(.*)$/) {
        my ($name, $src) = ($1, $2);
        my $v;
        if ($src =~ /^json\s+(\S+)$/) {
            my $found;
            ($found, $v) = defined $r->{json} ? _json_path($r->{json}, $1) : (0);
            return !_ok(0, "$label save $name = $src", "  not found in the response\n") unless $found;
            $v = _show($v) if ref $v;
        } elsif ($src =~ /^header\s+(\S+)$/) {
            $v = $r->{headers}{ lc $1 };
            return !_ok(0, "$label save $name = $src", "  the header is absent\n") unless defined $v;
        } elsif ($src eq 'body') {
            $v = $r->{body} // '';
        } elsif ($src eq 'status') {
            $v = $r->{status};
        } else {
            die "ScimTest: bad save source '$src'\n";
        }
        $vars->{$name} = $v;
        return 0;
    }
    die "ScimTest: unknown expectation '=> $x'\n";
}
1;
