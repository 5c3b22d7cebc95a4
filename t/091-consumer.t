# The sample consumer (examples/consumer/scim_consumer.py) against a real
# nginx and redis-server: a provisioning session goes through the module,
# the consumer crashes between applying and acknowledging, is restarted or
# replaced, and its SQLite mirror must then equal what GET answers, with
# every stream entry applied exactly once.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use JSON::PP ();

my $PY = '/usr/bin/python3';   # Debian's, which python3-redis installs into
my $CONSUMER = dirname(abs_path(__FILE__)) . '/../examples/consumer/scim_consumer.py';
our $STREAM = 'scim:{default}:events';
my $JSON = JSON::PP->new->utf8->canonical;

if (system($PY, '-c', 'import redis, sqlite3') != 0) {
    plan(skip_all => "$PY cannot import redis (apt-get install python3-redis, or make deps)");
}

# --- the SCIM side -------------------------------------------------------------

sub ok_request {
    my ($method, $uri, $body, $want) = @_;
    my $r = scim_request($method, $uri, $body);
    is($r->{status}, $want, "$method $uri") or diag $r->{body};
    return $r;
}

sub create_user {
    my ($name, $active) = @_;
    return ok_request('POST', '/scim/v2/Users',
        qq({"userName":"$name","displayName":"$name","active":$active}), 201)->{json}{id};
}

sub create_group {
    my ($name, @members) = @_;
    my $list = join ',', map { qq({"value":"$_"}) } @members;
    return ok_request('POST', '/scim/v2/Groups', qq({"displayName":"$name","members":[$list]}),
                      201)->{json}{id};
}

sub patch {
    my ($uri, @ops) = @_;
    return ok_request('PATCH', $uri, '{"Operations":[' . join(',', @ops) . ']}', 200)
        if $uri =~ m{/Users/};
    return ok_request('PATCH', $uri, '{"Operations":[' . join(',', @ops) . ']}', 204);
}

# --- the consumer and its store ------------------------------------------------

# Each block its own store (Redis is flushed between blocks, the files stay).
sub db_path {
    my ($name) = @_;
    $name //= 'app-' . (block_name() =~ /TEST (\d+)/)[0] . '.sqlite';
    return servroot() . "/$name";
}

# Runs the consumer to completion (--once); returns (exit status, its stats).
sub consumer {
    my (%o) = @_;
    my $out = servroot() . '/consumer.out';
    my @cmd = ($PY, $CONSUMER, '--redis', "unix:$ENV{TEST_NGINX_REDIS_SOCKET}",
               '--prefix', 'scim:', '--tenant', 'default', '--db', db_path($o{db}),
               '--group', $o{group} || 'app', '--consumer', $o{consumer} || 'w1', '--once', '-v',
               @{ $o{args} || [] });
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        open STDOUT, '>', $out or die;
        open STDERR, '>>', servroot() . '/consumer.log' or die;
        exec @cmd or exit 127;
    }
    waitpid $pid, 0;
    my $status = $? >> 8;
    open my $fh, '<', $out or die "$out: $!";
    my $text = do { local $/; <$fh> };
    return ($status, $text =~ /\S/ ? $JSON->decode($text) : undef);
}

# The SQLite store, read with python3's sqlite3: {table => [rows]}.
sub mirror {
    my ($db) = @_;
    my $code = <<'PY';
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.row_factory = sqlite3.Row
tables = ('users', 'groups', 'members', 'applied', 'stream_cursor')
print(json.dumps({t: [dict(r) for r in db.execute('SELECT * FROM %s ORDER BY rowid' % t)]
                  for t in tables}))
PY
    open my $fh, '-|', $PY, '-c', $code, db_path($db) or die "python3: $!";
    my $text = do { local $/; <$fh> };
    close $fh or die "reading the store failed";
    return $JSON->decode($text);
}

