# The change stream, as an app consuming it sees it (docs/events.md): a
# whole provisioning session is replayed, and after every request the new
# stream entries must be exactly one per changed resource, in order, with
# the documented fields; refused and no-op writes add none. The version in
# each event is the one GET then shows.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;
use JSON::PP ();

our $STREAM = 'scim:{default}:events';
my $JSON = JSON::PP->new->utf8->canonical;
my $TIME = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

our (%ver, %uri, $last_id, $last_time, @all);   # per block, reset by start()

sub start {
    %ver = %uri = ();
    ($last_id, $last_time, @all) = ('-', '');
}

# A group mapped to a role (issue 5 §5), so role events are part of the run.
sub roles_directive { return 'scim_role_group "Admins" admin 100;' }

sub config {
    my $extra = roles_directive();
    return "    location /scim/v2/ {\n        scim;\n"
         . "        scim_token $ENV{TEST_NGINX_TOKEN_HASH} demo;\n        $extra\n    }\n";
}

# The entries appended since the last call, as hashes with `entry`.
sub new_events {
    my $from = $last_id eq '-' ? '-' : "($last_id";
    my @out;
    for my $e (@{ redis_cmd('XRANGE', $STREAM, $from, '+') }) {
        my %f = (@{ $e->[1] }, entry => $e->[0]);
        $last_id = $e->[0];
        push @out, \%f;
    }
    push @all, @out;
    return @out;
}

sub ids { my ($text) = @_; [ sort @{ $JSON->decode($text) } ] }

