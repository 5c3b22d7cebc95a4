# Roles (issue 5 §5) against a real nginx and redis-server: groups mapped to
# roles in nginx.conf and per tenant in Redis, the effective role kept in
# the same step as every membership change, user.role_changed events, the
# synthetic groups, and the role under concurrent membership PATCHes.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;
use Digest::SHA qw(sha1 sha256_hex);

$ENV{TEST_NGINX_GLOBEX_HASH} = sha256_hex('token-globex');

my $PATCH_OP = '"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]';

sub create_user {
    my ($name, $headers) = @_;
    my $r = scim_request('POST', '/scim/v2/Users', qq({"userName":"$name"}), $headers);
    die "create user: $r->{status} $r->{body}" unless $r->{status} == 201;
    return $r->{json}{id};
}

sub create_group {
    my ($name, $members, $headers) = @_;
    my $list = join ',', map { qq({"value":"$_"}) } @{ $members || [] };
    my $r = scim_request('POST', '/scim/v2/Groups', qq({"displayName":"$name","members":[$list]}),
                         $headers);
    die "create group: $r->{status} $r->{body}" unless $r->{status} == 201;
    return $r->{json}{id};
}

sub patch_group {
    my ($gid, $op, $headers) = @_;
    return scim_request('PATCH', "/scim/v2/Groups/$gid", qq({$PATCH_OP,"Operations":[$op]}),
                        $headers);
}

sub add_member { patch_group($_[0], qq({"op":"add","path":"members","value":[{"value":"$_[1]"}]}), $_[2]) }
sub remove_member { patch_group($_[0], qq({"op":"remove","path":"members[value eq \\"$_[1]\\"]"}), $_[2]) }

sub role_of {
    my ($id, $tenant) = @_;
    $tenant //= 'default';
    return redis_cmd('HGET', "scim:{$tenant}:roles", $id) // '';
}

# The stream's entries as hashes, in order.
sub events {
    my ($tenant) = @_;
    $tenant //= 'default';
    return map { +{ @{ $_->[1] } } } @{ redis_cmd('XRANGE', "scim:{$tenant}:events", '-', '+') };
}

# "previous>role" for each user.role_changed of `id`, in order.
sub role_changes {
    my ($id) = @_;
    return map { "$_->{previousRole}>$_->{role}" }
           grep { $_->{type} eq 'user.role_changed' && $_->{id} eq $id } events();
}

# RFC 4122 version 5 in the module's namespace (docs/roles.md).
sub uuid5 {
    my ($name) = @_;
    my @b = unpack 'C16', sha1(pack('H*', '523a7f5bbb0a49b39a10c153977ec14b') . $name);
    $b[6] = ($b[6] & 0x0f) | 0x50;
    $b[8] = ($b[8] & 0x3f) | 0x80;
    my $h = unpack 'H*', pack 'C16', @b;
    return join '-', substr($h, 0, 8), substr($h, 8, 4), substr($h, 12, 4), substr($h, 16, 4),
                     substr($h, 20);
}

run_blocks();

__DATA__

=== TEST 1: the highest-priority group wins, removal falls back, default role, events in order
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH okta;
        scim_role_group "Tability Owners" owner 100;
        scim_role_group "Tability Admins" admin 50;
        scim_role_group "IT" itadmin 40;
        scim_role_default user;
    }
--- perl
my $alice = main::create_user('alice@example.com');
is(main::role_of($alice), 'user', 'a new user gets the default role');
my $admins = main::create_group('Tability Admins', [$alice]);
is(main::role_of($alice), 'admin', 'POST /Groups with members sets the role');
my $owners = main::create_group('Tability Owners');
is(main::add_member($owners, $alice)->{status}, 204, 'added to the owners');
is(main::role_of($alice), 'owner', 'in two mapped groups: the higher priority wins');
my $it = main::create_group('it', [$alice]);
is(main::role_of($alice), 'owner', 'a lower-priority group changes nothing');
is(main::remove_member($owners, $alice)->{status}, 204, 'removed from the owners');
is(main::role_of($alice), 'admin', 'falls back to the next group');
main::remove_member($admins, $alice);
is(main::role_of($alice), 'itadmin', 'displayName matches case-insensitively ("it" is "IT")');
main::remove_member($it, $alice);
is(main::role_of($alice), 'user', 'in no mapped group: the default');
main::add_member($it, $alice);
main::add_member($it, $alice);
is_deeply([main::role_changes($alice)],
          ['>user', 'user>admin', 'admin>owner', 'owner>admin', 'admin>itadmin', 'itadmin>user',
           'user>itadmin'],
          'one user.role_changed per change, in order; none for a write that changes nothing');

