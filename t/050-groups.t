# Groups against a real nginx and redis-server: the Okta Group Push and
# Entra ID sequences as sent, member validation and cycles, the reverse
# index (User.groups), deletes that clean up memberships, the member cap on
# a seeded 100,000-member group, the directives.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

sub create_user {
    my ($name) = @_;
    my $r = scim_request('POST', '/scim/v2/Users', qq({"userName":"$name"}));
    die "create user: $r->{status} $r->{body}" unless $r->{status} == 201;
    return $r->{json}{id};
}

sub create_group {
    my ($name, $members) = @_;
    my $list = join ',', map { qq({"value":"$_"}) } @{ $members || [] };
    my $r = scim_request('POST', '/scim/v2/Groups', qq({"displayName":"$name","members":[$list]}));
    die "create group: $r->{status} $r->{body}" unless $r->{status} == 201;
    return $r->{json}{id};
}

sub patch_members {
    my ($gid, $op) = @_;
    return scim_request('PATCH', "/scim/v2/Groups/$gid",
        qq({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[$op]}));
}

sub member_ids {
    my ($gid) = @_;
    my $r = scim_request('GET', "/scim/v2/Groups/$gid");
    return join ',', sort map { $_->{value} } @{ $r->{json}{members} || [] };
}

sub events_of {
    my ($id) = @_;
    my $all = redis_cmd('XRANGE', 'scim:{default}:events', '-', '+');
    my @out;
    for my $e (@$all) {
        my %f = @{ $e->[1] };
        push @out, \%f if $f{id} eq $id;
    }
    return @out;
}

run_blocks();

__DATA__

=== TEST 1: Okta Group Push, step by step
--- init
$ENV{TEST_NGINX_ALICE} = main::create_user('alice@example.com');
$ENV{TEST_NGINX_BOB} = main::create_user('bob@example.com');
--- steps
POST /scim/v2/Groups
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering","members":[]}
=> 201
=> header ETag: W/"1"
=> header Location like ^http://localhost:\d+/scim/v2/Groups/[0-9a-f-]{36}$
=> json {"displayName":"Engineering","members":"__ABSENT__","meta":{"resourceType":"Group","version":"W/\"1\""}}
=> save gid = json id
---
POST /scim/v2/Groups
{"displayName":"ENGINEERING"}
=> 409
=> json {"scimType":"uniqueness","status":"409"}
---
PATCH /scim/v2/Groups/{{gid}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":"{{gid}}","displayName":"Eng"}}]}
=> 204
=> header ETag: W/"2"
=> body empty
---
PATCH /scim/v2/Groups/{{gid}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"$TEST_NGINX_ALICE","display":"alice@example.com"},{"value":"$TEST_NGINX_BOB","display":"bob@example.com"}]}]}
=> 204
=> header ETag: W/"3"
---
# Okta re-sends the rename with every membership change: no new version.
PATCH /scim/v2/Groups/{{gid}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":"{{gid}}","displayName":"Eng"}}]}
=> 204
=> header ETag: W/"3"
---
GET /scim/v2/Groups/{{gid}}
=> 200
=> json displayName == Eng
=> perl scalar(@{ $r->{json}{members} }) == 2
=> perl (grep { $_->{display} eq 'alice@example.com' && $_->{type} eq 'User' && $_->{'$ref'} =~ m{/Users/$ENV{TEST_NGINX_ALICE}$} } @{ $r->{json}{members} }) == 1
---
GET /scim/v2/Users/$TEST_NGINX_ALICE
=> 200
=> json {"groups":[{"value":"{{gid}}","display":"Eng","type":"direct","$ref":"/\/scim\/v2\/Groups\/{{gid}}$/"}]}
---
PATCH /scim/v2/Groups/{{gid}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"$TEST_NGINX_ALICE\"]"}]}
=> 204
---
GET /scim/v2/Users/$TEST_NGINX_ALICE
=> json groups absent
---
PUT /scim/v2/Groups/{{gid}}
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"{{gid}}","displayName":"Eng","members":[{"value":"$TEST_NGINX_ALICE","display":"Alice"}]}
=> 200
=> json {"members":[{"value":"$TEST_NGINX_ALICE","display":"Alice"}]}
=> header ETag: W/"5"
---
DELETE /scim/v2/Groups/{{gid}}
=> 204
---
DELETE /scim/v2/Groups/{{gid}}
=> 404
---
GET /scim/v2/Users/$TEST_NGINX_ALICE
=> 200
=> json groups absent
--- perl
my @types;
for my $e (@{ redis_cmd('XRANGE', 'scim:{default}:events', '-', '+') }) {
    my %f = @{ $e->[1] };
    push @types, "$f{type}:$f{changed}:$f{membersAdded}:$f{membersRemoved}" if $f{resourceType} eq 'Group';
}
is(scalar(@types), 6, 'one event per changing write, none for the repeated rename') or diag explain \@types;
like($types[0], qr/^group\.created::\[\]:\[\]$/, 'created empty');
like($types[1], qr/^group\.updated:displayName:\[\]:\[\]$/, 'renamed');
like($types[2], qr/^group\.updated:members:\[".*",".*"\]:\[\]$/, 'two added');
is($types[3], qq(group.updated:members:[]:["$ENV{TEST_NGINX_ALICE}"]), 'one removed');
is($types[4], qq(group.updated:members:["$ENV{TEST_NGINX_ALICE}"]:["$ENV{TEST_NGINX_BOB}"]), 'PUT is a diff');
like($types[5], qr/^group\.deleted::\[\]:\["$ENV{TEST_NGINX_ALICE}"\]$/, 'deleted');
is(redis_cmd('EXISTS', "scim:{default}:memberof:$ENV{TEST_NGINX_ALICE}"), 0, 'reverse index cleaned');