sub stream_ids { [ map { $_->[0] } @{ redis_cmd('XRANGE', $STREAM, '-', '+') } ] }

sub pending_count {
    my ($group) = @_;
    return redis_cmd('XPENDING', $STREAM, $group || 'app')->[0];
}

# What a user or group looks like without what the store keeps elsewhere.
sub strip {
    my ($json, @drop) = @_;
    my %doc = %$json;
    delete @doc{ 'id', 'meta', 'schemas', @drop };
    return \%doc;
}

# Every entry applied exactly once, in stream order, and the cursor at the end.
sub applied_exactly_once {
    my ($m, $what) = @_;
    my @applied = map { $_->{entry_id} } @{ $m->{applied} };
    my %seen;
    is(scalar(grep { $seen{$_}++ } @applied), 0, "$what: no entry applied twice");
    is_deeply(\@applied, stream_ids(), "$what: every stream entry applied, in order");
    is($m->{stream_cursor}[0]{last_id}, stream_ids()->[-1], "$what: cursor at the last entry");
}

# The mirror equals what the module serves.
sub mirror_matches_module {
    my ($m, $what) = @_;
    my %members_of;   # member id → group ids
    my %members;      # group id → "id type display" lines
    for my $row (@{ $m->{members} }) {
        push @{ $members_of{ $row->{member_id} } }, $row->{group_id};
        push @{ $members{ $row->{group_id} } }, "$row->{member_id} $row->{type} $row->{display}";
    }
    my $list = scim_request('GET', '/scim/v2/Users?count=1000')->{json};
    my @alive = grep { !$_->{deleted} } @{ $m->{users} };
    is_deeply([ sort map { $_->{id} } @alive ], [ sort map { $_->{id} } @{ $list->{Resources} } ],
              "$what: the same users");
    for my $u (@{ $m->{users} }) {
        my $r = scim_request('GET', "/scim/v2/Users/$u->{id}");
        if ($u->{deleted}) {
            is($r->{status}, 404, "$what: deleted user $u->{id} is gone from SCIM");
            ok(!$members_of{ $u->{id} }, "$what: deleted user $u->{id} is in no group");
            next;
        }
        my $g = $r->{json};
        is($u->{user_name}, $g->{userName}, "$what: userName of $g->{userName}");
        is(qq(W/"$u->{version}"), $g->{meta}{version}, "$what: version of $g->{userName}");
        is($u->{active}, exists $g->{active} ? ($g->{active} ? 1 : 0) : undef,
           "$what: active of $g->{userName}");
        is_deeply($JSON->decode($u->{doc}), strip($g, 'groups'), "$what: document of $g->{userName}");
        is_deeply([ sort @{ $members_of{ $u->{id} } || [] } ],
                  [ sort map { $_->{value} } @{ $g->{groups} || [] } ], "$what: groups of $g->{userName}");
        is($u->{managed_by}, 'demo', "$what: $g->{userName} is managed by the token");
    }
    my $groups = scim_request('GET', '/scim/v2/Groups?count=1000')->{json};
    is_deeply([ sort map { $_->{id} } @{ $m->{groups} } ],
              [ sort map { $_->{id} } @{ $groups->{Resources} } ], "$what: the same groups");
    for my $row (@{ $m->{groups} }) {
        my $g = scim_request('GET', "/scim/v2/Groups/$row->{id}")->{json};
        is($row->{display_name}, $g->{displayName}, "$what: displayName of $g->{displayName}");
        is(qq(W/"$row->{version}"), $g->{meta}{version}, "$what: version of $g->{displayName}");
        is_deeply($JSON->decode($row->{doc}), strip($g, 'members'), "$what: document of $g->{displayName}");
        is_deeply([ sort @{ $members{ $row->{id} } || [] } ],
                  [ sort map { "$_->{value} $_->{type} $_->{display}" } @{ $g->{members} || [] } ],
                  "$what: members of $g->{displayName}");
    }
}

