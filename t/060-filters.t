# Filters (RFC 7644 §3.4.2.2), sorting, paging, cursors, projection and
# .search against a real store: every operator, the RFC's example filters,
# the indexed fast paths and the scan fallback.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;
use ScimTest::RedisMonitor;

our $ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

# Four users, created in this order (creation order is the list order).
sub seed {
    my @users = (
        { userName => 'bjensen@example.com', externalId => 'E1', title => 'Tour Guide',
          userType => 'Employee', active => JSON::PP::true(),
          name => { familyName => 'Jensen', givenName => 'Barbara' },
          emails => [ { value => 'bjensen@example.com', type => 'work', primary => JSON::PP::true() },
                      { value => 'babs@jensen.org', type => 'home' } ],
          $ENTERPRISE => { employeeNumber => '701984', costCenter => '4130' } },
        { userName => 'JSmith@Example.ORG', externalId => 'E2', userType => 'Intern',
          active => JSON::PP::false(), name => { familyName => "O'Malley", givenName => 'John' },
          emails => [ { value => 'john@example.org', type => 'work' } ] },
        { userName => 'alice', externalId => 'e1', userType => 'Employee',
          emails => [ { value => 'alice@foo.com', type => 'work' } ],
          ims => [ { value => 'alice@foo.com', type => 'xmpp' } ] },
        { userName => 'zed', userType => 'Contractor', nickName => 'Z', title => 'Engineer' },
    );
    my @ids;
    for my $u (@users) {
        my $r = scim_request('POST', '/scim/v2/Users', JSON::PP->new->encode($u));
        die "seed: $r->{status} $r->{body}" unless $r->{status} == 201;
        push @ids, $r->{json}{id};
    }
    return @ids;
}

sub enc {
    my $s = shift;
    $s =~ s/([^A-Za-z0-9_.~-])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

sub list {
    my ($query) = @_;
    return scim_request('GET', "/scim/v2/Users?$query");
}

sub names {
    my $r = shift;
    return join ',', map { $_->{userName} } @{ $r->{json}{Resources} || [] };
}

# $label names the assertions (default: the filter; a case's name says it).
sub filter_is {
    my ($filter, $expected, $label) = @_;
    $label //= $filter;
    my $r = list('filter=' . enc($filter));
    is($r->{status}, 200, "status of $label") or diag $r->{body};
    is(names($r), $expected, "userNames of $label");
    is($r->{json}{totalResults}, scalar(grep { length } split /,/, $expected), "total of $label");
}

run_blocks();

__DATA__

=== TEST 1: every operator, the RFC's example filters, case rules
--- init
my @ids = main::seed();
%main::ID = (alice => $ids[2]);
--- cases
# filter ({{alice}} is alice's id)    => the userNames found, in list order
userName eq "BJENSEN@example.com"     => bjensen@example.com
USERNAME EQ "zed"                     => zed
externalId eq "E1"                    => bjensen@example.com
externalId eq "e1"                    => alice
id eq "{{alice}}"                     => alice
id eq "no-such-id"                    =>
name.familyName co "O'Malley"         => JSmith@Example.ORG
userName sw "J"                       => JSmith@Example.ORG
urn:ietf:params:scim:schemas:core:2.0:User:userName sw "j" => JSmith@Example.ORG
nickName ew "z"                       => zed
title pr                              => bjensen@example.com,zed
title pr and userType eq "Employee"   => bjensen@example.com
title pr or userType eq "Intern"      => bjensen@example.com,JSmith@Example.ORG,zed
userType eq "Employee" and (emails co "example.com" or emails.value co "example.org") => bjensen@example.com
userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org") => zed
userType eq "Employee" and (emails.type eq "work") => bjensen@example.com,alice
userType eq "Employee" and emails[type eq "work" and value co "@example.com"] => bjensen@example.com
emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"] => bjensen@example.com,alice
emails[type eq "work"].value eq "john@example.org" => JSmith@Example.ORG
emails[type eq "home"].value eq "john@example.org" =>
emails.value eq "BABS@jensen.org"     => bjensen@example.com
emails eq "alice@foo.com"             => alice
active eq false                       => JSmith@Example.ORG
active eq true                        => bjensen@example.com
urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984" => bjensen@example.com
urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter gt "4000" => bjensen@example.com
userName gt "b" and userName lt "k"   => bjensen@example.com,JSmith@Example.ORG
userName ge "zed"                     => zed
userName le "alice"                   => alice
meta.created gt "2000-01-01T00:00:00Z" => bjensen@example.com,JSmith@Example.ORG,alice,zed
meta.lastModified lt "2000-01-01T00:00:00+02:00" =>
meta.resourceType eq "User" and userName sw "a" => alice
noSuchAttribute eq "x"                =>
not (noSuchAttribute eq "x") and userName eq "zed" => zed
schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User" => bjensen@example.com
--- case
(my $filter = $main::case) =~ s/\{\{(\w+)\}\}/$main::ID{$1}/g;
main::filter_is($filter, $main::expect, 'the filter');



=== TEST 2: incremental sync on meta.lastModified uses the time index
--- perl
my @ids = main::seed();
my $r = scim_request('GET', "/scim/v2/Users/$ids[3]");
my $mark = $r->{json}{meta}{lastModified};
select undef, undef, undef, 0.01;
my $p = scim_request('PUT', "/scim/v2/Users/$ids[1]",
    '{"userName":"JSmith@Example.ORG","title":"Changed"}');
is($p->{status}, 200, 'replaced');
main::filter_is(qq(meta.lastModified gt "$mark"), 'JSmith@Example.ORG');
main::filter_is(qq(meta.lastModified ge "$mark"), 'JSmith@Example.ORG,zed');
main::filter_is(qq(meta.created le "$mark"), 'bjensen@example.com,JSmith@Example.ORG,alice,zed');



=== TEST 3: filter errors are 400 invalidFilter with a detail that says where
--- http_config
    scim_max_filter_length 200;
--- perl
for my $case (['userName eq', qr/offset 11/], ['userName xx "a"', qr/operator/],
              ['(userName eq "a"', qr/\)/], ['userName eq "a" garbage', qr/offset/],
              ['emails[type eq "work"', qr/\]/], ['active gt true', qr/./],
              ['userName eq "' . ('x' x 250) . '"', qr/200/]) {
    my $r = main::list('filter=' . main::enc($case->[0]));
    is($r->{status}, 400, "400 for $case->[0]");
    is($r->{json}{scimType}, 'invalidFilter', "invalidFilter for $case->[0]");
    is($r->{json}{status}, '400', 'status is a string');
    like($r->{json}{detail}, $case->[1], "detail for $case->[0]");
    like($r->{headers}{'content-type'}, qr{^application/scim\+json}, 'scim content type');
}
my $deep = main::list('filter=' . main::enc(('(' x 40) . 'userName eq "a"' . (')' x 40)));
is($deep->{status}, 400, 'too deep');
like($deep->{json}{detail}, qr/32/, 'the depth limit is named');