my @events = main::events();
my ($change) = grep { $_->{type} eq 'user.role_changed' && $_->{role} eq 'owner' } @events;
is($change->{resourceType}, 'User', 'resourceType User');
is($change->{version}, '1', "version: the user's (a role is not part of the SCIM resource)");
is($change->{token}, 'okta', 'token');
is($change->{changed}, 'role', 'changed');
like($change->{time}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'time');
my @kinds = map { $_->{type} } @events;
is_deeply([@kinds[0 .. 4]], ['user.created', 'user.role_changed', 'group.created',
                              'user.role_changed', 'group.created'],
          'each role change follows the write that caused it, in the same step');
is(redis_cmd('TYPE', 'scim:{default}:roles'), 'hash', 'roles is a hash');



=== TEST 2: a rename, PUT, group delete and user delete recompute the roles
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH okta;
        scim_role_group "Tability Owners" owner 100;
        scim_role_group "IT" itadmin 40;
        scim_role_default user;
        scim_user_delete hard;
    }
--- perl
my $bob = main::create_user('bob@example.com');
my $carol = main::create_user('carol@example.com');
my $eng = main::create_group('Engineering', [$bob, $carol]);
is(main::role_of($bob), 'user', 'an unmapped group gives no role');
my $r = main::patch_group($eng, '{"op":"replace","value":{"displayName":"IT"}}');
is($r->{status}, 204, 'renamed to IT');
is(main::role_of($bob), 'itadmin', 'the rename maps the group: bob ...');
is(main::role_of($carol), 'itadmin', '... and carol');
$r = main::patch_group($eng, '{"op":"replace","value":{"displayName":"it"}}');
is_deeply([main::role_changes($bob)], ['>user', 'user>itadmin'], 'a change of case changes nothing');

$r = scim_request('PUT', "/scim/v2/Groups/$eng", qq({"displayName":"IT","members":[{"value":"$carol"}]}));
is($r->{status}, 200, 'PUT keeps only carol');
is(main::role_of($bob), 'user', 'bob left by PUT: default');
is(main::role_of($carol), 'itadmin', 'carol stays');
$r = main::patch_group($eng, qq({"op":"replace","path":"members","value":[{"value":"$bob"}]}));
is(main::role_of($bob), 'itadmin', 'replace of members: bob in');
is(main::role_of($carol), 'user', 'carol out');
main::patch_group($eng, '{"op":"replace","value":{"displayName":"Platform"}}');
is(main::role_of($bob), 'user', 'renamed away from a mapped name: the role goes');

my $owners = main::create_group('Tability Owners', [$bob, $carol]);
is(main::role_of($bob), 'owner', 'bob owner');
is(scim_request('DELETE', "/scim/v2/Groups/$owners")->{status}, 204, 'owners deleted');
is(main::role_of($bob), 'user', 'deleting the group recomputes its members: bob');
is(main::role_of($carol), 'user', '... and carol');

main::add_member($eng, $bob);
main::patch_group($eng, '{"op":"replace","value":{"displayName":"IT"}}');
is(main::role_of($bob), 'itadmin', 'bob itadmin again');
is(scim_request('DELETE', "/scim/v2/Users/$bob")->{status}, 204, 'bob deleted');
is(redis_cmd('HEXISTS', 'scim:{default}:roles', $bob), 0, 'the role is gone with the user');
my @tail = map { "$_->{type}:$_->{id}:" . ($_->{role} // '') } (main::events())[-3 .. -1];
is_deeply(\@tail, ["group.updated:$eng:", "user.role_changed:$bob:", "user.deleted:$bob:"],
          'group.updated, then user.role_changed to no role, then user.deleted');
is((main::role_changes($bob))[-1], 'itadmin>', 'previousRole says what was taken away');



=== TEST 3: without a default a user in no mapped group has no role; ties; no mapping keeps nothing
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH okta;
        scim_role_group "Beta" beta 10;
        scim_role_group "Alpha" alpha 10;
    }
    location /plain/scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH okta;
        scim_tenant plain;
    }
--- perl
my $dan = main::create_user('dan@example.com');
is(redis_cmd('HEXISTS', 'scim:{default}:roles', $dan), 0, 'no default: no role field');
is(scalar(main::role_changes($dan)), 0, 'and no event');
my $beta = main::create_group('Beta', [$dan]);
is(main::role_of($dan), 'beta', 'beta');
main::create_group('Alpha', [$dan]);
is(main::role_of($dan), 'alpha', 'equal priorities: the role that sorts first wins');
main::remove_member($beta, $dan);
is(main::role_of($dan), 'alpha', 'still alpha');
main::patch_group($beta, qq({"op":"add","path":"members","value":[{"value":"$dan"}]}));
is_deeply([main::role_changes($dan)], ['>beta', 'beta>alpha'], 'no event when the winner stays');

