# What Microsoft's reference SCIM client sends (docs/idp-quirks.md):
# unquoted filter values, value filters in `attributes`, and a member's
# `displayName`. Adding a member that does not exist stays a 400.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;
use POSIX qw(strftime);

sub enc {
    my $s = shift;
    $s =~ s/([^A-Za-z0-9_.~-])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

sub seed {
    my @ids;
    for my $u (
        { userName => 'OEmployee', name => { familyName => 'Employee' },
          emails => [ { value => 'o@example.com', type => 'work' },
                      { value => 'o@home.example', type => 'home' } ] },
        { userName => 'Other', name => { familyName => 'Employee' },
          emails => [ { value => 'x@example.net', type => 'work' } ] },
        { userName => 'zed', name => { familyName => 'Zed' },
          emails => [ { value => 'z@example.org', type => 'work' } ] },
    ) {
        my $r = scim_request('POST', '/scim/v2/Users', JSON::PP->new->encode($u));
        die "seed: $r->{status} $r->{body}" unless $r->{status} == 201;
        push @ids, $r->{json}{id};
    }
    return @ids;
}

sub names_for {
    my ($filter) = @_;
    my $r = scim_request('GET', '/scim/v2/Users?filter=' . enc($filter));
    is($r->{status}, 200, "200 for $filter") or diag $r->{body};
    return join ',', map { $_->{userName} } @{ $r->{json}{Resources} || [] };
}

run_blocks();

__DATA__

=== TEST 1: unquoted filter values are strings; an unquoted date-time compares as one
--- perl
main::seed();
is(main::names_for('userName sw O'), 'OEmployee,Other', 'userName sw O');
is(main::names_for('userName eq zed'), 'zed', 'an indexed eq, unquoted');
is(main::names_for('name.familyName eq Employee and (emails.value co example.com or emails.value co example.org)'),
   'OEmployee', "Microsoft's grouped filter");
is(main::names_for('emails[type eq work].value ew example.org'), 'zed', 'inside brackets');
is(main::names_for('meta.created gt 2015-10-10T14:38:21.8617979-07:00'), 'OEmployee,Other,zed',
   'seven fraction digits and an offset');
is(main::names_for('meta.created lt 2015-10-10T14:38:21.8617979-07:00'), '', 'none before 2015');
# An hour from now, written as Microsoft writes it, at -07:00.
my $later = strftime('%Y-%m-%dT%H:%M:%S.8617979-07:00', gmtime(time + 3600 - 7 * 3600));
is(main::names_for("meta.created lt $later"), 'OEmployee,Other,zed', "lt $later");
is(main::names_for("meta.created gt $later"), '', "gt $later");
is(main::names_for('userName eq 1e3'), '', 'a JSON number stays a number');
my $r = scim_request('GET', '/scim/v2/Users?filter=' . main::enc('userName eq and title pr'));
is($r->{status}, 400, 'a missing value is still refused');
is($r->{json}{scimType}, 'invalidFilter', 'invalidFilter');



=== TEST 2: attributes=emails[type eq "work"] returns only the matching values
--- perl
my ($id) = main::seed();
my $r = scim_request('GET', "/scim/v2/Users/$id?attributes=" . main::enc('emails[type eq "work"]'));
is($r->{status}, 200, 'GET one') or diag $r->{body};
is_deeply($r->{json}{emails}, [ { value => 'o@example.com', type => 'work' } ], 'only the work e-mail');
ok(!exists $r->{json}{userName}, 'nothing else');
$r = scim_request('GET', '/scim/v2/Users?filter=' . main::enc('userName sw O')
                  . '&attributes=' . main::enc('userName,emails[type eq "home"].value'));
is($r->{status}, 200, 'a list') or diag $r->{body};
is_deeply([ map { $_->{emails} } @{ $r->{json}{Resources} } ],
          [ [ { value => 'o@home.example' } ], undef ], 'home values only, none for the second user');
$r = scim_request('POST', '/scim/v2/Users/.search', JSON::PP->new->encode({
    schemas => ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
    filter => 'userName eq "zed"', attributes => ['emails[type eq "work"]'] }));
is($r->{status}, 200, '.search') or diag $r->{body};
is_deeply($r->{json}{Resources}[0]{emails}, [ { value => 'z@example.org', type => 'work' } ],
          '.search takes value filters too');
$r = scim_request('GET', "/scim/v2/Users/$id?attributes=" . main::enc('emails[type eq]'));
is($r->{status}, 400, 'a bad value filter');
is($r->{json}{scimType}, 'invalidFilter', 'invalidFilter');
$r = scim_request('GET', "/scim/v2/Users/$id?excludedAttributes=" . main::enc('emails[type eq "work"]'));
is($r->{status}, 400, 'not in excludedAttributes');
is($r->{json}{scimType}, 'invalidValue', 'invalidValue');



=== TEST 3: a member's displayName is read as display, in PATCH, POST and PUT
--- perl
my ($u1, $u2, $u3) = main::seed();
my $r = scim_request('POST', '/scim/v2/Groups', JSON::PP->new->encode({
    displayName => 'Eng', members => [ { value => $u1, displayName => 'First' } ] }));
is($r->{status}, 201, 'POST') or diag $r->{body};
my $gid = $r->{json}{id};
$r = scim_request('PATCH', "/scim/v2/Groups/$gid", JSON::PP->new->encode({
    schemas => ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations => [ { op => 'Add', path => 'members',
                      value => [ { value => $u2, displayName => 'new User' } ] } ] }));
ok($r->{status} == 204 || $r->{status} == 200, 'PATCH') or diag $r->{body};
$r = scim_request('GET', "/scim/v2/Groups/$gid");
my %display = map { $_->{value} => $_->{display} } @{ $r->{json}{members} };
is_deeply(\%display, { $u1 => 'First', $u2 => 'new User' }, 'both displays kept');
ok(!grep({ exists $_->{displayName} } @{ $r->{json}{members} }), 'answered as display');
$r = scim_request('PUT', "/scim/v2/Groups/$gid", JSON::PP->new->encode({
    displayName => 'Eng', members => [ { value => $u3, displayName => 'Third', display => 'Shown' } ] }));
is($r->{status}, 200, 'PUT') or diag $r->{body};
$r = scim_request('GET', "/scim/v2/Groups/$gid");
is_deeply([ map { $_->{display} } @{ $r->{json}{members} } ], ['Shown'], 'display wins over displayName');



=== TEST 4: adding a member that does not exist stays a 400, on purpose
--- perl
my ($u1) = main::seed();
my $r = scim_request('POST', '/scim/v2/Groups', '{"displayName":"Ops"}');
my $gid = $r->{json}{id};
$r = scim_request('PATCH', "/scim/v2/Groups/$gid", JSON::PP->new->encode({
    schemas => ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations => [ { op => 'add', path => 'members',
                      value => [ { value => $u1 }, { value => 'no-such-user', displayName => 'Ghost' } ] } ] }));
is($r->{status}, 400, 'PATCH with an unknown member') or diag $r->{body};
like($r->{json}{detail}, qr/no-such-user/, 'the detail names it');
$r = scim_request('GET', "/scim/v2/Groups/$gid");
ok(!$r->{json}{members}, 'nothing was added');
$r = scim_request('POST', '/scim/v2/Groups', '{"displayName":"Ghosts","members":[{"value":"no-such-user"}]}');
is($r->{status}, 400, 'POST with an unknown member');