=== TEST 4: sorting by index and in memory, and its bound
--- http_config
    scim_max_sort_results 3;
--- perl
main::seed();
is(main::names(main::list('sortBy=userName')), 'alice,bjensen@example.com,JSmith@Example.ORG,zed',
   'userName ascending, case-insensitively');
is(main::names(main::list('sortBy=userName&sortOrder=descending')),
   'zed,JSmith@Example.ORG,bjensen@example.com,alice', 'userName descending');
is(main::names(main::list('sortBy=meta.created&sortOrder=descending&count=2')),
   'zed,alice', 'meta.created descending');
is(main::names(main::list('filter=' . main::enc('title pr or userType eq "Intern"') . '&sortBy=title')),
   'zed,bjensen@example.com,JSmith@Example.ORG', 'title ascending, missing last');
my $r = main::list('sortBy=title');
is($r->{status}, 400, 'more than scim_max_sort_results to sort in memory');
is($r->{json}{scimType}, 'tooMany', 'tooMany');
like($r->{json}{detail}, qr/3/, 'the bound is named');
is(main::list('sortBy=nope')->{status}, 400, 'unknown sortBy');



=== TEST 5: index paging edges
--- perl
main::seed();
my $r = main::list('startIndex=1&count=2');
is(main::names($r), 'bjensen@example.com,JSmith@Example.ORG', 'first page');
is_deeply([@{$r->{json}}{qw(totalResults itemsPerPage startIndex)}], [4, 2, 1], 'integers');
ok(!ref $r->{json}{totalResults} && $r->{body} =~ /"totalResults":4[,}]/, 'totalResults is a JSON integer');
is(main::names(main::list('startIndex=4&count=2')), 'zed', 'last partial page');
$r = main::list('startIndex=9&count=2');
is_deeply([$r->{json}{totalResults}, $r->{json}{itemsPerPage}, scalar @{$r->{json}{Resources}}], [4, 0, 0], 'beyond the end');
$r = main::list('count=0');
is_deeply([$r->{json}{totalResults}, $r->{json}{itemsPerPage}], [4, 0], 'count=0 gives only the total');
is(main::names(main::list('startIndex=0&count=1')), 'bjensen@example.com', 'startIndex below 1 counts as 1');
$r = main::list('filter=' . main::enc('userType eq "Employee"') . '&startIndex=2&count=1');
is(main::names($r), 'alice', 'filtered page');
is($r->{json}{totalResults}, 2, 'filtered total');