# A group mapped to a role (issue 5 §5), so role events are part of the run.
sub roles_directive { return 'scim_role_group "Admins" admin 100;' }

run_blocks();

__DATA__

=== TEST 1: crash between applying and acknowledging, restart under the same name
--- perl
my $alice = main::create_user('alice@example.com', 'true');
my $bob = main::create_user('bob@example.com', 'true');
my $carol = main::create_user('carol@example.com', 'true');
main::ok_request('PUT', "/scim/v2/Users/$alice",
    q({"userName":"alice@example.com","displayName":"Alice Liddell","active":true}), 200);
main::patch("/scim/v2/Users/$bob", q({"op":"replace","path":"active","value":false}));
my $eng = main::create_group('Engineering', $alice, $bob);
main::patch("/scim/v2/Groups/$eng", qq({"op":"add","path":"members","value":[{"value":"$carol"}]}));
main::patch("/scim/v2/Groups/$eng", qq({"op":"remove","path":"members[value eq \\"$bob\\"]"}));
is(redis_cmd('XLEN', $main::STREAM), 8, 'eight events so far');

# Reads 3 at a time, acknowledging each batch once applied: the crash after
# the 5th leaves 4 and 5 applied but unacknowledged, 6 delivered, unapplied.
my ($status, $stats) = main::consumer(args => ['--count', 3, '--crash-after', 5]);
is($status, 75, 'the consumer "crashed"');
my $m = main::mirror();
is(scalar(@{ $m->{applied} }), 5, 'five applied');
is(main::pending_count(), 3, 'three delivered and not acknowledged');
is($m->{stream_cursor}[0]{last_id}, main::stream_ids()->[4], 'the cursor is at the fifth');

# Meanwhile the IdP goes on.
is(scim_request('DELETE', "/scim/v2/Users/$carol")->{status}, 204, 'carol deleted');
main::patch("/scim/v2/Users/$bob", q({"op":"replace","path":"active","value":true}));
main::patch("/scim/v2/Groups/$eng", q({"op":"replace","path":"displayName","value":"Eng"}));
my $temp = main::create_group('Temp', $alice, $eng);
is(scim_request('DELETE', "/scim/v2/Groups/$temp")->{status}, 204, 'Temp deleted');
main::patch("/scim/v2/Users/$alice", q({"op":"replace","value":{"title":"CTO","name.givenName":"Alice"}}));

($status, $stats) = main::consumer();
is($status, 0, 'the restarted consumer exits cleanly');
is($stats->{skipped}, 2, 'the two applied before the crash are recognised') or diag explain $stats;
is($stats->{applied}, redis_cmd('XLEN', $main::STREAM) - 5, 'the rest is applied once');
is($stats->{lost}, 0, 'nothing lost');
is(main::pending_count(), 0, 'everything acknowledged');
$m = main::mirror();
main::applied_exactly_once($m, 'after the restart');
main::mirror_matches_module($m, 'after the restart');
my ($carol_row) = grep { $_->{id} eq $carol } @{ $m->{users} };
is($carol_row->{deleted}, 1, 'carol is kept as deleted');
my ($bob_row) = grep { $_->{id} eq $bob } @{ $m->{users} };
is($bob_row->{active}, 1, 'bob deactivated, then reactivated');

# Only a member's display changes: the event lists no ids.
main::patch("/scim/v2/Groups/$eng", qq({"op":"add","path":"members","value":[{"value":"$alice","display":"Alice L."}]}));
($status, $stats) = main::consumer();
is($stats->{applied}, 1, 'the display change applied');
$m = main::mirror();
main::applied_exactly_once($m, 'after a display change');
main::mirror_matches_module($m, 'after a display change');

# Nothing new: nothing applied.
($status, $stats) = main::consumer();
is_deeply([$status, $stats->{applied}, $stats->{skipped}], [0, 0, 0], 'an idle run changes nothing');

