# The user lifecycle the app behind nginx relies on (issue 5, §3, §4, §6):
# deactivation keeps the record, soft and hard DELETE, the claim guard, and
# the attribute names in the events' `changed` (docs/redis-layout.md,
# docs/events.md).
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

our $K = 'scim:{default}';
our $ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
our $TS = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

sub post_user {
    my ($body) = @_;
    my $r = scim_request('POST', '/scim/v2/Users', $body);
    is($r->{status}, 201, "created $body") or diag($r->{body});
    return $r->{json}{id};
}

sub patch_user {
    my ($id, $ops) = @_;
    return scim_request('PATCH', "/scim/v2/Users/$id",
        qq({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[$ops]}));
}

# Every event of the stream, as hashes, optionally only those of one id.
sub events {
    my ($id) = @_;
    my @out;
    for my $e (@{ redis_cmd('XRANGE', "$K:events", '-', '+') }) {
        my %f = @{ $e->[1] };
        push @out, \%f if !defined $id || $f{id} eq $id;
    }
    return @out;
}

sub hash_of {
    my ($key) = @_;
    my %h = @{ redis_cmd('HGETALL', $key) };
    return \%h;
}

# The members of a lexicographic index that name `id`.
sub index_entries_of {
    my ($id) = @_;
    my @hits;
    for my $idx (qw(userName externalId email)) {
        push @hits, grep { /\x00\Q$id\E$/ } @{ redis_cmd('ZRANGE', "$K:users:idx:$idx", 0, -1) };
    }
    return @hits;
}

run_blocks();

__DATA__