=== TEST 6: cursor paging (RFC 9865), stable while others write
--- perl
main::seed();
my $r = main::list('cursor=&count=3');
is(main::names($r), 'bjensen@example.com,JSmith@Example.ORG,alice', 'first cursor page');
ok($r->{json}{nextCursor}, 'nextCursor');
ok(!exists $r->{json}{previousCursor}, 'no previousCursor on the first page');
ok(!exists $r->{json}{startIndex}, 'no startIndex with cursors');
my $next = $r->{json}{nextCursor};
my $c = scim_request('POST', '/scim/v2/Users', '{"userName":"late@example.com"}');
is($c->{status}, 201, 'a user created while paging');
$r = main::list("cursor=$next&count=3");
is(main::names($r), 'zed,late@example.com', 'second page: nothing skipped, the new user at the end');
ok(!exists $r->{json}{nextCursor}, 'no nextCursor on the last page');
ok($r->{json}{previousCursor}, 'previousCursor');
$r = main::list("cursor=$r->{json}{previousCursor}&count=2");
is(main::names($r), 'JSmith@Example.ORG,alice', 'previous page');
$r = main::list('cursor=' . main::enc('userName eq') . '&count=2');
is($r->{status}, 400, 'bad cursor');
is($r->{json}{scimType}, 'invalidCursor', 'invalidCursor');
$r = main::list('filter=' . main::enc('userType eq "Employee"') . '&cursor=&count=1');
is(main::names($r), 'bjensen@example.com', 'filtered cursor page');
$r = main::list('filter=' . main::enc('userType eq "Employee"') . "&cursor=$r->{json}{nextCursor}&count=1");
is(main::names($r), 'alice', 'filtered next page');
my $spc = scim_request('GET', '/scim/v2/ServiceProviderConfig');
is($spc->{json}{pagination}{cursor}, JSON::PP::true(), 'SPC advertises cursors');
is($spc->{json}{filter}{supported}, JSON::PP::true(), 'SPC advertises filters');
is($spc->{json}{sort}{supported}, JSON::PP::true(), 'SPC advertises sorting');



=== TEST 7: projection and POST /Users/.search
--- perl
main::seed();
my $r = main::list('filter=' . main::enc('userName eq "bjensen@example.com"') . '&attributes=userName,name.givenName');
my $u = $r->{json}{Resources}[0];
is_deeply([sort keys %$u], [qw(id name schemas userName)], 'only what was asked, plus id and schemas');
is_deeply($u->{name}, {givenName => 'Barbara'}, 'sub-attribute projection');
$r = main::list('filter=' . main::enc('userName eq "bjensen@example.com"') . '&excludedAttributes=emails,' . $main::ENTERPRISE);
$u = $r->{json}{Resources}[0];
ok(!exists $u->{emails} && !exists $u->{$main::ENTERPRISE} && exists $u->{userName}, 'excludedAttributes');
$r = scim_request('POST', '/scim/v2/Users/.search', JSON::PP->new->encode({
    schemas => ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
    filter => 'userType eq "Employee"', attributes => ['userName'], sortBy => 'userName',
    sortOrder => 'descending', startIndex => 1, count => 10 }));
is($r->{status}, 200, '.search');
is(main::names($r), 'bjensen@example.com,alice', '.search filter and sort');
is_deeply([sort keys %{$r->{json}{Resources}[0]}], [qw(id schemas userName)], '.search projection');
$r = scim_request('POST', '/scim/v2/Users/.search', '{"filter":"userName eq"}');
is($r->{json}{scimType}, 'invalidFilter', '.search filter error');