my $r = scim_request('POST', '/plain/scim/v2/Users', '{"userName":"erin"}');
my $erin = $r->{json}{id};
scim_request('POST', '/plain/scim/v2/Groups', qq({"displayName":"Alpha","members":[{"value":"$erin"}]}));
is(redis_cmd('EXISTS', 'scim:{plain}:roles'), 0, 'a location without mapping keeps no roles');
is(scalar(grep { $_->{type} eq 'user.role_changed' } main::events('plain')), 0, 'and sends no role events');



=== TEST 4: the per-tenant map in Redis replaces the nginx.conf mapping of that tenant
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH okta;
        scim_token $TEST_NGINX_GLOBEX_HASH globex tenant=globex;
        scim_role_group "Tability Admins" admin 50;
        scim_role_group "IT" itadmin 40;
        scim_synthetic_group "Staff" itadmin 60;
        scim_role_default user;
    }
--- perl
redis_cmd('HSET', 'scim:{default}:roles:map', 'tability admins', 'readonly 5',
          'Engineering', 'admin 70', 'broken', 'owner');
my $alice = main::create_user('alice@example.com');
my $admins = main::create_group('Tability Admins', [$alice]);
is(main::role_of($alice), 'readonly', 'the map, not nginx.conf, maps Tability Admins');
my $it = main::create_group('IT', [$alice]);
is(main::role_of($alice), 'readonly', 'IT is not in the map: unmapped for this tenant');
my $broken = main::create_group('broken', [$alice]);
is(main::role_of($alice), 'readonly', 'a malformed entry is skipped');
my $eng = main::create_group('engineering', [$alice]);
is(main::role_of($alice), 'admin', 'map fields are matched case-insensitively too');

my $list = scim_request('GET', '/scim/v2/Groups?filter=displayName%20eq%20%22Staff%22');
my $staff = $list->{json}{Resources}[0]{id};
ok($staff, 'the synthetic group exists');
my $bob = main::create_user('bob@example.com');
main::add_member($staff, $bob);
is(main::role_of($bob), 'itadmin', 'a synthetic group keeps its own rule beside the map');
redis_cmd('HSET', 'scim:{default}:roles:map', 'staff', 'owner 200');
is(main::role_of($bob), 'itadmin', 'changing the map recomputes nobody ...');
main::add_member($admins, $bob);
is(main::role_of($bob), 'owner', '... until their next membership change; the map can remap a synthetic group');

my %globex = (Authorization => 'Bearer token-globex');
my $g = main::create_user('gina@example.com', \%globex);
main::create_group('IT', [$g], \%globex);
is(main::role_of($g, 'globex'), 'itadmin', 'a tenant without a map uses nginx.conf');



=== TEST 5: synthetic groups: listed, deterministic, not creatable, renamable or deletable; membership sets the role
--- main_config
worker_processes 2;
--- skip_valgrind
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH okta;
        scim_token $TEST_NGINX_GLOBEX_HASH globex tenant=globex;
        scim_synthetic_group Admins admin 100;
        scim_synthetic_group "Users" user 10;
        scim_synthetic_group "All staff";
    }
--- perl
my ($admins, $users, $all) = map { main::uuid5("default/$_") } ('admins', 'users', 'all staff');
my $r = scim_request('GET', '/scim/v2/Groups?sortBy=displayName');
is($r->{status}, 200, 'GET /Groups');
is_deeply([map { "$_->{displayName}=$_->{id}" } @{ $r->{json}{Resources} }],
          ["Admins=$admins", "All staff=$all", "Users=$users"],
          'the synthetic groups are listed, with ids from the documented UUIDv5');
# Every worker makes sure they exist; only the first creates them.
for (1 .. 6) { scim_request('GET', '/scim/v2/Users') }
is(scalar(grep { $_->{type} eq 'group.created' } main::events()), 3, 'created once, with an event each');
my ($created) = grep { $_->{type} eq 'group.created' } main::events();
is($created->{token}, '', 'made by the module, not by a token');
is(redis_cmd('HGET', "scim:{default}:group:$admins", 'synthetic'), '1', 'marked synthetic in Redis');
$r = scim_request('GET', '/scim/v2/Groups?filter=displayName%20eq%20%22admins%22&excludedAttributes=members');
is_deeply([map { $_->{id} } @{ $r->{json}{Resources} }], [$admins], "Entra's displayName filter finds it");
$r = scim_request('GET', '/scim/v2/Groups', undef, { Authorization => 'Bearer token-globex' });
my %other = map { $_->{displayName} => $_->{id} } @{ $r->{json}{Resources} };
is($other{Admins}, main::uuid5('globex/admins'), 'another tenant has its own Admins, with its own id');