# Checks one entry against what was expected of it, and the fields every
# entry carries.
sub check_event {
    my ($label, $got, $want) = @_;
    my $what = "$label: $want->{type} $want->{id}";
    my $rt = $want->{type} =~ /^user\./ ? 'User' : 'Group';
    is($got->{type}, $want->{type}, "$what: type");
    is($got->{resourceType}, $rt, "$what: resourceType");
    is($got->{id}, $want->{id}, "$what: id");
    is($got->{version}, $want->{version}, "$what: version");
    like($got->{time}, $TIME, "$what: time is RFC 3339 UTC with ms");
    ok($got->{time} ge $last_time, "$what: time does not go back");
    $last_time = $got->{time};
    is($got->{token}, 'demo', "$what: the token's name");
    ok(exists $got->{changed}, "$what: changed is present");
    if ($rt eq 'Group') {
        is($got->{changed}, $want->{changed} // '', "$what: changed");
        is_deeply(ids($got->{membersAdded}), [ sort @{ $want->{added} || [] } ], "$what: membersAdded");
        is_deeply(ids($got->{membersRemoved}), [ sort @{ $want->{removed} || [] } ], "$what: membersRemoved");
    } elsif ($got->{changed} ne '') {
        # Users' `changed` is being filled in (docs/events.md): when it is,
        # it names at least what this write changed.
        my %named = map { $_ => 1 } split /,/, $got->{changed};
        ok($named{$_}, "$what: changed names $_") for @{ $want->{changes} || [] };
    }
}

# One request, then exactly the expected entries. `@want`: hashes with
# type, id and, for groups, changed / added / removed; versions follow per
# resource. { role => $id } expects a user.role_changed when roles are on.
sub step {
    my ($label, $req, $status, @want) = @_;
    my ($method, $uri, $body, $headers) = @$req;
    my $r = scim_request($method, $uri, $body, $headers);
    is($r->{status}, $status, "$label: $method $status") or diag $r->{body};
    @want = $want[0]->($r) if @want == 1 && ref $want[0] eq 'CODE';   # ids only known now
    my @got = new_events();
    my @roles = grep { $_->{type} eq 'user.role_changed' } @got;
    @got = grep { $_->{type} ne 'user.role_changed' } @got;
    my @role_want = map { $_->{role} } grep { $_->{role} } @want;
    my @role_may = map { $_->{maybe_role} } grep { $_->{maybe_role} } @want;
    @want = grep { !$_->{role} && !$_->{maybe_role} } @want;
    check_roles($label, \@roles, \@role_want, \@role_may);
    for my $w (@want) {
        my $id = $w->{id};
        $w->{version} = $w->{type} =~ /\.created$/ ? ($ver{$id} = 1)
                      : $w->{type} =~ /\.deleted$/ ? $ver{$id} + 1
                      : ++$ver{$id};
        $uri{$id} //= ($w->{type} =~ /^user/ ? '/scim/v2/Users/' : '/scim/v2/Groups/') . $id;
        next unless $w->{type} =~ /\.deleted$/;
        is(scim_request('GET', delete $uri{$id})->{status}, 404, "$label: $id is gone");
    }
    is(scalar(@got), scalar(@want), "$label: " . scalar(@want) . ' event(s)')
        or diag explain [ map { "$_->{type} $_->{id} v$_->{version}" } @got ];
    check_event($label, $got[$_], $want[$_]) for grep { $got[$_] } 0 .. $#want;
    # Every live resource is at the version its last event announced.
    for my $id (sort keys %uri) {
        my $etag = scim_request('GET', $uri{$id})->{headers}{etag};
        is($etag, qq(W/"$ver{$id}"), "$label: $id is at the version of its last event");
    }
    return $r;
}

# Role events (only with roles on): one at least for each user expected,
# perhaps one for those who may have lost a role (a deleted user), none for
# anyone else; a role change may bump the user's version.
sub check_roles {
    my ($label, $got, $want, $may) = @_;
    my %expected = map { $_ => 1 } @$want, @$may;
    for my $e (@$got) {
        ok($expected{ $e->{id} }, "$label: user.role_changed for an expected user") or diag explain $e;
        is($e->{resourceType}, 'User', "$label: role event on a User");
        like($e->{time}, $TIME, "$label: role event time");
        is($e->{token}, 'demo', "$label: role event token");
        ok($e->{version} >= ($ver{ $e->{id} } // 0), "$label: role event version does not go back");
        $ver{ $e->{id} } = $e->{version} if $e->{version} > ($ver{ $e->{id} } // 0);
    }
    for my $id (@$want) {
        ok((grep { $_->{id} eq $id } @$got), "$label: user.role_changed for $id");
    }
}

sub user_body { my ($name, %a) = @_; $JSON->encode({ userName => $name, %a }) }
sub ops { '{"Operations":[' . join(',', @_) . ']}' }

# Over the whole stream: per resource, created first at version 1, then
# each version once, deleted last.
sub check_whole_stream {
    my $all = redis_cmd('XRANGE', $STREAM, '-', '+');
    is(scalar(@$all), scalar(@all), 'the stream holds exactly the entries seen step by step');
    my %per;
    for my $e (@$all) {
        my %f = @{ $e->[1] };
        next if $f{type} eq 'user.role_changed';
        push @{ $per{ $f{id} } }, \%f;
    }
    for my $id (sort keys %per) {
        my @e = @{ $per{$id} };
        like($e[0]{type}, qr/\.created$/, "$id: first event is its creation");
        is(scalar(grep { $_->{type} =~ /\.created$/ } @e), 1, "$id: created once");
        is(scalar(grep { $_->{type} =~ /\.deleted$/ } @e), ($e[-1]{type} =~ /\.deleted$/ ? 1 : 0),
           "$id: deleted at most once, and last");
        my @v = map { $_->{version} } @e;
        my $increasing = !grep { $v[$_] <= $v[$_ - 1] } 1 .. $#v;
        ok($increasing && $v[0] == 1, "$id: versions increase from 1 (@v)");
    }
}

run_blocks();

__DATA__

=== TEST 1: a whole provisioning session, event by event
--- config eval
main::config()
--- perl
main::start();
my ($U, $G) = ('/scim/v2/Users', '/scim/v2/Groups');
my $T = JSON::PP::true;
my %id;
my $created = sub { my ($name, $type) = @_; sub { $id{$name} = $_[0]{json}{id}; { type => $type, id => $id{$name} } } };

# Users: create, refusals, update, deactivate, reactivate.
main::step('create alice', ['POST', $U, main::user_body('alice@example.com', active => $T)], 201,
           $created->('alice', 'user.created'));
main::step('create bob (active unset)', ['POST', $U, main::user_body('bob@example.com')], 201,
           $created->('bob', 'user.created'));
main::step('create carol', ['POST', $U, main::user_body('carol@example.com', active => $T)], 201,
           $created->('carol', 'user.created'));
my ($alice, $bob, $carol) = @id{qw(alice bob carol)};
main::step('userName taken (409)', ['POST', $U, main::user_body('ALICE@example.com')], 409);
main::step('no userName (400)', ['POST', $U, '{"displayName":"x"}'], 400);
main::step('PUT alice', ['PUT', "$U/$alice", main::user_body('alice@example.com', active => $T, displayName => 'Alice')], 200,
           { type => 'user.updated', id => $alice, changes => ['displayName'] });
main::step('PUT with a stale If-Match (412)',
           ['PUT', "$U/$alice", main::user_body('alice@example.com', displayName => 'X'), { 'If-Match' => 'W/"1"' }], 412);
main::step('PUT without userName (400)', ['PUT', "$U/$alice", '{"displayName":"x"}'], 400);
main::step('PUT an unknown user (404)', ['PUT', "$U/0f5b8c1e-0000-4000-8000-000000000000", main::user_body('nobody')], 404);
main::step('deactivate alice (PATCH)', ['PATCH', "$U/$alice", main::ops('{"op":"replace","path":"active","value":false}')], 200,
           { type => 'user.deactivated', id => $alice, changes => ['active'] });
main::step('deactivate alice again: no change', ['PATCH', "$U/$alice", main::ops('{"op":"replace","value":{"active":false}}')], 200);
main::step('PATCH with a bad op (400)', ['PATCH', "$U/$alice", main::ops('{"op":"frobnicate","path":"active"}')], 400);
main::step('reactivate alice (PUT)', ['PUT', "$U/$alice", main::user_body('alice@example.com', active => $T, displayName => 'Alice')], 200,
           { type => 'user.reactivated', id => $alice, changes => ['active'] });
main::step('deactivate bob, active unset before', ['PATCH', "$U/$bob", main::ops('{"op":"replace","path":"active","value":false}')], 200,
           { type => 'user.deactivated', id => $bob, changes => ['active'] });
main::step('reactivate bob', ['PATCH', "$U/$bob", main::ops('{"op":"replace","path":"active","value":"True"}')], 200,
           { type => 'user.reactivated', id => $bob, changes => ['active'] });
main::step('PATCH bob title', ['PATCH', "$U/$bob", main::ops('{"op":"add","path":"title","value":"Engineer"}')], 200,
           { type => 'user.updated', id => $bob, changes => ['title'] });

# A PUT that changes nothing keeps the version and adds no event.
my $before = scim_request('GET', "$U/$carol")->{headers}{etag};
my $r = scim_request('PUT', "$U/$carol", main::user_body('carol@example.com', active => $T));
is($r->{status}, 200, 'no-op PUT');
is($r->{headers}{etag}, $before, 'a no-op PUT keeps the version');
my @noop = main::new_events();
is(scalar(@noop), 0, 'a no-op PUT adds no event');

# Groups: creation, refusals, membership, renames, no-ops.
main::step('create Eng with alice', ['POST', $G, qq({"displayName":"Eng","members":[{"value":"$alice"}]})], 201,
           sub { $id{eng} = $_[0]{json}{id}; { type => 'group.created', id => $id{eng}, added => [$alice] } });
my $eng = $id{eng};
main::step('displayName taken (409)', ['POST', $G, '{"displayName":"ENG"}'], 409);
main::step('unknown member (400)', ['POST', $G, '{"displayName":"X","members":[{"value":"ghost"}]}'], 400);
main::step('add bob', ['PATCH', "$G/$eng", main::ops(qq({"op":"add","path":"members","value":[{"value":"$bob"}]}))], 204,
           { type => 'group.updated', id => $eng, changed => 'members', added => [$bob] });
main::step('add bob again: no change', ['PATCH', "$G/$eng", main::ops(qq({"op":"add","path":"members","value":[{"value":"$bob"}]}))], 204);
main::step('remove alice', ['PATCH', "$G/$eng", main::ops(qq({"op":"remove","path":"members[value eq \\"$alice\\"]"}))], 204,
           { type => 'group.updated', id => $eng, changed => 'members', removed => [$alice] });
main::step('remove alice again: no change', ['PATCH', "$G/$eng", main::ops(qq({"op":"remove","path":"members[value eq \\"$alice\\"]"}))], 204);
main::step('rename', ['PATCH', "$G/$eng", main::ops('{"op":"replace","path":"displayName","value":"Engineering"}')], 204,
           { type => 'group.updated', id => $eng, changed => 'displayName' });
main::step('same rename (Okta re-sends it): no change',
           ['PATCH', "$G/$eng", main::ops(qq({"op":"replace","value":{"id":"$eng","displayName":"Engineering"}}))], 204);
main::step('rename, externalId and a member at once',
           ['PATCH', "$G/$eng", main::ops('{"op":"replace","value":{"displayName":"R&D","externalId":"rd"}}',
                                          qq({"op":"add","path":"members","value":[{"value":"$carol"}]}))], 204,
           { type => 'group.updated', id => $eng, changed => 'displayName,externalId,members', added => [$carol] });
main::step('stale If-Match (412)',
           ['PATCH', "$G/$eng", main::ops('{"op":"replace","path":"displayName","value":"Y"}'), { 'If-Match' => 'W/"1"' }], 412);
main::step('PUT: members replaced', ['PUT', "$G/$eng", qq({"displayName":"R&D","externalId":"rd","members":[{"value":"$alice"},{"value":"$carol"}]})], 200,
           { type => 'group.updated', id => $eng, changed => 'members', added => [$alice], removed => [$bob] });
main::step('same PUT: no change', ['PUT', "$G/$eng", qq({"displayName":"R&D","externalId":"rd","members":[{"value":"$alice"},{"value":"$carol"}]})], 200);
main::step('create Parent holding Eng', ['POST', $G, qq({"displayName":"Parent","members":[{"value":"$eng"}]})], 201,
           sub { $id{parent} = $_[0]{json}{id}; { type => 'group.created', id => $id{parent}, added => [$eng] } });
my $parent = $id{parent};
main::step('a cycle (400)', ['PATCH', "$G/$eng", main::ops(qq({"op":"add","path":"members","value":[{"value":"$parent"}]}))], 400);

# Roles: Admins maps to a role when this build has roles.
main::step('create Admins with bob', ['POST', $G, qq({"displayName":"Admins","members":[{"value":"$bob"}]})], 201,
           sub { $id{admins} = $_[0]{json}{id}; ({ type => 'group.created', id => $id{admins}, added => [$bob] }, { role => $bob }) });
my $admins = $id{admins};
main::step('carol joins Admins', ['PATCH', "$G/$admins", main::ops(qq({"op":"add","path":"members","value":[{"value":"$carol"}]}))], 204,
           { type => 'group.updated', id => $admins, changed => 'members', added => [$carol] }, { role => $carol });
main::step('carol leaves Admins', ['PATCH', "$G/$admins", main::ops(qq({"op":"remove","path":"members[value eq \\"$carol\\"]"}))], 204,
           { type => 'group.updated', id => $admins, changed => 'members', removed => [$carol] }, { role => $carol });

# Deletes: a user leaves its groups first, in the same step.
main::step('delete bob (in Admins)', ['DELETE', "$U/$bob"], 204,
           { type => 'group.updated', id => $admins, changed => 'members', removed => [$bob] },
           { type => 'user.deleted', id => $bob }, { maybe_role => $bob });
main::step('delete bob again (404)', ['DELETE', "$U/$bob"], 404);
main::step('delete Eng, stale If-Match (412)', ['DELETE', "$G/$eng", undef, { 'If-Match' => 'W/"1"' }], 412);
main::step('delete Eng (in Parent)', ['DELETE', "$G/$eng"], 204,
           { type => 'group.updated', id => $parent, changed => 'members', removed => [$eng] },
           { type => 'group.deleted', id => $eng, removed => [$alice, $carol] });
main::step('delete Parent', ['DELETE', "$G/$parent"], 204, { type => 'group.deleted', id => $parent });
main::step('delete Admins', ['DELETE', "$G/$admins"], 204, { type => 'group.deleted', id => $admins });
main::step('delete alice', ['DELETE', "$U/$alice"], 204, { type => 'user.deleted', id => $alice });
main::step('delete carol', ['DELETE', "$U/$carol"], 204, { type => 'user.deleted', id => $carol });
main::check_whole_stream();



=== TEST 2: concurrent writes: the stream's order is the order of the writes
--- perl
main::start();
my @users = map { scim_request('POST', '/scim/v2/Users', qq({"userName":"c$_\@example.com"}))->{json}{id} } 1 .. 20;
my $g = scim_request('POST', '/scim/v2/Groups', '{"displayName":"Busy"}')->{json}{id};
main::new_events();
# Twenty PATCHes on one group and twenty on twenty users, all in flight at once.
my @socks = map {
    (open_request('PATCH', "/scim/v2/Groups/$g", main::ops(qq({"op":"add","path":"members","value":[{"value":"$users[$_]"}]}))),
     open_request('PATCH', "/scim/v2/Users/$users[$_]", main::ops('{"op":"replace","path":"active","value":false}')))
} 0 .. $#users;
my @status = map { read_response($_, 'PATCH')->{status} } @socks;
is(scalar(grep { $_ == 204 || $_ == 200 } @status), 40, 'all applied') or diag "@status";
my @ev = main::new_events();
is(scalar(@ev), 40, 'one event per write');
my @gv = map { $_->{version} } grep { $_->{id} eq $g } @ev;
is("@gv", join(' ', 2 .. 21), "the group's versions, in stream order, are the order of its writes");
is_deeply([ sort map { @{ main::ids($_->{membersAdded}) } } grep { $_->{id} eq $g } @ev ], [ sort @users ],
          'each member added exactly once');
is(scalar(grep { $_->{type} eq 'user.deactivated' && $_->{version} == 2 } @ev), 20, 'each user deactivated once');
my @ids = map { $_->{entry} } @ev;
is_deeply(\@ids, [ sort { my @a = split /-/, $a; my @b = split /-/, $b; $a[0] <=> $b[0] || $a[1] <=> $b[1] } @ids ], 'entry ids increase');
