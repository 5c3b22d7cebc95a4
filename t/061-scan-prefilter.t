# The scan's text test (filter::mayMatch, src/filter_prefilter.cpp, run by
# the worker on the documents a scan batch sends) never drops a record the
# evaluator matches: generated users and generated filters, each answered
# once with the test (a plain scan filter) and once without it (the same
# filter `or` a term that matches nothing: an `or` has no required text,
# and the scan then reads whole records), and the two answers must name
# the same users. Some records are written straight into Redis in
# spellings the module never writes (names in other cases, whitespace
# around ':', a number where a string belongs) because the test reads raw
# text.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

# Fixed seed: a failure names its filter and can be rerun as is.
srand(20261204);

my @ALPHABET = ('a', 'b', 'x', 'X', 'B', 'e', 'E', '-', ' ', '4', '2', '"', '\\', "\x{e9}",
                'T', 't', '.', '@');

sub word {
    my ($max) = @_;
    return join '', map { $ALPHABET[ int rand @ALPHABET ] } 1 .. 1 + int rand $max;
}

sub enc {
    my $s = shift;
    utf8::encode($s);
    $s =~ s/([^A-Za-z0-9_.~-])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

sub seed_posted {
    my ($n) = @_;
    for my $i (1 .. $n) {
        my %u = (userName => "user$i-" . word(3), title => word(6), nickName => word(4),
                 externalId => word(4),
                 name => { familyName => word(5), givenName => word(5) },
                 emails => [ { value => word(4) . "\@ex.org", type => 'work' } ]);
        delete $u{title} if $i % 7 == 0;
        my $r = scim_request('POST', '/scim/v2/Users', JSON::PP->new->utf8->encode(\%u));
        die "seed: $r->{status} $r->{body}" unless $r->{status} == 201;
    }
}

# Documents as another writer might have spelled them.
sub seed_raw {
    my @docs = (
        '{"userName":"raw1","TITLE":"aXb"}',
        '{"userName":"raw2", "title" :  "be-42" ,"name":{"FamilyName":"Xe"}}',
        '{"userName":"raw3","title":42}',
        '{"userName":"raw4","Title":"tx","title":"b"}',
        '{"userName":"raw5","nickName":"a\u0058b","title":"a\\"x"}',
        '{"userName":"raw6","emails":[{"Value":"E@ex.org"},{"value":"b"}]}',
        "{\"userName\":\"raw7\",\n\t\"title\"\t:\n\"x-x\"}",
    );
    my $seq = redis_cmd('GET', 'scim:{default}:seq') // 0;
    for my $i (0 .. $#docs) {
        my $id = sprintf 'raw00000-0000-4000-8000-%012d', $i;
        $seq++;
        redis_cmd('HSET', "scim:{default}:user:$id", 'id', $id, 'doc', $docs[$i],
                  'version', 1, 'created', '2026-01-01T00:00:00.000Z',
                  'lastModified', '2026-01-01T00:00:00.000Z', 'seq', $seq);
        redis_cmd('ZADD', 'scim:{default}:users', $seq, $id);
    }
    redis_cmd('SET', 'scim:{default}:seq', $seq);
}

sub ids_of {
    my ($filter) = @_;
    my $r = scim_request('GET', '/scim/v2/Users?count=1000&attributes=id&filter=' . enc($filter));
    return ("status $r->{status}: $r->{body}") unless $r->{status} == 200;
    return join ',', sort map { $_->{id} } @{ $r->{json}{Resources} || [] };
}

my @PATHS = ('title', 'nickName', 'name.familyName', 'name.givenName', 'externalId',
             'emails', 'emails.value', 'userName');
my @OPS = ('co', 'sw', 'ew', 'eq');

# A literal: mostly short and plain, sometimes with what turns the test off.
sub literal {
    my $s = word(3);
    $s =~ s/(["\\])/\\$1/g;  # a filter string is JSON-escaped
    return $s;
}

sub comparison {
    my $path = $PATHS[ int rand @PATHS ];
    my $op = $OPS[ int rand @OPS ];
    # These take an index (eq, and sw on userName and e-mails), not a scan;
    # the raw records are in no index.
    $op = (rand() < 0.5 ? 'co' : 'ew') if $op =~ /eq|sw/ && $path =~ /^(userName|emails|externalId)/;
    return qq($path $op ") . literal() . '"';
}

run_blocks();

__DATA__

=== TEST 1: with and without the text test, the same users
--- perl
main::seed_posted(60);
main::seed_raw();
my ($found, $compared) = (0, 0);
my @fixed = ('title co "x"', 'title co "X"', 'title co "-42"', 'title eq "b"', 'title co "42"',
             'name.familyName co "x"', 'emails co "e@"', 'emails.value co "E"',
             'nickName co "aXb"', 'title co "t" and nickName co "a"', 'title ew "x"');
my @filters = (@fixed, map { rand() < 0.3 ? main::comparison() . ' and ' . main::comparison()
                                          : main::comparison() } 1 .. 150);
for my $f (@filters) {
    my $with = main::ids_of($f);
    my $without = main::ids_of("($f) or id eq \"none\"");
    $compared++;
    $found++ if length $with && $with !~ /^status/;
    is($with, $without, "same users for: $f") or last;
}
ok($found >= 20, "$found of $compared filters matched someone (the data is not trivially empty)");
like(main::ids_of('title co "x"'), qr/raw00000-0000-4000-8000-000000000000/,
     'a name in capitals still matches (names are case-insensitive)');
like(main::ids_of('title co "x"'), qr/raw00000-0000-4000-8000-000000000006/,
     'whitespace around the colon');