$r = scim_request('POST', '/scim/v2/Groups', '{"displayName":"ADMINS"}');
is($r->{status}, 409, 'POST with the name of a synthetic group: 409');
is($r->{json}{scimType}, 'uniqueness', '... uniqueness');
like($r->{json}{detail}, qr/built-in group/, '... saying why');
$r = scim_request('PUT', "/scim/v2/Groups/$admins", '{"displayName":"Administrators"}');
is($r->{status}, 400, 'PUT that renames it: 400');
is($r->{json}{scimType}, 'mutability', '... mutability');
like($r->{json}{detail}, qr/Group 'Admins' is built in .* cannot be renamed/, '... saying why');
$r = main::patch_group($admins, '{"op":"replace","path":"displayName","value":"Root"}');
is($r->{status}, 400, 'PATCH that renames it: 400');
is($r->{json}{scimType}, 'mutability', '... mutability');
$r = scim_request('DELETE', "/scim/v2/Groups/$admins");
is($r->{status}, 400, 'DELETE: 400');
is($r->{json}{scimType}, 'mutability', '... mutability');
like($r->{json}{detail}, qr/cannot be deleted; remove its members instead/, '... saying what to do');
is(redis_cmd('EXISTS', "scim:{default}:group:$admins"), 1, 'still there');
my $eng = main::create_group('Engineering');
$r = main::patch_group($eng, '{"op":"replace","value":{"displayName":"users"}}');
is($r->{status}, 409, 'renaming another group to a synthetic name: 409');

my $alice = main::create_user('alice@example.com');
$r = main::patch_group($admins, qq({"op":"replace","value":{"id":"$admins","displayName":"Admins"}}));
is($r->{status}, 204, "Okta's path-less replace with the same name is accepted");
is(main::add_member($users, $alice)->{status}, 204, 'the IdP adds alice to Users');
is(main::role_of($alice), 'user', 'Users gives user');
main::add_member($admins, $alice);
is(main::role_of($alice), 'admin', 'Admins outranks Users');
main::add_member($all, $alice);
is(main::role_of($alice), 'admin', 'a synthetic group without a role maps nothing');
$r = scim_request('PUT', "/scim/v2/Groups/$admins", '{"displayName":"Admins","members":[]}');
is($r->{status}, 200, 'PUT of its members is allowed');
is(main::role_of($alice), 'user', 'back to user');
$r = scim_request('GET', "/scim/v2/Users/$alice");
is_deeply([sort map { $_->{display} } @{ $r->{json}{groups} }], ['All staff', 'Users'], 'User.groups lists them');



=== TEST 6: the synthetic groups come back when Redis restarts empty
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH okta;
        scim_synthetic_group Admins admin 100;
    }
--- perl
my $admins = main::uuid5('default/admins');
scim_request('GET', '/scim/v2/Groups');
is(redis_cmd('EXISTS', "scim:{default}:group:$admins"), 1, 'created at the first request');
stop_redis();
start_redis();
ok(wait_until(sub { scim_request('GET', '/scim/v2/Groups')->{status} == 200 }, 15),
   'the worker reconnects');
my $r = scim_request('GET', "/scim/v2/Groups/$admins");
is($r->{status}, 200, 'the reconnected worker created them again');
is($r->{json}{displayName}, 'Admins', 'same id, same name');



=== TEST 7: 50 concurrent membership PATCHes on two mapped groups: the final role is what the final memberships imply
--- main_config
worker_processes 2;
--- skip_valgrind
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH okta;
        scim_role_group "Tability Owners" owner 100;
        scim_role_group "Tability Admins" admin 50;
        scim_role_default user;
    }
