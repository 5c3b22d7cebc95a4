# Redis on nginx's event loop: Redis going away and coming back, script
# cache loss, command timeouts, clients that leave while their reply is
# pending, reload and quit with requests in flight, AUTH, SELECT, layout.
# No test asserts a timing: "quick" means "answers within the read timeout".
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

our $ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

sub create {
    my ($name, $timeout_headers) = @_;
    return scim_request('POST', '/scim/v2/Users', qq({"userName":"$name"}), $timeout_headers);
}

sub unavailable_ok {
    my ($r, $what) = @_;
    is($r->{status}, 503, "$what: 503") or diag(($r->{error} // '') . ($r->{body} // ''));
    is($r->{headers}{'content-type'}, 'application/scim+json', "$what: SCIM content type");
    json_subset_ok($r->{json}, { schemas => [$ERROR], status => '503' }, "$what: SCIM error");
    like($r->{headers}{'retry-after'} // '', qr/^\d+$/, "$what: Retry-After");
}

# Error-log lines about Redis at [error] level or worse, per worker process:
# the most that any one process logged (each worker has its own connection).
sub redis_error_lines {
    my ($text) = @_;
    my %per_pid;
    for (split /\n/, $text) {
        $per_pid{$1}++ if /\[(?:error|crit|alert|emerg)\] (\d+)#\d+: .*scim: redis/;
    }
    my ($max) = sort { $b <=> $a } values %per_pid;
    return $max // 0;
}

# Polls until a create succeeds; returns the last response.
sub wait_for_service {
    my ($secs) = @_;
    my $r;
    my $n = 0;
    wait_until(sub { $r = create('probe' . $n++); ($r->{status} // 0) == 201 }, $secs, 0.1);
    return $r;
}

# A worker serves the requests that wait for its first connection as soon
# as they reach Redis, behind its handshake, whose last steps (the layout
# key's SET NX and GET on an empty store) may still be on their way: a
# pause then would outlast scim_redis_connect_timeout. So pauses wait for
# the handshake to be over ("connected", or "connection restored").
sub pause_redis {
    my ($ms) = @_;
    ok(wait_until(sub { error_log_since_block() =~ /scim: redis .*: (?:connected|connection restored) \(/ }, 10),
       'the handshake is over');
    is(redis_cmd('CLIENT', 'PAUSE', $ms, 'ALL'), 'OK', "CLIENT PAUSE $ms ALL");
}

# Waits out a CLIENT PAUSE so that the next block's FLUSHALL is not held.
sub wait_unpaused {
    wait_until(sub { my $p = eval { redis_cmd('PING') }; defined $p && $p eq 'PONG' }, 10);
}

run_blocks();

__DATA__

=== TEST 1: Redis stopped: quick 503s with Retry-After, one log line, then recovery without restarting nginx
--- perl
is(main::create('before')->{status}, 201, 'served while Redis is up');
my $mark = error_log_mark();
stop_redis();
for my $i (1 .. 20) {
    my $r = main::create("down$i");
    if ($i == 1 || $i == 20) { main::unavailable_ok($r, "request $i while Redis is down") }
    else { is($r->{status}, 503, "request $i while Redis is down: 503") }
}
my $g = scim_request('GET', '/scim/v2/Users');
main::unavailable_ok($g, 'a GET while Redis is down');
select undef, undef, undef, 1.5;    # let the worker retry a few times
is(main::create('still-down')->{status}, 503, 'still 503 after retries');
my $down_log = error_log_since($mark);
is(main::redis_error_lines($down_log), 1, 'one error line for the outage, not one per request or retry')
    or diag $down_log;
start_redis();
my $r = main::wait_for_service(10);
is($r->{status}, 201, 'served again after Redis restarted') or diag($r->{body} // $r->{error});
like(error_log_since($mark), qr/\[notice\].*scim: redis .*connection restored/, 'the recovery is logged');
is(main::redis_error_lines(error_log_since($mark)), 1, 'still one error line after the recovery');
my $id = $r->{json}{id};
is(scim_request('GET', "/scim/v2/Users/$id")->{status}, 200, 'the new user reads back');
is(redis_cmd('GET', 'scim:layout'), '1', 'the layout key is written again into the empty store');



=== TEST 2: a second outage is logged again, once
--- perl
is(main::create('a')->{status}, 201, 'up');
for my $round (1 .. 2) {
    my $mark = error_log_mark();
    stop_redis();
    is(main::create("x$round")->{status}, 503, "round $round: down");
    select undef, undef, undef, 0.5;
    is(main::create("y$round")->{status}, 503, "round $round: still down");
    start_redis();
    is(main::wait_for_service(10)->{status}, 201, "round $round: back");
    is(main::redis_error_lines(error_log_since($mark)), 1, "round $round: one error line");
}



=== TEST 3: Redis unreachable from the start: 503 at once, one log line
--- http_config
    scim_redis unix:$TEST_NGINX_SERVROOT/no-such-redis.sock;
--- perl
for my $i (1 .. 5) {
    main::unavailable_ok(main::create("u$i"), "request $i");
}
select undef, undef, undef, 1;
is(main::redis_error_lines(error_log_since_block()), 1, 'one error line') or diag error_log_since_block();



=== TEST 4: Redis refusing TCP connections: 503, not a hang
--- http_config
    scim_redis 127.0.0.1:1;
--- perl
for my $i (1 .. 3) {
    main::unavailable_ok(main::create("t$i"), "request $i");
}



=== TEST 5: after SCRIPT FLUSH a write still works (NOSCRIPT recovery)
--- perl
is(main::create('one')->{status}, 201, 'first write');
is(redis_cmd('SCRIPT', 'FLUSH'), 'OK', 'SCRIPT FLUSH');
my $r = main::create('two');
is($r->{status}, 201, 'a create after SCRIPT FLUSH') or diag $r->{body};
my $id = $r->{json}{id};
redis_cmd('SCRIPT', 'FLUSH');
is(scim_request('PUT', "/scim/v2/Users/$id", '{"userName":"two","displayName":"d"}')->{status}, 200,
   'a replace after SCRIPT FLUSH');
redis_cmd('SCRIPT', 'FLUSH');
is(scim_request('GET', '/scim/v2/Users')->{status}, 200, 'a list after SCRIPT FLUSH');
redis_cmd('SCRIPT', 'FLUSH');
is(scim_request('DELETE', "/scim/v2/Users/$id")->{status}, 204, 'a delete after SCRIPT FLUSH');
is(redis_cmd('HLEN', 'scim:{default}:users:by-name'), 1, 'the writes were applied exactly once');
is(redis_cmd('XLEN', 'scim:{default}:events'), 4, 'one event per write');
--- no_error_log
[error]



=== TEST 6: a command that outlives scim_redis_timeout gets 503; service resumes after the pause
--- http_config
    scim_redis unix:$TEST_NGINX_REDIS_SOCKET;
    scim_redis_timeout 500ms;
--- perl
is(main::create('before')->{status}, 201, 'up');
my $mark = error_log_mark();
main::pause_redis(3000);
my $r = main::create('during');
main::unavailable_ok($r, 'a request during CLIENT PAUSE');
ok(wait_until(sub { error_log_since($mark) =~ /scim: redis .*timed out/ }, 5), 'the timeout is logged');
my $after = main::wait_for_service(15);
is($after->{status}, 201, 'served again after the pause');
main::wait_unpaused();
is(scim_request('GET', '/scim/v2/Users')->{json}{totalResults} >= 2, 1, 'the store is consistent');



=== TEST 7: a client that leaves while its Redis reply is pending: no crash, next request fine
--- http_config
    # Far above the pause: a stalled CI host must not turn the block into
    # a timeout (an [error] line) that the block is not about.
    scim_redis_timeout 5s;
--- perl
is(main::create('before')->{status}, 201, 'up');
main::pause_redis(1500);
my @socks = map { open_request('POST', '/scim/v2/Users', qq({"userName":"aborted$_"})) } 1 .. 5;
push @socks, map { open_request('GET', '/scim/v2/Users') } 1 .. 5;
select undef, undef, undef, 0.3;
close $_ for @socks;                # gone before Redis answers
main::wait_unpaused();
select undef, undef, undef, 0.3;
my $r = main::create('after');
is($r->{status}, 201, 'the next request is served');
is(scim_request('GET', "/scim/v2/Users/$r->{json}{id}")->{status}, 200, 'and reads back');
my $names = redis_cmd('HLEN', 'scim:{default}:users:by-name');
is(redis_cmd('ZCARD', 'scim:{default}:users'), $names, 'indexes agree: no half write');
ok(kill(0, nginx_pid()), 'the master is up');
unlike(error_log_since_block(), qr/exited on signal/, 'no worker died');
--- no_error_log
[error]



=== TEST 8: nginx -s reload with requests in flight: each completes (201 or 503), none is dropped
--- skip_valgrind
--- perl
is(main::create('before')->{status}, 201, 'up');
main::pause_redis(1000);
my @socks = map { open_request('POST', '/scim/v2/Users', qq({"userName":"inflight$_"})) } 1 .. 3;
push @socks, open_request('GET', '/scim/v2/Users');
select undef, undef, undef, 0.2;
ok(nginx_signal('reload'), 'reloaded: a new worker is up');
my $i = 0;
for my $s (@socks) {
    $i++;
    my $r = read_response($s, undef, 15);
    ok(defined $r->{status} && ($r->{status} =~ /^(?:200|201|503)$/), "in-flight request $i completed")
        or diag explain $r;
    is($r->{headers}{'content-type'}, 'application/scim+json', "in-flight request $i: SCIM answer");
}
main::wait_unpaused();
is(main::wait_for_service(10)->{status}, 201, 'the new worker serves');



=== TEST 9: reload while Redis is down, then Redis comes back
--- skip_valgrind
--- perl
stop_redis();
is(main::create('x')->{status}, 503, 'down');
ok(nginx_signal('reload'), 'reloaded');
is(main::create('y')->{status}, 503, 'still down in the new worker');
start_redis();
is(main::wait_for_service(10)->{status}, 201, 'the new worker reconnects');



=== TEST 10: -s quit with a request in flight: it completes and nginx exits without [alert]
--- skip_valgrind
--- perl
is(main::create('before')->{status}, 201, 'up');
main::pause_redis(1000);
my $s = open_request('POST', '/scim/v2/Users', '{"userName":"last"}');
select undef, undef, undef, 0.2;
ok(nginx_signal('quit'), 'nginx exited');
my $r = read_response($s, undef, 5);
ok(defined $r->{status} && $r->{status} =~ /^(?:201|503)$/, 'the in-flight request completed')
    or diag explain $r;
main::wait_unpaused();



=== TEST 11: -s quit while Redis is down exits promptly (the reconnect timer does not hold the worker)
--- perl
stop_redis();
is(main::create('x')->{status}, 503, 'down');
ok(nginx_signal('quit'), 'nginx exited');
start_redis();



=== TEST 12: scim_redis_password sends AUTH
--- http_config
    scim_redis unix:$TEST_NGINX_REDIS_SOCKET;
    scim_redis_password s3cret-pw;
--- perl
redis_cmd('CONFIG', 'SET', 'requirepass', 's3cret-pw');
redis_cmd('CLIENT', 'KILL', 'TYPE', 'normal');      # the worker reconnects with AUTH
my $r = main::wait_for_service(10);
is($r->{status}, 201, 'served with AUTH');
redis_cmd('CONFIG', 'SET', 'requirepass', '');
--- no_error_log
s3cret-pw



=== TEST 13: a wrong scim_redis_password gives 503 and says why
--- http_config
    scim_redis unix:$TEST_NGINX_REDIS_SOCKET;
    scim_redis_password wrong-pw;
--- perl
redis_cmd('CONFIG', 'SET', 'requirepass', 'right-pw');
redis_cmd('CLIENT', 'KILL', 'TYPE', 'normal');
select undef, undef, undef, 0.5;
main::unavailable_ok(main::create('x'), 'wrong password');
ok(wait_until(sub { error_log_since_block() =~ /scim: redis .*AUTH/ }, 5), 'the log names AUTH');
redis_cmd('CONFIG', 'SET', 'requirepass', '');
--- no_error_log
wrong-pw



=== TEST 14: scim_redis_db selects the database
--- http_config
    scim_redis unix:$TEST_NGINX_REDIS_SOCKET;
    scim_redis_db 3;
--- perl
my $r = main::create('db3');
is($r->{status}, 201, 'created');
is(redis_cmd('EXISTS', "scim:{default}:user:$r->{json}{id}"), 0, 'not in db 0');
redis_cmd('SELECT', 3);
is(redis_cmd('EXISTS', "scim:{default}:user:$r->{json}{id}"), 1, 'in db 3');
redis_cmd('SELECT', 0);



=== TEST 15: an incompatible layout version is refused with 503 and a clear log line
--- perl
is(main::create('a')->{status}, 201, 'up');
redis_cmd('SET', 'scim:layout', '999');
redis_cmd('CLIENT', 'KILL', 'TYPE', 'normal');
ok(wait_until(sub { error_log_since_block() =~ /store layout version "999" is incompatible/ }, 5),
   'the log says why');
main::unavailable_ok(main::create('b'), 'refused');
redis_cmd('SET', 'scim:layout', '1');
is(main::wait_for_service(15)->{status}, 201, 'served once the layout is right');



=== TEST 16: two workers share the load, each with its own connection
--- main_config
    worker_processes 2;
--- skip_valgrind
--- perl
my @ids;
for my $i (1 .. 20) {
    my $r = main::create("w$i");
    is($r->{status}, 201, "create $i");
}
my $clients = redis_cmd('CLIENT', 'LIST');
my $n = () = $clients =~ /^id=/mg;
cmp_ok($n, '>=', 3, 'three client connections: two workers and the harness') or diag $clients;
stop_redis();
is(main::create('down')->{status}, 503, 'down');
start_redis();
is(main::wait_for_service(10)->{status}, 201, 'back');



=== TEST 17: a burst of pipelined requests on the one connection
--- perl
my @socks = map { open_request('POST', '/scim/v2/Users', qq({"userName":"burst$_"})) } 1 .. 50;
my %status;
$status{ read_response($_)->{status} // 'none' }++ for @socks;
is_deeply(\%status, { 201 => 50 }, 'fifty concurrent creates all succeed');
is(scim_request('GET', '/scim/v2/Users?count=100')->{json}{totalResults}, 50, 'fifty users');
--- no_error_log
[error]



=== TEST 18: requests read in one event-loop turn go to Redis in one write, each answered with its own reply
--- main_config
    error_log logs/redis-debug.log debug;
--- skip_valgrind
--- perl
# Forty keep-alive clients each hold a user's id. With the worker stopped,
# each sends its GET; once it runs again, one epoll turn reads all forty,
# and their commands (two per GET: SMEMBERS and HMGET, a user in no group)
# leave in one write (the module's debug line says how many commands each
# write carried). Each client must get its own user: the replies are
# matched to requests in order.
my $n = 40;
SKIP: {
    my $nginx = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
    skip 'nginx is built without --with-debug', $n + 4 unless `$nginx -V 2>&1` =~ /--with-debug/;
    my @ids = map {
        my $r = main::create("batch$_");
        is($r->{status}, 201, "create $_") or diag($r->{body});
        $r->{json}{id};
    } 1 .. $n;
    my $get = sub {
        my ($i) = @_;
        return "GET /scim/v2/Users/$ids[$i] HTTP/1.1\r\nHost: localhost\r\n"
             . "Authorization: Bearer $ENV{TEST_NGINX_TOKEN}\r\n\r\n";
    };
    my @socks = map { open_request($get->($_)) } 0 .. $n - 1;
    read_response($_, 'GET', undef, keep_open => 1) for @socks;   # all idle in the worker now
    my ($worker) = worker_pids();
    my $single = !$ScimTest::Base::S{cluster};
    my $reads = sub { (redis_cmd('INFO', 'stats') =~ /total_reads_processed:(\d+)/)[0] };
    my $reads0 = $single ? $reads->() : 0;
    my $debug_log = servroot() . '/logs/redis-debug.log';
    my $mark = -s $debug_log;
    kill 'STOP', $worker;
    send_raw($socks[$_], $get->($_)) for 0 .. $n - 1;
    kill 'CONT', $worker;
    my $right = 0;
    for my $i (0 .. $n - 1) {
        my $r = read_response($socks[$i], 'GET');
        $right++ if ($r->{status} // 0) == 200 && ($r->{json}{userName} // '') eq 'batch' . ($i + 1)
                    && ($r->{json}{id} // '') eq $ids[$i];
    }
    is($right, $n, "all $n clients got their own user");
    my $reads1 = $single ? $reads->() : 0;
    open(my $fh, '<', $debug_log) or die "$debug_log: $!";
    seek($fh, $mark, 0);
    my $since = do { local $/; <$fh> };
    my @writes = $since =~ /scim: redis sent (\d+) commands .* in (\d+) writes/g;
    my (%per_write, $commands);
    while (my ($cmds, $w) = splice(@writes, 0, 2)) { $commands += $cmds; $per_write{$cmds} += $w }
    is($commands, 2 * $n, 2 * $n . " commands sent") or diag explain \%per_write;
    my ($most) = sort { $b <=> $a } keys %per_write;
    cmp_ok($most // 0, '>=', $n, 'one write carried at least half of them')
        or diag explain \%per_write;
    # Redis read them in as few reads (the harness's two INFOs count too).
  SKIP: {
        skip 'a cluster spreads reads over its masters', 1 unless $single;
        cmp_ok($reads1 - $reads0, '<=', 6, "Redis read the " . 2 * $n . " commands in a few reads");
    }
}
--- no_error_log
[error]



=== TEST 19: a worker that starts with no traffic finishes its handshake (its first write does not wait for an event)
--- http_config
    # Short enough to time out twice in the wait below if the handshake
    # stalled, long enough that a stalled CI host does not time it out.
    scim_redis_connect_timeout 1s;
--- perl
# A new worker connects from init_process, outside nginx's event loop,
# where a posted write waits for the worker's first event: that must come
# from the new connection itself (epoll reports a new socket once), or an
# idle worker would time out its handshake.
is(main::create('before')->{status}, 201, 'up');
my $mark = error_log_mark();
my ($old) = worker_pids();
ok(nginx_signal('reload'), 'reloaded: a new worker is up');
my ($new) = grep { $_ != $old } worker_pids();
select undef, undef, undef, 2.5;    # two connect timeouts, and no request
my $log = error_log_since($mark);
unlike($log, qr/scim: redis .*did not finish/, 'no handshake timed out') or diag $log;
like($log, qr/\b$new#\d+: scim: redis .*: connected/, 'the new worker connected') or diag $log;



=== TEST 20: an unsorted page's ZCARD and SORT_RO leave in one write; clients that leave while its replies are pending (none in, or ZCARD's in and SORT_RO's coming) cost nothing; a connection lost meanwhile is 503
--- main_config
    error_log logs/redis-debug.log debug;
--- http_config
    scim_redis_timeout 5s;  # far above the pauses, as in TEST 7
--- skip_valgrind
--- perl
# Large records make SORT_RO's reply larger than a socket's buffer, so that
# it comes in several reads, ZCARD's reply in the first.
SKIP: {
    my $nginx = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
    skip 'nginx is built without --with-debug', 1 unless `$nginx -V 2>&1` =~ /--with-debug/;
    my $pad = 'x' x 30000;
    for my $n (1 .. 40) {
        my $r = scim_request('POST', '/scim/v2/Users', qq({"userName":"big$n","nickName":"$pad"}));
        is($r->{status}, 201, "create big$n") or diag($r->{body});
    }
    my $page = '/scim/v2/Users?startIndex=1&count=40';
    my $debug_log = servroot() . '/logs/redis-debug.log';
    my $since = sub {
        my ($mark) = @_;
        open(my $fh, '<', $debug_log) or die "$debug_log: $!";
        seek($fh, $mark, 0);
        local $/;
        return <$fh>;
    };
    my $mark = -s $debug_log;
    my $r = scim_request('GET', $page);
    is($r->{status}, 200, 'the page');
    is(scalar @{ $r->{json}{Resources} // [] }, 40, 'forty users');
    my $log = $since->($mark);
    like($log, qr/scim: redis batch of 2 commands sent/, 'ZCARD and SORT_RO sent as one batch');
    like($log, qr/scim: redis sent 2 commands \(\d+ bytes\) in 1 writes/, 'in one write');

    # None of the replies in: the clients leave during a CLIENT PAUSE.
    main::pause_redis(1500);
    my @socks = map { open_request('GET', $page) } 1 .. 5;
    select undef, undef, undef, 0.3;
    close $_ for @socks;
    main::wait_unpaused();

    # Some in: the worker is stopped while Redis fills the socket with the
    # replies; the client leaves; the worker reads ZCARD's reply and part
    # of SORT_RO's before it sees the client gone.
    my ($worker) = worker_pids();
    for my $round (1 .. 3) {
        main::pause_redis(500);
        my $sock = open_request('GET', $page);
        select undef, undef, undef, 0.2;    # the batch is sent, Redis holds it
        kill 'STOP', $worker;
        main::wait_unpaused();
        select undef, undef, undef, 0.2;    # Redis answers into the socket
        close $sock;
        kill 'CONT', $worker;
        select undef, undef, undef, 0.3;
    }
    $mark = -s $debug_log;
    $r = scim_request('GET', $page);
    is($r->{status}, 200, 'the next page is served');
    is_deeply([map { $_->{userName} } @{ $r->{json}{Resources} }[0, 39]], ['big1', 'big40'],
              'with its own replies');
    $log = $since->(0);
    like($log, qr/scim: redis replies of a batch of 2 dropped: the request is gone/,
         'the replies of the clients gone were dropped');
    # The worker read Redis's socket before the client's (it was ready
    # first): ZCARD's reply was kept, then the client was found gone.
    like($log, qr/scim: redis reply 0 of a batch kept, 1 to come\n(?:(?!SORT_RO|http request count:2).*\n)*?.*client prematurely closed connection/,
         "a client left with ZCARD's reply in and SORT_RO's to come");

    # The connection lost while the replies are pending: 503, Retry-After.
    main::pause_redis(1000);
    my $lost = open_request('GET', $page);
    select undef, undef, undef, 0.2;
    stop_redis();
    main::unavailable_ok(read_response($lost, 'GET'), 'a page whose connection is lost');
    start_redis();
    is(main::wait_for_service(15)->{status}, 201, 'served again');
    ok(kill(0, nginx_pid()), 'the master is up');
    unlike(error_log_since_block(), qr/exited on signal/, 'no worker died');
}
--- no_error_log
[alert]