=== TEST 1: deactivation and reactivation by PATCH and PUT keep the record; events in order
--- perl
my $id = main::post_user('{"userName":"dade@example.com","active":true,"displayName":"Dade"}');
my $user = "$main::K:user:$id";
my $h = main::hash_of($user);
is($h->{id}, $id, 'the hash names the SCIM id');
is($h->{managedBy}, 'demo', 'managedBy: the token name');
like($h->{managedSince} // '', $main::TS, 'managedSince: a timestamp');
is($h->{managedSince}, $h->{created}, 'managed since its creation');

my $r = main::patch_user($id, '{"op":"replace","path":"active","value":false}');
is($r->{status}, 200, 'PATCH active false');
is(redis_cmd('EXISTS', $user), 1, 'the record is kept');
is(redis_cmd('HGET', $user, 'active'), '0', 'active field 0');
is(scim_request('GET', "/scim/v2/Users/$id")->{json}{active}, JSON::PP::false, 'GET shows it inactive');
my $l = scim_request('GET', '/scim/v2/Users?filter=active%20eq%20false');
is($l->{json}{totalResults}, 1, 'a deactivated user is still listed');

$r = scim_request('PUT', "/scim/v2/Users/$id", '{"userName":"dade@example.com","active":true,"displayName":"Dade"}');
is($r->{status}, 200, 'PUT active true');
$r = scim_request('PUT', "/scim/v2/Users/$id", '{"userName":"dade@example.com","active":false,"displayName":"Dade"}');
is($r->{status}, 200, 'PUT active false');
is(redis_cmd('HGET', $user, 'active'), '0', 'deactivated by PUT');
$r = main::patch_user($id, '{"op":"replace","value":{"active":true}}');
is($r->{status}, 200, 'path-less PATCH active true');
is(redis_cmd('HGET', $user, 'active'), '1', 'reactivated');
$r = main::patch_user($id, '{"op":"replace","path":"displayName","value":"Zero Cool"}');
is($r->{status}, 200, 'a plain update');

my @ev = main::events($id);
is_deeply([map { $_->{type} } @ev],
          [qw(user.created user.deactivated user.reactivated user.deactivated user.reactivated user.updated)],
          'event types in order');
is_deeply([map { $_->{version} } @ev], [1 .. 6], 'versions in order');
is_deeply([map { $_->{changed} } @ev], ['', 'active', 'active', 'active', 'active', 'displayName'],
          'changed names the attribute');
is($ev[-1]{token}, 'demo', 'token name on the event');
is(redis_cmd('HGET', $user, 'managedSince'), $h->{managedSince}, 'managedSince survives updates');
--- no_error_log
[error]



=== TEST 2: soft DELETE (the default): 404 for SCIM, gone from lists and indexes, tombstone kept
--- perl
my $id = main::post_user(qq({"userName":"Soft\@Example.com","externalId":"ext-1","password":"s3cret-pw",
    "emails":[{"value":"soft\@example.com","type":"work"},{"value":"alt\@example.com"}],"active":true}));
my $other = main::post_user('{"userName":"stays@example.com"}');
my $g = scim_request('POST', '/scim/v2/Groups', qq({"displayName":"Staff","members":[{"value":"$id"},{"value":"$other"}]}));
is($g->{status}, 201, 'group with both users');
my $gid = $g->{json}{id};
my $created = redis_cmd('HGET', "$main::K:user:$id", 'created');
is(scalar(main::index_entries_of($id)), 4, 'indexed: userName, externalId, two emails');

my $r = scim_request('DELETE', "/scim/v2/Users/$id");
is($r->{status}, 204, 'DELETE answers 204');
is($r->{body}, '', 'no body');

for my $req (['GET', undef], ['PUT', '{"userName":"soft@example.com"}'],
             ['PATCH', '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}'],
             ['DELETE', undef]) {
    my $x = scim_request($req->[0], "/scim/v2/Users/$id", $req->[1]);
    is($x->{status}, 404, "$req->[0] after the delete: 404");
}
my $list = scim_request('GET', '/scim/v2/Users');
is_deeply([map { $_->{id} } @{ $list->{json}{Resources} }], [$other], 'not in the list');
for my $f ('userName%20eq%20%22soft%40example.com%22', 'externalId%20eq%20%22ext-1%22',
           'emails%20eq%20%22alt%40example.com%22', 'userName%20sw%20%22so%22', 'active%20eq%20true',
           'meta.created%20pr') {
    my $x = scim_request('GET', "/scim/v2/Users?filter=$f");
    ok(!grep({ $_->{id} eq $id } @{ $x->{json}{Resources} || [] }), "not found by $f");
}
is(scalar(main::index_entries_of($id)), 0, 'no index entry left');
for my $z (qw(users users:idx:created users:idx:lastModified)) {
    is(redis_cmd('ZSCORE', "$main::K:$z", $id), undef, "not in $z");
}
is(redis_cmd('HGET', "$main::K:users:by-name", 'soft@example.com'), undef, 'userName released');
is(redis_cmd('EXISTS', "$main::K:user:$id"), 0, 'no user:<id> key');

my $t = main::hash_of("$main::K:deleted-user:$id");
is($t->{id}, $id, 'tombstone: id');
is($t->{userName}, 'Soft@Example.com', 'tombstone: userName as sent');
like($t->{doc}, qr/"externalId":"ext-1"/, 'tombstone: the document');
is($t->{managedBy}, 'demo', 'tombstone: managedBy');
like($t->{managedSince} // '', $main::TS, 'tombstone: managedSince');
is($t->{created}, $created, 'tombstone: created');
is($t->{version}, '2', 'tombstone: version of the delete');
like($t->{deletedAt} // '', $main::TS, 'tombstone: deletedAt');
is($t->{deletedBy}, 'demo', 'tombstone: deletedBy');
is($t->{active}, '1', 'tombstone: active as it was');
ok(!exists $t->{idx}, 'tombstone: no idx');
ok(!exists $t->{password}, 'tombstone: no password hash');
ok(defined redis_cmd('ZSCORE', "$main::K:users:deleted", $id), 'listed in users:deleted');

is(redis_cmd('EXISTS', "$main::K:memberof:$id"), 0, 'memberof gone');
is(redis_cmd('HEXISTS', "$main::K:group:$gid:members", $id), 0, 'not a member any more');
my $gr = scim_request('GET', "/scim/v2/Groups/$gid");
is_deeply([map { $_->{value} } @{ $gr->{json}{members} }], [$other], 'the group lists the other user only');
my $add = scim_request('PATCH', "/scim/v2/Groups/$gid",
    qq({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"$id"}]}]}));
is($add->{status}, 400, 'a deleted user cannot be added to a group');

my @ev = main::events();
my ($gu, $ud) = @ev[-2, -1];
is($gu->{type}, 'group.updated', 'the group changes first');
is($gu->{id}, $gid, '... that group');
is($gu->{membersRemoved}, qq(["$id"]), '... losing the user');
is($ud->{type}, 'user.deleted', 'then user.deleted');
is($ud->{mode}, 'soft', 'mode soft');
is($ud->{version}, '2', 'version of the delete');