--- timeout: 30
--- perl
my @users = map { main::create_user("u$_\@example.com") } 1 .. 5;
my %name = map { $users[$_ - 1] => "u$_" } 1 .. 5;
my %group = (owners => main::create_group('Tability Owners'), admins => main::create_group('Tability Admins'));
srand(20261123);
my @socks;
for my $i (1 .. 50) {
    my $gid = $group{ (qw(owners admins))[int rand 2] };
    my $u = $users[int rand @users];
    my $kind = int rand 5;
    my $op = $kind < 2 ? qq({"op":"add","path":"members","value":[{"value":"$u"}]})
           : $kind < 4 ? qq({"op":"remove","path":"members[value eq \\"$u\\"]"})
           : '{"op":"replace","path":"members","value":['
             . join(',', map { qq({"value":"$_"}) } grep { rand() < 0.5 } @users) . ']}';
    push @socks, open_request('PATCH', "/scim/v2/Groups/$gid",
        qq({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[$op]}));
}
my @status = map { read_response($_)->{status} // 0 } @socks;
is(scalar(grep { $_ == 204 } @status), 50, 'all 50 PATCHes answered 204') or diag "@status";
for my $u (@users) {
    my $in_owners = redis_cmd('HEXISTS', "scim:{default}:group:$group{owners}:members", $u);
    my $in_admins = redis_cmd('HEXISTS', "scim:{default}:group:$group{admins}:members", $u);
    my $want = $in_owners ? 'owner' : $in_admins ? 'admin' : 'user';
    is(main::role_of($u), $want, "$name{$u}: the role its final memberships imply");
    my @chain = main::role_changes($u);
    my $ok = 1;
    my $prev = '';
    for my $c (@chain) {
        my ($from, $to) = split />/, $c, 2;
        $to //= '';
        $ok = 0 if $from ne $prev || $from eq $to;
        $prev = $to;
    }
    ok($ok && $prev eq $want, "$name{$u}: its role events chain up to it (@chain)");
}



=== TEST 8: nginx -t refuses a bad priority
--- config
    location /scim/v2/ {
        scim;
        scim_role_group "Owners" owner high;
    }
--- nginx_t_fails: invalid priority "high": an integer from 0 to 1000000 is expected



=== TEST 9: nginx -t refuses a bad role name
--- config
    location /scim/v2/ {
        scim;
        scim_role_default "read only";
    }
--- nginx_t_fails: invalid scim_role_default "read only": role may only contain



=== TEST 10: nginx -t refuses a group mapped twice
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH okta;
        scim_role_group "Owners" owner 100;
        scim_synthetic_group owners owner 100;
    }
--- nginx_t_fails: group "Owners" is mapped more than once



=== TEST 11: mappings are inherited as a whole from the enclosing level
--- http_config
    scim_role_group "Admins" admin 50;
    scim_role_default readonly;
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH okta;
    }
--- perl
my $u = main::create_user('a@example.com');
is(main::role_of($u), 'readonly', 'the default from http{}');
main::create_group('admins', [$u]);
is(main::role_of($u), 'admin', 'the mapping from http{}');



=== TEST 90: scim_role_on_deactivate drop: deactivation takes the role, reactivation restores it
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_role_group "Admins" admin 100;
        scim_role_default user;
        scim_role_on_deactivate drop;
    }
--- perl
my $u = scim_request('POST', '/scim/v2/Users', '{"userName":"d1"}');
my $uid = $u->{json}{id};
is(redis_cmd('HGET', 'scim:{default}:roles', $uid), 'user', 'default role on create');
my $g = scim_request('POST', '/scim/v2/Groups', qq({"displayName":"Admins","members":[{"value":"$uid"}]}));
is($g->{status}, 201, 'group');
is(redis_cmd('HGET', 'scim:{default}:roles', $uid), 'admin', 'admin by group');
my $p = scim_request('PATCH', "/scim/v2/Users/$uid",
    '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}');
is($p->{status}, 200, 'deactivated');
is(redis_cmd('HGET', 'scim:{default}:roles', $uid), undef, 'no role while inactive');
ok(redis_cmd('EXISTS', "scim:{default}:user:$uid"), 'the record is kept');
my $r = scim_request('PUT', "/scim/v2/Users/$uid", '{"userName":"d1","active":true}');
is($r->{status}, 200, 'reactivated by PUT');
is(redis_cmd('HGET', 'scim:{default}:roles', $uid), 'admin', 'the groups\' role is back');
my $c = scim_request('POST', '/scim/v2/Users', '{"userName":"d2","active":false}');
is(redis_cmd('HGET', 'scim:{default}:roles', $c->{json}{id}), undef, 'created inactive: no default role');
my $events = redis_cmd('XRANGE', 'scim:{default}:events', '-', '+');
my @roles = map { my %f = @{$_->[1]}; $f{type} eq 'user.role_changed' && $f{id} eq $uid ? "$f{previousRole}>$f{role}" : () } @$events;
is(join(',', @roles), '>user,user>admin,admin>,>admin', 'role events in order');



=== TEST 91: scim_role_on_deactivate takes keep or drop
--- config
    location /scim/v2/ { scim; scim_token $TEST_NGINX_TOKEN_HASH; scim_role_on_deactivate sometimes; }
--- nginx_t_fails: invalid value "sometimes"