=== TEST 8: groups: displayName, members filters, and root /.search
--- perl
my @ids = main::seed();
my %g;
for my $spec (['Admins', [@ids[0, 1]]], ['Users', [@ids[1, 2, 3]]], ['Auditors', []]) {
    my ($name, $members) = @$spec;
    my $r = scim_request('POST', '/scim/v2/Groups', JSON::PP->new->encode({
        schemas => ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName => $name,
        members => [map { { value => $_ } } @$members] }));
    is($r->{status}, 201, "group $name") or diag $r->{body};
    $g{$name} = $r->{json}{id};
}
my $groups = sub {
    my $r = scim_request('GET', '/scim/v2/Groups?excludedAttributes=members&filter=' . main::enc(shift));
    is($r->{status}, 200, 'group query') or diag $r->{body};
    return join ',', map { $_->{displayName} } @{ $r->{json}{Resources} || [] };
};
is($groups->('displayName eq "ADMINS"'), 'Admins', 'displayName eq, case-insensitive');
is($groups->('displayName sw "a"'), 'Admins,Auditors', 'displayName sw');
is($groups->(qq(members eq "$ids[1]")), 'Admins,Users', 'members eq');
is($groups->(qq(members.value eq "$ids[3]")), 'Users', 'members.value eq');
is($groups->(qq(id eq "$g{Admins}" and members eq "$ids[0]")), 'Admins', 'Entra membership check');
is($groups->(qq(id eq "$g{Users}" and members eq "$ids[0]")), '', 'not a member');
is($groups->(qq(not (members eq "$ids[1]"))), 'Auditors', 'not members eq (scan)');
is($groups->(qq(displayName co "s" and members[value eq "$ids[2]"])), 'Users', 'value path on members');
my $r = scim_request('POST', '/scim/v2/.search', JSON::PP->new->encode({
    schemas => ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
    filter => 'userName sw "a" or displayName sw "a"', startIndex => 1, count => 10,
    attributes => ['userName', 'displayName'] }));
is($r->{status}, 200, 'root .search');
is($r->{json}{totalResults}, 3, 'users and groups counted');
is(join(',', map { $_->{meta} ? 'meta' : ($_->{userName} // $_->{displayName}) } @{$r->{json}{Resources}}),
   'alice,Admins,Auditors', 'users first, then groups');
$r = scim_request('POST', '/scim/v2/.search', '{"filter":"displayName sw \"a\"","startIndex":2,"count":1}');
is($r->{json}{Resources}[0]{displayName}, 'Auditors', 'a page that starts inside the groups');
is($r->{json}{Resources}[0]{meta}{resourceType}, 'Group', 'meta.resourceType tells them apart');



=== TEST 9: `userName eq` without a script: users:by-name's HGET, then the record's HMGET; an unknown name is the HGET alone
--- perl
my @ids = main::seed();
# The commands a list request sends, or undef on a cluster (no MONITOR).
my $sent = sub {
    my ($filter) = @_;
    my $watch = redis_monitor();
    my $r = scim_request('GET', '/scim/v2/Users?filter=' . main::enc($filter));
    return ($r, $watch ? [grep { /^(EVALSHA|EVAL|HGET|HMGET)$/ } $watch->commands] : undef);
};
my ($r, $cmds) = $sent->('userName eq "JSMITH@example.org"');
is($r->{status}, 200, 'found');
is($r->{json}{totalResults}, 1, 'one user');
is($r->{json}{Resources}[0]{id}, $ids[1], 'the one named');
is($r->{json}{Resources}[0]{userName}, 'JSmith@Example.ORG', 'as stored');
is($r->{json}{Resources}[0]{meta}{version}, 'W/"1"', 'its version');
my ($none, $none_cmds) = $sent->('userName eq "nobody@example.org"');
is($none->{json}{totalResults}, 0, 'an unknown name: none');
is_deeply($none->{json}{Resources} // [], [], 'no resources');
my ($and, $and_cmds) = $sent->('userName eq "alice" and userType eq "Contractor"');
is($and->{json}{totalResults}, 0, 'the rest of an `and` is still evaluated');
SKIP: {
    skip 'no MONITOR on a cluster', 3 unless $cmds;
    is_deeply($cmds, ['HGET', 'HMGET'], 'two plain reads');
    is_deeply($none_cmds, ['HGET'], 'the HGET alone');
    is_deeply($and_cmds, ['HGET', 'HMGET'], 'an `and` probes the name the same way');
}
# A users:by-name entry whose user is gone (deleted in between): no answer.
redis_cmd('HSET', 'scim:{default}:users:by-name', 'ghost', 'no-such-id');
is(scim_request('GET', '/scim/v2/Users?filter=' . main::enc('userName eq "ghost"'))->{json}{totalResults},
   0, 'an entry without its user: none');
--- no_error_log
[error]