my $again = scim_request('POST', '/scim/v2/Users', '{"userName":"soft@example.com","externalId":"ext-1"}');
is($again->{status}, 201, 'the userName is free again');
isnt($again->{json}{id}, $id, 'a new user, with a new id');
is(redis_cmd('HGET', "$main::K:deleted-user:$id", 'userName'), 'Soft@Example.com', 'the tombstone stays');
is(scim_request('GET', "/scim/v2/Users/$id")->{status}, 404, 'the old id stays 404');
--- no_error_log
[error]



=== TEST 3: scim_user_delete hard leaves nothing of the user
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_user_delete hard;
    }
--- perl
my $id = main::post_user('{"userName":"hard@example.com","externalId":"h-1","password":"pw-123456","emails":[{"value":"hard@example.com"}]}');
my $g = scim_request('POST', '/scim/v2/Groups', qq({"displayName":"Ops","members":[{"value":"$id"}]}));
is($g->{status}, 201, 'group');
is(scim_request('DELETE', "/scim/v2/Users/$id")->{status}, 204, 'deleted');
is(scim_request('GET', "/scim/v2/Users/$id")->{status}, 404, '404 afterwards');
for my $key ("user:$id", "deleted-user:$id", "memberof:$id", 'users:deleted') {
    is(redis_cmd('EXISTS', "$main::K:$key"), 0, "no $key");
}
is(scalar(main::index_entries_of($id)), 0, 'no index entry');
for my $z (qw(users users:idx:created users:idx:lastModified)) {
    is(redis_cmd('ZSCORE', "$main::K:$z", $id), undef, "not in $z");
}
is(redis_cmd('HLEN', "$main::K:users:by-name"), 0, 'no name');
is(redis_cmd('HLEN', "$main::K:group:$g->{json}{id}:members"), 0, 'left the group');
my @ev = main::events($id);
is($ev[-1]{type}, 'user.deleted', 'user.deleted');
is($ev[-1]{mode}, 'hard', 'mode hard');
is(scim_request('POST', '/scim/v2/Users', '{"userName":"hard@example.com"}')->{status}, 201, 'name reusable');



=== TEST 4: nginx -t refuses a bad scim_user_delete
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_user_delete archive;
    }
--- nginx_t_fails: invalid scim_user_delete "archive": it must be "soft" or "hard"



=== TEST 5: nginx -t refuses a bad scim_claim_guard
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_claim_guard yes;
    }
--- nginx_t_fails: invalid value "yes" in "scim_claim_guard"



=== TEST 6: the claim guard refuses claimed userNames and emails, and writes nothing
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_claim_guard on;
    }
--- perl
redis_cmd('SADD', "$main::K:claimed", 'ceo@example.com', 'boss');
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"Boss"}');
is($r->{status}, 409, 'claimed userName: 409');
is($r->{json}{scimType}, 'uniqueness', 'scimType uniqueness');
is($r->{json}{status}, '409', 'status as a string');
is($r->{json}{detail}, "userName 'boss' belongs to an account this organisation does not manage",
   'the detail says why');
$r = scim_request('POST', '/scim/v2/Users', '{"userName":"someone","emails":[{"value":"x@example.com"},{"value":"CEO@Example.com"}]}');
is($r->{status}, 409, 'claimed email, any case: 409');
is($r->{json}{detail}, "email 'ceo\@example.com' belongs to an account this organisation does not manage",
   'the detail names the email');
is(redis_cmd('EXISTS', "$main::K:events"), 0, 'no event');
is(redis_cmd('EXISTS', "$main::K:seq"), 0, 'no sequence number taken');
is(redis_cmd('HLEN', "$main::K:users:by-name"), 0, 'no name taken');
is(redis_cmd('ZCARD', "$main::K:users"), 0, 'no user');

my $id = main::post_user('{"userName":"ok@example.com","emails":[{"value":"ok@example.com"}]}');
my $before = main::hash_of("$main::K:user:$id");
my $events = redis_cmd('XLEN', "$main::K:events");
$r = scim_request('PUT', "/scim/v2/Users/$id", '{"userName":"ok@example.com","emails":[{"value":"Ceo@example.com"}]}');
is($r->{status}, 409, 'PUT taking a claimed email: 409');
like($r->{json}{detail}, qr/does not manage/, 'with the detail');
$r = scim_request('PUT', "/scim/v2/Users/$id", '{"userName":"BOSS"}');
is($r->{status}, 409, 'PUT renaming into a claimed userName: 409');
$r = main::patch_user($id, '{"op":"add","path":"emails","value":[{"value":"ceo@example.com"}]}');
is($r->{status}, 409, 'PATCH adding a claimed email: 409');
is_deeply(main::hash_of("$main::K:user:$id"), $before, 'the user is untouched');
is(redis_cmd('XLEN', "$main::K:events"), $events, 'the stream is unchanged');
is(redis_cmd('HGET', "$main::K:users:by-name", 'boss'), undef, 'the name was not taken');

