package ScimTest::Json;

# JSON for the harness: the subset matcher of --- response_json and
# `=> json {...}` (objects key by key, arrays element by element, scalars by
# JSON type and value, "__ANY__", "__ABSENT__", "/regex/"), and the dotted
# path look-up of `=> json PATH` and `=> save NAME = json PATH`.

use strict;
use warnings;

use B ();
use Exporter qw(import);
use JSON::PP ();
use Test::More ();

our @EXPORT = qw($JSON _json_type _show json_subset_errors json_subset_ok _json_path);

our $JSON = JSON::PP->new->utf8->allow_nonref->canonical;

sub _json_type {
    my ($v) = @_;
    return 'null' unless defined $v;
    my $r = ref $v;
    return 'boolean' if $r && ($r eq 'JSON::PP::Boolean' || $r =~ /Boolean/);
    return 'object' if $r eq 'HASH';
    return 'array' if $r eq 'ARRAY';
    my $f = B::svref_2object(\$v)->FLAGS;
    return 'number' if ($f & (B::SVp_IOK() | B::SVp_NOK())) && !($f & B::SVp_POK());
    return 'string';
}

sub _show { my ($v) = @_; my $s = eval { $JSON->encode($v) } // "$v"; length $s > 200 ? substr($s, 0, 200) . '...' : $s }

sub json_subset_errors {
    my ($got, $exp, $path) = @_;
    $path //= '';
    my $where = $path eq '' ? '(top)' : $path;
    my $et = _json_type($exp);
    if ($et eq 'string') {
        return () if $exp eq '__ANY__';
        if ($exp =~ m{^/(.*)/$}s && length $exp >= 2) {
            my $re = $1;
            my $gt = _json_type($got);
            return ("$where: expected a scalar matching /$re/, got " . _show($got))
                unless $gt eq 'string' || $gt eq 'number';
            return $got =~ /$re/ ? () : ("$where: " . _show($got) . " does not match /$re/");
        }
    }
    my $gt = _json_type($got);
    if ($et ne $gt) {
        return ("$where: expected $et " . _show($exp) . ", got $gt " . _show($got));
    }
    if ($et eq 'object') {
        my @e;
        for my $k (sort keys %$exp) {
            my $sub = $path eq '' ? $k : "$path.$k";
            my $ev = $exp->{$k};   # a copy: comparing must not turn a number into a string
            if (_json_type($ev) eq 'string' && $ev eq '__ABSENT__') {
                push @e, "$sub: expected absent, got " . _show($got->{$k}) if exists $got->{$k};
                next;
            }
            if (!exists $got->{$k}) {
                push @e, "$sub: missing (expected " . _show($exp->{$k}) . ")";
                next;
            }
            push @e, json_subset_errors($got->{$k}, $exp->{$k}, $sub);
        }
        return @e;
    }
    if ($et eq 'array') {
        return ("$where: expected " . @$exp . " elements, got " . @$got . ": " . _show($got))
            if @$exp != @$got;
        return map { json_subset_errors($got->[$_], $exp->[$_], "$path\[$_]") } 0 .. $#$exp;
    }
    return () if $et eq 'null';
    if ($et eq 'boolean') {
        return (($exp ? 1 : 0) == ($got ? 1 : 0)) ? () : ("$where: expected " . _show($exp) . ", got " . _show($got));
    }
    if ($et eq 'number') {
        return $exp == $got ? () : ("$where: expected $exp, got $got");
    }
    return $exp eq $got ? () : ("$where: expected " . _show($exp) . ", got " . _show($got));
}

sub json_subset_ok {
    my ($got, $exp, $name) = @_;
    $exp = $JSON->decode($exp) unless ref $exp;
    my @e = json_subset_errors($got, $exp);
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::ok(!@e, $name) or Test::More::diag(join "\n", @e);
    return !@e;
}

# JSON path lookup: returns (found, value).
sub _json_path {
    my ($v, $path) = @_;
    return (1, $v) if $path eq '' || $path eq '.';
    if (ref $v eq 'HASH') {
        my @keys = sort { length $b <=> length $a } grep { $path eq $_ || index($path, "$_.") == 0 } keys %$v;
        for my $k (@keys) {
            my $rest = $path eq $k ? '' : substr($path, length($k) + 1);
            my @r = _json_path($v->{$k}, $rest);
            return @r if $r[0];
        }
        return (0);
    }
    if (ref $v eq 'ARRAY') {
        my ($i, $rest) = $path =~ /^(\d+)(?:\.(.*))?$/ or return (0);
        return (0) if $i > $#$v;
        return _json_path($v->[$i], $rest // '');
    }
    return (0);
}
1;