=== TEST 2: Entra ID: matching, extra schema, value-array add and remove, Replace
--- init
$ENV{TEST_NGINX_ALICE} = main::create_user('alice@example.com');
$ENV{TEST_NGINX_BOB} = main::create_user('bob@example.com');
--- steps
GET /scim/v2/Groups?excludedAttributes=members&filter=displayName+eq+%22Sales%22
=> 200
=> json {"totalResults":0,"Resources":[]}
---
POST /scim/v2/Groups
{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],"externalId":"aad-1","displayName":"Sales","meta":{"resourceType":"Group"}}
=> 201
=> json {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"externalId":"aad-1"}
=> save gid = json id
---
GET /scim/v2/Groups?excludedAttributes=members&filter=displayName+eq+%22sales%22
=> 200
=> json {"totalResults":1,"Resources":[{"id":"{{gid}}","members":"__ABSENT__"}]}
---
PATCH /scim/v2/Groups/{{gid}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"$TEST_NGINX_ALICE"},{"$ref":null,"value":"$TEST_NGINX_BOB"}]}]}
=> 204
---
PATCH /scim/v2/Groups/{{gid}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Remove","path":"members","value":[{"value":"$TEST_NGINX_BOB"}]}]}
=> 204
---
PATCH /scim/v2/Groups/{{gid}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"displayName","value":"Sales EMEA"}]}
=> 204
---
GET /scim/v2/Groups/{{gid}}
=> 200
=> json {"displayName":"Sales EMEA","members":[{"value":"$TEST_NGINX_ALICE","display":"alice@example.com","type":"User"}]}
---
GET /scim/v2/Groups?filter=displayName+sw+%22sales%22
=> 200
=> json {"totalResults":1,"Resources":[{"id":"{{gid}}","members":[{"value":"$TEST_NGINX_ALICE"}]}]}
---
GET /scim/v2/Groups/{{gid}}?excludedAttributes=members
=> 200
=> json members absent
--- perl
is(main::member_ids(scim_request('GET', '/scim/v2/Groups?count=1')->{json}{Resources}[0]{id}),
   $ENV{TEST_NGINX_ALICE}, 'the value-array Remove removed only Bob');



=== TEST 3: members must exist; nested groups without cycles; If-Match
--- init
$ENV{TEST_NGINX_ALICE} = main::create_user('alice@example.com');
--- perl
my $outer = main::create_group('Outer');
my $inner = main::create_group('Inner', [$ENV{TEST_NGINX_ALICE}]);
my $r = main::patch_members($outer, qq({"op":"add","path":"members","value":[{"value":"ghost"}]}));
is($r->{status}, 400, 'unknown member');
is($r->{json}{scimType}, 'invalidValue', 'unknown member scimType');
like($r->{json}{detail}, qr/ghost/, 'the detail names the id');
$r = scim_request('POST', '/scim/v2/Groups', q({"displayName":"X","members":[{"value":"nope"}]}));
is($r->{status}, 400, 'unknown member on POST');
is(redis_cmd('HGET', 'scim:{default}:groups:by-name', 'x'), undef, 'a refused POST writes nothing');

$r = main::patch_members($outer, qq({"op":"add","path":"members","value":[{"value":"$inner","type":"Group"}]}));
is($r->{status}, 204, 'nested group added');
is(main::member_ids($outer), $inner, 'outer lists inner');
my $inner_json = scim_request('GET', "/scim/v2/Groups/$outer")->{json}{members}[0];
is($inner_json->{type}, 'Group', 'type Group');
like($inner_json->{'$ref'}, qr{/Groups/$inner$}, '$ref to /Groups');