# Claimed later: the user already holds it, so deprovisioning still works.
redis_cmd('SADD', "$main::K:claimed", 'ok@example.com');
$r = scim_request('PUT', "/scim/v2/Users/$id", '{"userName":"ok@example.com","emails":[{"value":"ok@example.com"}],"active":false}');
is($r->{status}, 200, 'a user keeps identifiers it already holds');
$r = main::patch_user($id, '{"op":"replace","path":"active","value":true}');
is($r->{status}, 200, 'PATCH of such a user too');
is(scim_request('POST', '/scim/v2/Users', '{"userName":"free@example.com"}')->{status}, 201,
   'unclaimed identifiers pass');
--- no_error_log
[error]



=== TEST 7: without scim_claim_guard the claimed set is ignored
--- perl
redis_cmd('SADD', "$main::K:claimed", 'boss', 'ceo@example.com');
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"boss","emails":[{"value":"ceo@example.com"}]}');
is($r->{status}, 201, 'the same POST succeeds');



=== TEST 8: `changed` lists the top-level attributes a PUT or PATCH changed
--- perl
my $E = $main::ENTERPRISE;
my $id = main::post_user(qq({"userName":"c\@example.com","displayName":"C","name":{"givenName":"C","familyName":"D"},
    "emails":[{"value":"c\@example.com","type":"work"}],"$E":{"department":"Sales","employeeNumber":"7"}}));
my @cases = (
    ['PUT', qq({"userName":"c\@example.com","displayName":"C2","name":{"familyName":"D","givenName":"C"},
        "emails":[{"type":"work","value":"c\@example.com"}],"$E":{"employeeNumber":"7","department":"Sales"}}),
     'displayName', 'PUT: only the attribute whose value changed, whatever the key order'],
    ['PUT', qq({"userName":"c\@example.com","displayName":"C2","name":{"givenName":"C","familyName":"D"},
        "emails":[{"value":"c\@example.com","type":"work"}],"$E":{"department":"Sales","employeeNumber":"7"}}),
     undef, 'PUT of the same document: no new version, no event'],
    ['PUT', qq({"userName":"C\@example.com","title":"Boss","name":{"givenName":"Cee","familyName":"D"},
        "emails":[{"value":"c\@example.com","type":"work"}],"$E":{"department":"Ops","employeeNumber":"7"}}),
     "displayName,name,title,$E:department,userName", 'PUT: removed, added, nested and extension attributes'],
    ['PUT', qq({"userName":"C\@example.com","title":"Boss","name":{"givenName":"Cee","familyName":"D"},
        "emails":[{"value":"c\@example.com","type":"work"}],"password":"n3w-Passw0rd"}),
     "password,$E:department,$E:employeeNumber", 'PUT: a password and a whole extension removed'],
    ['PATCH', '{"op":"replace","path":"emails[type eq \"work\"].value","value":"c2@example.com"}',
     'emails', 'PATCH of a sub-attribute: the top-level attribute'],
    ['PATCH', qq({"op":"add","path":"$E:manager","value":"$id"}), "$E:manager",
     'PATCH of an extension attribute: qualified by the URN'],
    ['PATCH', '{"op":"replace","value":{"nickName":"Cc","active":false}}', 'active,nickName',
     'path-less PATCH: each attribute'],
);
for my $c (@cases) {
    my ($method, $body, $want, $name) = @$c;
    my $before = () = main::events($id);
    my $r = $method eq 'PUT' ? scim_request('PUT', "/scim/v2/Users/$id", $body) : main::patch_user($id, $body);
    is($r->{status}, 200, "$name: 200") or diag($r->{body});
    my @ev = main::events($id);
    if (!defined $want) {
        is(scalar(@ev), $before, $name);
        next;
    }
    is($ev[-1]{changed}, $want, $name);
}
is((main::events($id))[-1]{type}, 'user.deactivated', 'the last one deactivated');
--- no_error_log
[error]