# The group delivers everything again (a consumer group reset to 0): every
# entry is recognised, none applied twice.
redis_cmd('XGROUP', 'SETID', $main::STREAM, 'app', '0');
($status, $stats) = main::consumer();
is($stats->{skipped}, redis_cmd('XLEN', $main::STREAM), 'a full redelivery is all skipped');
is($stats->{applied}, 0, 'and nothing is applied twice');
my $again = main::mirror();
is_deeply($again, $m, 'the store is unchanged');



=== TEST 2: another consumer takes the crashed one's entries over (XAUTOCLAIM); a new store replays the stream
--- perl
my @u = map { main::create_user("u$_\@example.com", 'true') } 1 .. 4;
my $g = main::create_group('Sales', @u[0, 1]);
my $outer = main::create_group('Everyone', $g, $u[2]);
main::patch("/scim/v2/Users/$u[3]", q({"op":"replace","path":"active","value":false}));
main::ok_request('PUT', "/scim/v2/Groups/$g", qq({"displayName":"Sales","members":[{"value":"$u[1]"},{"value":"$u[3]"}]}), 200);

my ($status, $stats) = main::consumer(consumer => 'w1', args => ['--crash-after', 3]);
is($status, 75, 'w1 "crashed"');
is(main::pending_count(), redis_cmd('XLEN', $main::STREAM), "w1's whole batch is pending");

is(scim_request('DELETE', "/scim/v2/Users/$u[1]")->{status}, 204, 'a user in two groups deleted');
is(scim_request('DELETE', "/scim/v2/Groups/$g")->{status}, 204, 'a nested group deleted');

# w2 never read anything: it finds w1's entries only through XAUTOCLAIM.
($status, $stats) = main::consumer(consumer => 'w2', args => ['--claim-idle-ms', 0]);
is($status, 0, 'w2 exits cleanly');
is($stats->{skipped}, 3, "w2 recognises what w1 applied");
is(main::pending_count(), 0, 'nothing pending');
my $consumers = redis_cmd('XINFO', 'CONSUMERS', $main::STREAM, 'app');
my %pending = map { my %c = @$_; ($c{name} => $c{pending}) } @$consumers;
is($pending{w1}, 0, 'w1 has nothing left');
my $m = main::mirror();
main::applied_exactly_once($m, 'after the takeover');
main::mirror_matches_module($m, 'after the takeover');

# A new app, with its own group and an empty store, replays the whole
# stream: older events applied against newer state converge all the same.
($status, $stats) = main::consumer(group => 'fresh', db => 'fresh.sqlite');
is($status, 0, 'the replay exits cleanly');
is($stats->{applied}, redis_cmd('XLEN', $main::STREAM), 'every entry applied');
my $fresh = main::mirror('fresh.sqlite');
main::applied_exactly_once($fresh, 'replayed');
main::mirror_matches_module($fresh, 'replayed');



=== TEST 3: roles mirrored from the module's group-to-role mapping
--- config eval
"    location /scim/v2/ {\n        scim;\n        scim_token $ENV{TEST_NGINX_TOKEN_HASH} demo;\n        "
    . main::roles_directive() . "\n    }\n"
--- perl
{
    my $boss = main::create_user('boss@example.com', 'true');
    my $staff = main::create_user('staff@example.com', 'true');
    my $admins = main::create_group('Admins', $boss, $staff);
    main::patch("/scim/v2/Groups/$admins", qq({"op":"remove","path":"members[value eq \\"$staff\\"]"}));
    my ($status, $stats) = main::consumer();
    is($status, 0, 'the consumer exits cleanly');
    my %role = map { $_->{id} => $_->{role} } @{ main::mirror()->{users} };
    is($role{$boss}, 'admin', "a member of Admins has Admins' role");
    ok(!$role{$staff}, 'one who left has it no more');
    main::applied_exactly_once(main::mirror(), 'roles');
}