$r = main::patch_members($inner, qq({"op":"add","path":"members","value":[{"value":"$outer"}]}));
is($r->{status}, 400, 'cycle refused');
is($r->{json}{scimType}, 'invalidValue', 'cycle scimType');
$r = main::patch_members($inner, qq({"op":"add","path":"members","value":[{"value":"$inner"}]}));
is($r->{status}, 400, 'self-membership refused');

$r = scim_request('PATCH', "/scim/v2/Groups/$inner",
    q({"Operations":[{"op":"replace","path":"displayName","value":"I2"}]}), { 'If-Match' => 'W/"7"' });
is($r->{status}, 412, 'stale If-Match on PATCH');
$r = scim_request('PUT', "/scim/v2/Groups/$inner", q({"displayName":"I2"}), { 'If-Match' => 'W/"9"' });
is($r->{status}, 412, 'stale If-Match on PUT');
$r = scim_request('DELETE', "/scim/v2/Groups/$inner", undef, { 'If-Match' => 'W/"9"' });
is($r->{status}, 412, 'stale If-Match on DELETE');
$r = scim_request('PATCH', "/scim/v2/Groups/$inner",
    q({"Operations":[{"op":"replace","path":"displayName","value":"I2"}]}), { 'If-Match' => 'W/"1"' });
is($r->{status}, 204, 'current If-Match on PATCH');
$r = scim_request('GET', "/scim/v2/Groups/$inner", undef, { 'If-None-Match' => 'W/"2"' });
is($r->{status}, 304, 'If-None-Match');

# Deleting the inner group takes it out of the outer one, in the same step.
$r = scim_request('DELETE', "/scim/v2/Groups/$inner");
is($r->{status}, 204, 'inner deleted');
is(main::member_ids($outer), '', 'outer no longer lists it');
is(redis_cmd('EXISTS', "scim:{default}:memberof:$ENV{TEST_NGINX_ALICE}"), 0, "its members' reverse entries are gone");
is(scim_request('GET', "/scim/v2/Groups/$outer")->{headers}{etag}, 'W/"3"', 'outer got a new version');



=== TEST 4: deleting a user removes it from every group atomically
--- perl
my $u = main::create_user('leaver@example.com');
my $stay = main::create_user('stayer@example.com');
my @groups = map { main::create_group("G$_", [$u, $stay]) } 1 .. 3;
is(scalar(@{ scim_request('GET', "/scim/v2/Users/$u")->{json}{groups} }), 3, 'in three groups');
is(scim_request('DELETE', "/scim/v2/Users/$u")->{status}, 204, 'user deleted');
for my $g (@groups) {
    is(main::member_ids($g), $stay, "left $g");
    is(scim_request('GET', "/scim/v2/Groups/$g")->{headers}{etag}, 'W/"2"', "$g has a new version");
    my @ev = main::events_of($g);
    is($ev[-1]{membersRemoved}, qq(["$u"]), "$g: group.updated names the user");
}
is(redis_cmd('EXISTS', "scim:{default}:memberof:$u"), 0, 'reverse index gone');
my $r = main::patch_members($groups[0], qq({"op":"add","path":"members","value":[{"value":"$u"}]}));
is($r->{status}, 400, 'a deleted user cannot be added');



=== TEST 5: a seeded group of 100,000: excluded members are not read, the rest is capped
--- init
# Seeded through the documented layout, as an application or a migration would.
my $gid = 'c0000000-0000-4000-8000-000000000001';
my $key = "scim:{default}:group:$gid";
my @cmd = ('HSET', "$key:members");
for my $n (1 .. 100000) {
    push @cmd, sprintf('b0000000-0000-4000-8000-%012d', $n), '{"type":"User","display":"u"}';
    if (@cmd >= 2002) { redis_cmd(@cmd); @cmd = ('HSET', "$key:members") }
}
redis_cmd(@cmd) if @cmd > 2;
redis_cmd('HSET', $key, 'id', $gid, 'doc', '{"displayName":"Everyone"}', 'displayName', 'Everyone',
          'version', 1, 'created', '2026-01-01T00:00:00.000Z',
          'lastModified', '2026-01-01T00:00:00.000Z', 'seq', 1, 'managedBy', 'seed');
redis_cmd('ZADD', 'scim:{default}:groups', 1, $gid);
$ENV{TEST_NGINX_GID} = $gid;
--- steps
GET /scim/v2/Groups/$TEST_NGINX_GID?excludedAttributes=members
=> 200
=> json displayName == Everyone
=> json members absent
=> perl length($r->{body}) < 1000
---
GET /scim/v2/Groups/$TEST_NGINX_GID
=> 200
=> perl scalar(@{ $r->{json}{members} }) == 10000
=> json {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","urn:ngx-scim:params:scim:schemas:extension:2.0:GroupMembers"]}
=> json {"urn:ngx-scim:params:scim:schemas:extension:2.0:GroupMembers":{"membersTruncated":true,"memberCount":100000}}
---
GET /scim/v2/Groups?excludedAttributes=members
=> 200
=> json {"totalResults":1,"Resources":[{"members":"__ABSENT__"}]}



=== TEST 6: one member in and out of a 100,000-member group, and concurrent membership PATCHes
--- init
$ENV{TEST_NGINX_U} = main::create_user('toggler@example.com');
--- perl
my $gid = main::create_group('Big');
my @cmd = ('HSET', "scim:{default}:group:$gid:members");
push @cmd, sprintf('b0000000-0000-4000-8000-%012d', $_), '{"type":"User","display":"u"}' for 1 .. 100000;
redis_cmd(@cmd);
my $r = main::patch_members($gid, qq({"op":"add","path":"members","value":[{"value":"$ENV{TEST_NGINX_U}"}]}));
is($r->{status}, 204, 'add to 100k');
is(redis_cmd('HLEN', "scim:{default}:group:$gid:members"), 100001, 'one more');
$r = main::patch_members($gid, qq({"op":"remove","path":"members[value eq \\"$ENV{TEST_NGINX_U}\\"]"}));
is($r->{status}, 204, 'remove from 100k');
is(redis_cmd('HLEN', "scim:{default}:group:$gid:members"), 100000, 'one less');

# 40 concurrent membership PATCHes, each re-sending the group's name as
# Okta does: deltas never conflict, none is lost.
my @users = map { main::create_user("c$_\@example.com") } 1 .. 40;
my $small = main::create_group('Concurrent');
my @socks = map {
    open_request('PATCH', "/scim/v2/Groups/$small",
        qq({"Operations":[{"op":"add","path":"members","value":[{"value":"$users[$_]"}]},)
        . qq({"op":"replace","value":{"id":"$small","displayName":"Concurrent"}}]}))
} 0 .. $#users;
my @status = map { read_response($_, 'PATCH')->{status} } @socks;
is(scalar(grep { $_ == 204 } @status), 40, 'all 204') or diag "@status";
is(redis_cmd('HLEN', "scim:{default}:group:$small:members"), 40, 'no lost member');
is(redis_cmd('HGET', "scim:{default}:group:$small", 'version'), 41, 'one version per write');

# Renames racing with each other and with membership changes: a rename is
# applied again on top of the winner, none is lost.
@socks = map {
    open_request('PATCH', "/scim/v2/Groups/$small",
        $_ % 2 ? qq({"Operations":[{"op":"remove","path":"members[value eq \\"$users[$_]\\"]"}]})
               : qq({"Operations":[{"op":"replace","path":"externalId","value":"x$_"},)
                 . qq({"op":"add","path":"members","value":[{"value":"$ENV{TEST_NGINX_U}"}]}]}))
} 0 .. 7;
@status = map { read_response($_, 'PATCH')->{status} } @socks;
is("@status", '204 204 204 204 204 204 204 204', 'all applied');
is(redis_cmd('HLEN', "scim:{default}:group:$small:members"), 37, '4 removed, 1 added');
like(scim_request('GET', "/scim/v2/Groups/$small")->{json}{externalId}, qr/^x[0246]$/, 'one rename won');
my @changed = grep { $_->{changed} =~ /externalId/ } main::events_of($small);
is(scalar(@changed), 4, 'each rename was written');



=== TEST 7: scim_group_display_name_unique off and scim_group_members_max
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_group_display_name_unique off;
        scim_group_members_max 2;
    }
--- perl
my @u = map { main::create_user("m$_\@example.com") } 1 .. 3;
my $a = main::create_group('Same', \@u);
my $b = main::create_group('SAME');
isnt($a, $b, 'two groups may share a name');
my $r = scim_request('GET', "/scim/v2/Groups/$a");
is(scalar(@{ $r->{json}{members} }), 2, 'capped at 2');
is($r->{json}{'urn:ngx-scim:params:scim:schemas:extension:2.0:GroupMembers'}{memberCount}, 3, 'flagged');
$r = scim_request('GET', '/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group');
is($r->{json}{attributes}[0]{uniqueness}, 'none', 'the schema says so');
is(scim_request('DELETE', "/scim/v2/Groups/$a")->{status}, 204, 'one deleted');
is(redis_cmd('HGET', 'scim:{default}:groups:by-name', 'same'), $b, 'the name index points at the other');
$r = scim_request('GET', '/scim/v2/Groups?filter=displayName+eq+%22same%22&excludedAttributes=members');
is($r->{json}{totalResults}, 1, 'found by name');



=== TEST 8: bad directive values fail nginx -t
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_group_members_max 0;
    }
--- nginx_t_fails: value must be between 1 and



=== TEST 9: scim_group_display_name_unique takes on or off
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_group_display_name_unique maybe;
    }
--- nginx_t_fails: scim_group_display_name_unique
