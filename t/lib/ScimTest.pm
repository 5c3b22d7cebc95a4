package ScimTest;

# ScimTest: a Test::Nginx-style harness in core Perl for ngx_http_scim_module.
#
# A test file:
#
#     use lib 't/lib';
#     use ScimTest;
#     run_blocks();            # runs every block of __DATA__, then done_testing
#     __DATA__
#     === TEST 1: create a user
#     --- request
#     POST /scim/v2/Users
#     {"userName":"bjensen"}
#     --- error_code: 201
#     --- response_json
#     {"userName":"bjensen","meta":{"resourceType":"User"}}
#
# run_blocks(module => 0) runs the file without loading the module (the
# harness self-test does that). Tests are counted with done_testing.
#
# PER FILE: one private redis-server (unix socket only, `save ""`,
# `appendonly no`) and one work directory, build/t/<file>-<pid>/, holding
# servroot/ (nginx's prefix: conf/, logs/, tmp/) and redis/. The directory is
# removed when every test passed (TEST_NGINX_NO_CLEAN=1 keeps it); each
# block's logs are kept there as logs/TEST-<n>.{error,stderr,valgrind.*}.log
# and its config as conf/TEST-<n>.conf. The
# port is picked per process, so `prove -j` works.
#
# PER BLOCK: FLUSHALL (unless --- no_flush), write conf/nginx.conf, start
# nginx (daemon, master + TEST_NGINX_WORKERS workers, default 1), wait for the
# port, run the request / steps / perl, stop it with SIGQUIT and wait for the
# master to exit (a timeout is a failure), then check the error log. Every
# block checks that the log has no [alert], [crit] or [emerg] (a real test).
#
# SECTIONS. `--- name: value` is an inline value; `--- name` takes the lines
# up to the next `--- name` or `===` (trailing blank lines dropped). The
# modifiers `eval` (the value is Perl code returning the value) and `chomp`
# follow the name: `--- request eval`. `$TEST_NGINX_*` variables are
# substituted in every section except Perl code (which reads %ENV).
#
#   main_config, http_config, config
#       Text for the main context, the http{} block, and the one server{}
#       (listening on 127.0.0.1:$TEST_NGINX_PORT, server_name localhost).
#       Without --- config the server gets
#           location /scim/v2/ { scim; scim_token $TEST_NGINX_TOKEN_HASH demo; }
#       When the module is loaded and no section mentions `scim_redis`, the
#       http{} block gets `scim_redis unix:$TEST_NGINX_REDIS_SOCKET;`. Under
#       valgrind or LD_PRELOAD, scim_redis_timeout and
#       scim_redis_connect_timeout are raised unless a section sets them.
#   request          `METHOD /uri [HTTP/1.x]`, then the body (one trailing
#                    newline stripped). `--- request eval` for big bodies.
#   more_headers     `Name: value` per line; `!Name` suppresses a default.
#   no_auth          do not add `Authorization: Bearer test-token`.
#   raw_request      bytes sent verbatim (also `eval`); the response is read
#                    up to its Content-Length / last chunk / EOF.
#   error_code       expected status.
#   response_headers `Name: value` (exact; repeated headers joined by ", "),
#                    `!Name` (absent).
#   response_headers_like  `Name: regex`.
#   response_body    exact (use `chomp` or `eval` for precision);
#   response_body_like / response_body_unlike: a regex (multi-line: /s).
#   response_json    expected JSON that must be a SUBSET of the response:
#                    objects key by key, arrays with the same length and
#                    element by element, scalars with the same JSON type
#                    (string / number / boolean / null) and equal value.
#                    Special strings: "__ANY__" (present, any value),
#                    "__ABSENT__" (key must be absent), "/regex/".
#   error_log        lines that must appear in the block's error log;
#                    `qr/.../` is a regex, anything else a substring.
#   no_error_log     lines that must not appear (same syntax).
#   steps            several requests, see STEPS below.
#   init             Perl code run after nginx is up, before the request.
#   perl             Perl code run after nginx is up (see HELPERS).
#   nginx_t_fails    `nginx -t` must fail; the value is a regex its output
#                    must match. Nothing else in the block runs.
#   nginx_t_ok       `nginx -t` must pass; an optional value is a regex its
#                    output must match (e.g. a warning).
#   user_files       files written before nginx starts, each introduced by a
#                    line `>>> path` (relative to servroot/conf/, where nginx
#                    resolves relative paths such as scim_token_file's).
#   timeout          seconds to wait for a response (default 10).
#   no_flush, no_module, skip_valgrind, skip_asan, SKIP, ONLY, LAST.
#
# STEPS. Steps are separated by a line holding only `---`:
#
#     POST /scim/v2/Users               request line
#     > If-Match: W/"1"                 extra request header (`> !Name` drops
#     {"userName":"a"}                    a default); then the body
#     => 201                            expected status
#     => header Location like ^http     header: `Name: exact`, `Name like re`,
#     => header !Set-Cookie               `Name unlike re`, `!Name` absent
#     => json {"userName":"a"}          subset match, as response_json
#     => json meta.version == W/"1"     path: `==`, `!=`, `like re`,
#     => json password absent             `absent`, `present`
#     => body like ^\{                  body: `is text`, `like re`,
#                                         `unlike re`, `empty`
#     => perl length($r->{body}) > 10   Perl expression on the response $r
#     => save id = json id              save from `json PATH`, `header Name`,
#     => save etag = header ETag          `body` or `status`
#     => sleep 0.05                     pause (not a test)
#     ---
#     GET /scim/v2/Users/{{id}}         {{name}} is a saved value
#     => 200
#
# {{name}} is replaced in the request line, headers, body and expectations.
# A JSON path is dot-separated; numbers index arrays (`Resources.0.id`);
# keys containing dots (schema URNs) are matched whole, longest first.
# Lines starting with `#` before the request line or among `=>` lines are
# comments.
#
# HELPERS for --- perl / --- init / eval (also exported to the test file):
#   scim_request($method, $uri, $body, \%headers) -> {status, headers (lower-
#       case names), header_list, body, json, error}. Defaults as for
#       --- request; a header given as undef is not sent.
#   open_request($raw) or open_request($method, $uri, $body, \%headers)
#       -> the socket, request sent; read_response($sock, $method, $timeout,
#       keep_open => 1) reads one response (pipelined ones stay buffered);
#       send_raw($sock, $bytes) sends more on the same connection.
#   redis_cmd(@args) -> the reply: string, integer, undef, or an arrayref;
#       a Redis error dies with "redis: <message>".
#   stop_redis(), start_redis(): same socket and dir; data does not survive.
#   nginx_signal('reload'|'quit'|'stop'|'reopen'); reload waits for a new
#       worker. nginx_pid(), worker_pids().
#   error_log_since_block(), error_log_mark(), error_log_since($mark).
#   json_subset_ok($got, $expected, $name) (expected as JSON text or data),
#   json_subset_errors($got, $expected) -> mismatch descriptions,
#   wait_until(\&cond, $secs, $interval) (scaled under valgrind/ASan),
#   servroot(), block_name().
#   redis_digest() -> a SHA-256 over every key and its DUMP, sorted by key:
#       equal digests mean a byte-identical store (refused requests, Bulk).
#   Test::More's functions; names are prefixed with the block's name.
#
# REDIS OVER TLS: TEST_NGINX_REDIS_TLS=1 gives the per-file redis-server a
#   TLS port on 127.0.0.1 (certificates made with the openssl CLI in
#   redis/tls/) and points the default `scim_redis` at it with
#   scim_redis_ssl on; redis_cmd() keeps using the unix socket. Helpers:
#   make_tls_certs($dir, $ca_name) -> {ca, cert, key, client_cert,
#   client_key} (server SAN: localhost, 127.0.0.1, 127.0.0.2); free_port();
#   spawn_redis($dir, @args) -> pid of another redis-server (unix socket
#   $dir/redis.sock plus @args), kill_pid($pid); redis_tls() -> the certs
#   and port when the switch is on, else undef.
#
# REDIS CLUSTER: TEST_NGINX_REDIS_CLUSTER=1 also starts three cluster masters
#   per file (t/lib/ScimTest/RedisCluster.pm) and points the default store at
#   them with scim_redis_cluster; redis_cmd() is routed by key (FLUSHALL,
#   KEYS, DBSIZE go to every master); stop_redis()/start_redis() stop and
#   restart the masters (the cluster survives, the data does not).
#
# ENVIRONMENT: TEST_NGINX_BINARY (/usr/sbin/nginx), TEST_NGINX_MODULE (default
# build/ngx_http_scim_module.so when it exists; without it a file that needs
# the module is skipped; each file loads a private copy, so that a rebuild
# during the run cannot crash nginx), TEST_NGINX_LOG_LEVEL (info),
# TEST_NGINX_WORKERS (1), TEST_NGINX_USE_VALGRIND=1 (nginx in the foreground,
# single process, under valgrind; t/valgrind.supp is used when present),
# TEST_NGINX_LD_PRELOAD (put into nginx's LD_PRELOAD; ASan/UBSan reports
# fail the block), TEST_NGINX_NO_CLEAN=1. Provided to configs and code:
# TEST_NGINX_PORT, TEST_NGINX_SERVROOT, TEST_NGINX_REDIS_SOCKET,
# TEST_NGINX_TOKEN (test-token), TEST_NGINX_TOKEN_HASH, TEST_NGINX_MODULE
# (the private copy).

use strict;
use warnings;

use B ();
use Cwd qw(abs_path);
use Digest::SHA qw(sha256_hex);
use Errno qw(EINTR EAGAIN);
use Exporter ();
use File::Basename qw(basename dirname);
use File::Copy qw(copy);
use File::Path qw(make_path remove_tree);
use IO::Select;
use IO::Socket::INET;
use IO::Socket::UNIX;
use JSON::PP ();
use POSIX qw(WNOHANG);
use Socket qw(SOCK_STREAM);
use Test::More ();
use Time::HiRes qw(sleep time);
use ScimTest::RedisCluster;

our @EXPORT = qw(
    run_blocks scim_request http_request open_request read_response send_raw redis_cmd
    stop_redis start_redis redis_running nginx_signal nginx_pid worker_pids
    error_log_since_block error_log_mark error_log_since json_subset_ok
    json_subset_errors wait_until servroot block_name redis_digest
    make_tls_certs free_port spawn_redis kill_pid redis_tls
);

sub import {
    my $caller = caller;
    Exporter::export($_[0], $caller, @EXPORT);
    # Test::More's functions, without a plan: run_blocks ends with done_testing.
    eval "package $caller; Test::More->import(); 1" or die $@;
}

my $TOKEN = 'test-token';
my %SECTIONS = map { $_ => 1 } qw(
    main_config http_config config request raw_request more_headers no_auth
    error_code response_headers response_headers_like response_body
    response_body_like response_body_unlike response_json error_log
    no_error_log steps init perl nginx_t_fails nginx_t_ok timeout no_flush user_files
    no_module skip_valgrind skip_asan SKIP ONLY LAST
);
my %MODIFIERS = map { $_ => 1 } qw(eval chomp);

our %S;          # per-file state
our $BLOCK;      # the block being run
my $JSON = JSON::PP->new->utf8->allow_nonref->canonical;

# --- the entry point ---------------------------------------------------------

sub run_blocks {
    my (%opt) = @_;
    my $pkg = caller;
    my $text = do {
        no strict 'refs';
        my $fh = \*{"${pkg}::DATA"};
        local $/;
        defined fileno($fh) ? <$fh> : undef;
    };
    die "ScimTest: no __DATA__ section in $0\n" unless defined $text;
    my @blocks = _parse_blocks($text);

    _init_file(%opt);

    if (my @only = grep { exists $_->{sec}{ONLY} } @blocks) { @blocks = @only }
    for my $i (0 .. $#blocks) {
        if (exists $blocks[$i]{sec}{LAST}) { splice @blocks, $i + 1; last }
    }

    if ($S{use_module} && !$S{module_ok}) {
        Test::More::done_testing();
        return;
    }
    for my $b (@blocks) {
        local $BLOCK = $b;
        _run_block($b);
    }
    Test::More::done_testing();
}

# --- parsing -------------------------------------------------------------------

sub _parse_blocks {
    my ($text) = @_;
    my (@blocks, $block, $sec);
    my $line_no = 0;
    my $close = sub {
        return unless $sec;
        my $v = $sec->{lines};
        pop @$v while @$v && $v->[-1] =~ /^\s*$/;
        my $value = $sec->{inline};
        if (@$v) {
            my $body = join("\n", @$v) . "\n";
            $value = defined $value ? "$value\n$body" : $body;
        }
        $value = '' unless defined $value;
        $block->{sec}{ $sec->{name} } = $value;
        $block->{mod}{ $sec->{name} } = $sec->{mods};
        undef $sec;
    };
    for my $line (split /\n/, $text) {
        $line_no++;
        $line =~ s/\r$//;
        if ($line =~ /^===\s*(.*?)\s*$/) {
            $close->();
            $block = { name => $1, sec => {}, mod => {}, line => $line_no };
            push @blocks, $block;
            next;
        }
        if ($line =~ /^--- (\w+)(.*)$/) {
            die "ScimTest: section before the first block at __DATA__ line $line_no\n" unless $block;
            my ($name, $rest) = ($1, $2);
            die "ScimTest: unknown section '--- $name' in '$block->{name}'\n"
                unless $SECTIONS{$name};
            $close->();
            my (%mods, $inline);
            if ($rest =~ /^\s*:\s?(.*)$/) {
                $inline = $1;
            } elsif ($rest =~ /\S/) {
                my @words = split ' ', $rest;
                if (grep { !$MODIFIERS{$_} } @words) {
                    ($inline = $rest) =~ s/^\s+//;
                } else {
                    %mods = map { $_ => 1 } @words;
                }
            }
            $sec = { name => $name, lines => [], inline => $inline, mods => \%mods };
            next;
        }
        if ($sec) {
            push @{ $sec->{lines} }, $line;
        }
        # text outside a section (comments between blocks) is ignored
    }
    $close->();
    for my $b (@blocks) {
        die "ScimTest: block '$b->{name}' has both --- request and --- raw_request\n"
            if exists $b->{sec}{request} && exists $b->{sec}{raw_request};
    }
    return @blocks;
}

# A section's value after modifiers and $TEST_NGINX_* substitution.
sub _value {
    my ($b, $name) = @_;
    return undef unless exists $b->{sec}{$name};
    my $v = $b->{sec}{$name};
    my $mods = $b->{mod}{$name} || {};
    if ($mods->{eval}) {
        $v = eval { _eval_perl($v, "$name eval") };
        die "ScimTest: --- $name eval failed: $@" if $@;
    } else {
        $v = _subst_env($v);
    }
    chomp $v if $mods->{chomp};
    return $v;
}

sub _subst_env {
    my ($text) = @_;
    return $text unless defined $text;
    $text =~ s{\$(?:\{(TEST_NGINX_\w+)\}|(TEST_NGINX_\w+))}{
        my $n = $1 // $2;
        defined $ENV{$n} ? $ENV{$n} : die "ScimTest: \$$n is not set\n";
    }ge;
    return $text;
}

sub _eval_perl {
    my ($code, $what) = @_;
    my $name = $BLOCK ? $BLOCK->{name} : 'ScimTest';
    $name =~ s/"/'/g;
    my @r = eval "package main; use strict; use warnings;\n#line 1 \"$name, --- $what\"\n$code";
    die $@ if $@;
    return wantarray ? @r : $r[-1];
}

# --- per-file infrastructure ----------------------------------------------------

sub _init_file {
    my (%opt) = @_;
    $SIG{PIPE} = 'IGNORE';
    $SIG{INT} = $SIG{TERM} = sub { Test::More::diag("ScimTest: interrupted"); exit 130 };

    my $lib = dirname(abs_path(__FILE__));
    $S{root} = abs_path("$lib/../..");
    $S{owner} = $$;
    $S{nginx} = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
    $S{valgrind} = $ENV{TEST_NGINX_USE_VALGRIND} ? 1 : 0;
    $S{preload} = $ENV{TEST_NGINX_LD_PRELOAD} // '';
    $S{factor} = $S{valgrind} ? 10 : $S{preload} ? 3 : 1;
    $S{log_level} = $ENV{TEST_NGINX_LOG_LEVEL} || 'info';
    $S{workers} = $ENV{TEST_NGINX_WORKERS} || 1;

    my $module = $ENV{TEST_NGINX_MODULE};
    if (!defined $module || $module eq '') {
        my $default = "$S{root}/build/ngx_http_scim_module.so";
        $module = -e $default ? $default : undef;
    }
    $S{use_module} = exists $opt{module} ? ($opt{module} ? 1 : 0) : 1;
    if ($S{use_module}) {
        if (!defined $module) {
            Test::More::plan(skip_all => "the module is not built (make module), "
                                       . "or set TEST_NGINX_MODULE");
        }
        $module = abs_path($module) // $module;
        Test::More::BAIL_OUT("TEST_NGINX_MODULE=$module does not exist") unless -e $module;
        $S{module} = $module;
    }

    my $name = basename($0);
    $name =~ s/\.t$//;
    my $dir = "$S{root}/build/t/$name-$$";
    # unix socket paths are limited to 107 bytes
    if (length("$dir/redis/redis.sock") > 100) {
        $dir = File::Temp::tempdir("scimtest-$name-XXXXXX", TMPDIR => 1);
    }
    remove_tree($dir) if -d $dir;
    make_path("$dir/servroot/conf", "$dir/servroot/logs", "$dir/servroot/tmp", "$dir/redis");
    $S{dir} = $dir;
    $S{servroot} = "$dir/servroot";
    $S{redis_dir} = "$dir/redis";
    $S{redis_sock} = "$dir/redis/redis.sock";
    $S{port} = _free_port();

    # nginx maps the module: a rebuild that rewrites the file in place under a
    # running nginx kills it with SIGBUS. Each test file loads its own copy.
    if ($S{module}) {
        $S{module_source} = $S{module};
        $S{module} = _copy_module($S{module}, "$dir/" . basename($S{module}));
    }
    $ENV{TEST_NGINX_MODULE} = $S{module} // '';

    $ENV{TEST_NGINX_PORT} = $ENV{TEST_NGINX_SERVER_PORT} = $S{port};
    $ENV{TEST_NGINX_SERVROOT} = $S{servroot};
    $ENV{TEST_NGINX_REDIS_SOCKET} = $S{redis_sock};
    $ENV{TEST_NGINX_TOKEN} = $TOKEN;
    $ENV{TEST_NGINX_TOKEN_HASH} = sha256_hex($TOKEN);

    start_redis();
    $S{module_ok} = _check_module_loads() if $S{use_module};
}

END {
    if (%S && $S{owner} && $S{owner} == $$) {
        my $rc = $?;
        _kill_nginx() if $S{nginx_pid};
        stop_redis() if $S{redis_pid} || $S{cluster};
        my $tb = Test::More->builder;
        my $failed = grep { !$_ } $tb->summary;
        if ($S{dir} && -d $S{dir}) {
            if ($failed || $rc || $ENV{TEST_NGINX_NO_CLEAN} || !$tb->is_passing) {
                Test::More::diag("ScimTest: logs and configs kept in $S{dir}") if $failed || $rc;
            } else {
                remove_tree($S{dir});
                rmdir "$S{root}/build/t";   # only when empty
            }
        }
        $? = $rc;
    }
}

sub _free_port {
    # Below the kernel's ephemeral range (32768+), so that outgoing
    # connections of other processes do not take it; spread by pid for prove -j.
    for my $i (0 .. 500) {
        my $port = 20000 + ($$ * 7 + $i * 13) % 12000;
        next if $S{ports_taken}{$port};    # handed out, maybe not bound yet
        my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port,
                                      Proto => 'tcp', ReuseAddr => 1, Listen => 1);
        next unless $s;
        close $s;
        # Free for UDP too: test DNS responders listen on these ports, and a
        # stale one on the same port would answer in place of the new one.
        my $u = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port, Proto => 'udp');
        next unless $u;
        close $u;
        $S{ports_taken}{$port} = 1;
        return $port;
    }
    die "ScimTest: no free port\n";
}

sub _copy_module {
    my ($from, $to) = @_;
    for (1 .. 5) {
        my @before = (stat $from)[7, 9];
        copy($from, $to) or die "ScimTest: cannot copy $from to $to: $!\n";
        my @after = (stat $from)[7, 9];
        return $to if "@before" eq "@after" && -s $to == $after[0] && time - $after[1] >= 1;
        sleep 1;    # being rebuilt right now
    }
    return $to;
}

sub _check_module_loads {
    my $conf = "$S{servroot}/conf/module-check.conf";
    _write_file($conf, "load_module $S{module};\nevents {}\nhttp {}\n");
    my ($rc, $out) = _run_capture([$S{nginx}, '-t', '-p', "$S{servroot}/", '-c', $conf,
                                   '-e', "$S{servroot}/logs/module-check.log"], 30);
    my $ok = $rc == 0;
    Test::More::ok($ok, "the module loads into nginx ($S{module_source})")
        or Test::More::diag("nginx -t with load_module failed:\n$out");
    return $ok;
}

# --- redis ---------------------------------------------------------------------

sub redis_running { return $S{redis_pid} && _alive($S{redis_pid}) ? 1 : 0 }

sub start_redis {
    ScimTest::RedisCluster->for_harness(\%S) if $ENV{TEST_NGINX_REDIS_CLUSTER};
    return 1 if $S{redis_pid} && _alive($S{redis_pid});
    unlink $S{redis_sock};
    my @cmd = ('redis-server', '--port', '0', '--unixsocket', $S{redis_sock},
               '--unixsocketperm', '700', '--save', '', '--appendonly', 'no',
               '--dir', $S{redis_dir}, '--daemonize', 'no',
               '--logfile', "$S{redis_dir}/redis.log");
    if (my $tls = redis_tls()) {
        push @cmd, '--bind', '127.0.0.1', '--tls-port', $tls->{port},
            '--tls-cert-file', $tls->{cert}, '--tls-key-file', $tls->{key},
            '--tls-ca-cert-file', $tls->{ca}, '--tls-auth-clients', 'no';
    }
    my $pid = _spawn(\@cmd, "$S{redis_dir}/redis.stderr", {});
    $S{redis_pid} = $pid;
    my $deadline = time + 10;
    while (time < $deadline) {
        if (!_alive($pid)) {
            waitpid($pid, 0);
            delete $S{redis_pid};
            die "ScimTest: redis-server exited at start:\n" . _tail("$S{redis_dir}/redis.stderr", 10)
                . _tail("$S{redis_dir}/redis.log", 20);
        }
        if (-S $S{redis_sock}) {
            my $pong = eval { _redis_connect(); redis_cmd('PING') };
            return 1 if defined $pong && $pong eq 'PONG';
        }
        sleep 0.02;
    }
    die "ScimTest: redis-server did not answer within 10 s\n";
}

# The per-file redis-server's TLS side (TEST_NGINX_REDIS_TLS=1), else undef.
sub redis_tls {
    return undef unless $ENV{TEST_NGINX_REDIS_TLS};
    $S{redis_tls} //= { %{ make_tls_certs("$S{redis_dir}/tls", 'scim-test-ca') },
                        port => free_port() };
    return $S{redis_tls};
}

# A CA, a server certificate for localhost / 127.0.0.1 / 127.0.0.2 and a
# client certificate, made once per directory with the openssl CLI.
sub make_tls_certs {
    my ($dir, $ca_name) = @_;
    my %f = (ca => "$dir/ca.pem", cert => "$dir/server.pem", key => "$dir/server.key",
             client_cert => "$dir/client.pem", client_key => "$dir/client.key");
    return \%f if -e $f{client_cert};
    make_path($dir);
    _write_file("$dir/san.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2\n");
    my @ec = ('-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes');
    my @steps = (
        ['openssl', 'req', '-x509', @ec, '-keyout', "$dir/ca.key", '-out', $f{ca},
         '-days', '2', '-subj', "/CN=$ca_name"],
        ['openssl', 'req', @ec, '-keyout', $f{key}, '-out', "$dir/server.csr",
         '-subj', '/CN=localhost'],
        ['openssl', 'x509', '-req', '-in', "$dir/server.csr", '-CA', $f{ca}, '-CAkey',
         "$dir/ca.key", '-CAcreateserial', '-out', $f{cert}, '-days', '2',
         '-extfile', "$dir/san.ext"],
        ['openssl', 'req', @ec, '-keyout', $f{client_key}, '-out', "$dir/client.csr",
         '-subj', '/CN=scim-client'],
        ['openssl', 'x509', '-req', '-in', "$dir/client.csr", '-CA', $f{ca}, '-CAkey',
         "$dir/ca.key", '-CAcreateserial', '-out', $f{client_cert}, '-days', '2'],
    );
    for my $cmd (@steps) {
        my $pid = _spawn($cmd, "$dir/openssl.log", {});
        waitpid($pid, 0);
        die "ScimTest: @$cmd failed:\n" . _tail("$dir/openssl.log", 10) if $? != 0;
    }
    return \%f;
}

sub free_port { return _free_port(@_) }

# Another redis-server (replicas, ACL or TLS variants): a unix socket
# $dir/redis.sock plus @args; returns its pid once it answers PING.
sub spawn_redis {
    my ($dir, @args) = @_;
    make_path($dir);
    my $sock = "$dir/redis.sock";
    unlink $sock;
    my @cmd = ('redis-server', '--port', '0', '--unixsocket', $sock, '--unixsocketperm', '700',
               '--save', '', '--appendonly', 'no', '--dir', $dir, '--daemonize', 'no',
               '--logfile', "$dir/redis.log", @args);
    my $pid = _spawn(\@cmd, "$dir/redis.stderr", {});
    my $deadline = time + 10;
    while (time < $deadline) {
        die "ScimTest: redis-server @args exited:\n" . _tail("$dir/redis.log", 20)
            unless _alive($pid);
        return $pid if -S $sock;
        sleep 0.02;
    }
    die "ScimTest: redis-server @args did not start\n";
}

sub kill_pid {
    my ($pid) = @_;
    return unless $pid;
    local $?;    # callable from END blocks
    kill 'TERM', $pid;
    my $deadline = time + 10;
    while (time < $deadline) {
        return 1 if waitpid($pid, WNOHANG) == $pid;
        sleep 0.02;
    }
    kill 'KILL', $pid;
    waitpid($pid, 0);
    return 1;
}

sub stop_redis {
    $S{cluster}->stop if $S{cluster};
    my $pid = delete $S{redis_pid} or return;
    close $S{redis_conn} if $S{redis_conn};
    delete $S{redis_conn};
    kill_pid($pid);
    return 1;
}

sub _redis_connect {
    close $S{redis_conn} if $S{redis_conn};
    $S{redis_conn} = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $S{redis_sock})
        or die "ScimTest: cannot connect to redis at $S{redis_sock}: $!\n";
    $S{redis_buf} = '';
}

sub redis_cmd {
    my (@args) = @_;
    return $S{cluster}->harness_cmd(@args) if $S{cluster};
    _redis_connect() unless $S{redis_conn} && $S{redis_conn}->connected;
    my $req = '*' . scalar(@args) . "\r\n";
    $req .= '$' . length($_) . "\r\n$_\r\n" for map { defined $_ ? "$_" : '' } @args;
    if (!_send_all($S{redis_conn}, $req, 10)) {
        # a restarted server: reconnect once
        _redis_connect();
        _send_all($S{redis_conn}, $req, 10) or die "ScimTest: cannot write to redis: $!\n";
    }
    my $reply = _redis_read(time + 10 * $S{factor});
    die "redis: $reply->{error}\n" if ref $reply eq 'HASH' && exists $reply->{error};
    return $reply;
}

sub redis_digest {
    my $keys = redis_cmd('KEYS', '*');
    my $all = '';
    for my $key (sort @$keys) {
        my $dump = redis_cmd('DUMP', $key) // '';
        $all .= length($key) . ":$key" . length($dump) . ":$dump";
    }
    return sha256_hex($all);
}

sub _redis_line {
    my ($deadline) = @_;
    for (;;) {
        my $i = index($S{redis_buf}, "\r\n");
        if ($i >= 0) {
            my $line = substr($S{redis_buf}, 0, $i);
            substr($S{redis_buf}, 0, $i + 2) = '';
            return $line;
        }
        _redis_fill($deadline);
    }
}

sub _redis_fill {
    my ($deadline) = @_;
    my $sel = IO::Select->new($S{redis_conn});
    my $left = $deadline - time;
    die "ScimTest: redis did not answer in time\n" if $left <= 0 || !$sel->can_read($left);
    my $n = sysread($S{redis_conn}, my $chunk, 65536);
    if (!$n) {
        delete $S{redis_conn};
        die "ScimTest: redis closed the connection\n";
    }
    $S{redis_buf} .= $chunk;
}

sub _redis_read {
    my ($deadline) = @_;
    my $line = _redis_line($deadline);
    my ($type, $rest) = (substr($line, 0, 1), substr($line, 1));
    return $rest if $type eq '+';
    return { error => $rest } if $type eq '-';
    return 0 + $rest if $type eq ':';
    if ($type eq '$') {
        return undef if $rest < 0;
        _redis_fill($deadline) while length($S{redis_buf}) < $rest + 2;
        my $s = substr($S{redis_buf}, 0, $rest);
        substr($S{redis_buf}, 0, $rest + 2) = '';
        return $s;
    }
    if ($type eq '*') {
        return undef if $rest < 0;
        my @a;
        for (1 .. $rest) {
            my $e = _redis_read($deadline);
            push @a, $e;
        }
        return \@a;
    }
    die "ScimTest: bad redis reply line '$line'\n";
}

# --- processes -----------------------------------------------------------------

sub _spawn {
    my ($cmd, $out_file, $env) = @_;
    my $pid = fork;
    die "ScimTest: fork: $!\n" unless defined $pid;
    if ($pid == 0) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', $out_file or POSIX::_exit(126);
        open STDERR, '>&', \*STDOUT or POSIX::_exit(126);
        setpgrp(0, 0);
        $ENV{$_} = $env->{$_} for keys %$env;
        { no warnings 'exec'; exec { $cmd->[0] } @$cmd; }
        print STDERR "exec $cmd->[0]: $!\n";
        POSIX::_exit(127);
    }
    return $pid;
}

# Runs a command to completion; returns (exit status, stdout+stderr).
sub _run_capture {
    my ($cmd, $timeout, $env) = @_;
    my $out = "$S{dir}/capture.$$.out";
    unlink $out;
    my $pid = _spawn($cmd, $out, $env || _nginx_env());
    my $deadline = time + $timeout * $S{factor};
    my $rc;
    while (1) {
        my $w = waitpid($pid, WNOHANG);
        if ($w == $pid) { $rc = $?; last }
        if (time > $deadline) {
            kill 'KILL', $pid;
            waitpid($pid, 0);
            $rc = -1;
            last;
        }
        sleep 0.01;
    }
    my $text = _read_file($out) // '';
    unlink $out;
    return ($rc, $text);
}

sub _alive {
    my ($pid) = @_;
    return 0 unless $pid && kill(0, $pid);
    my $stat = _read_file("/proc/$pid/stat") // return 0;
    return $stat =~ /^\d+ \(.*\) ([A-Za-z])/ && $1 ne 'Z' && $1 ne 'X' ? 1 : 0;
}

sub _children_of {
    my ($ppid) = @_;
    my @kids;
    opendir(my $dh, '/proc') or return;
    for my $p (grep { /^\d+$/ } readdir $dh) {
        my $stat = _read_file("/proc/$p/stat") // next;
        push @kids, $p if $stat =~ /^\d+ \(.*\) \S+ (\d+)/ && $1 == $ppid;
    }
    return @kids;
}

sub _nginx_env {
    my %env;
    $env{LD_PRELOAD} = $S{preload} if $S{preload} ne '';
    return \%env;
}

# --- nginx -------------------------------------------------------------------------

sub servroot { $S{servroot} }
sub block_name { $BLOCK ? $BLOCK->{name} : '' }
sub nginx_pid { $S{nginx_pid} }

sub worker_pids {
    my @pids = $S{valgrind} || !$S{nginx_pid} ? ()
             : sort { $a <=> $b } grep { _alive($_) } _children_of($S{nginx_pid});
    return wantarray ? @pids : scalar @pids;
}

sub _has_directive {
    my ($text, $name) = @_;
    return defined $text && $text =~ /(?:^|[;{}\s])\Q$name\E\s/m;
}

sub _nginx_conf {
    my ($b) = @_;
    my $main = _value($b, 'main_config') // '';
    my $http = _value($b, 'http_config') // '';
    my $server = _value($b, 'config');
    my $sr = $S{servroot};
    my $with_module = $S{use_module} && !exists $b->{sec}{no_module};
    if (!defined $server) {
        $server = $with_module
            ? "    location /scim/v2/ {\n        scim;\n"
              . "        scim_token $ENV{TEST_NGINX_TOKEN_HASH} demo;\n    }\n"
            : '';
    }
    # the cluster switch: "the store" is the cluster, wherever a block names it
    $http =~ s/scim_redis unix:\Q$S{redis_sock}\E;/scim_redis_cluster ${\ $S{cluster}->seeds};/
        if $S{cluster};
    my $all = join "\n", $main, $http, $server;

    my @c = ("# generated by ScimTest for: $b->{name}");
    push @c, "load_module $S{module};" if $with_module;
    my $main_default = sub {
        my ($name, $line) = @_;
        push @c, $line unless _has_directive($main, $name);
    };
    if ($S{valgrind}) {
        $main_default->('daemon', 'daemon off;');
        $main_default->('master_process', 'master_process off;');
    } else {
        $main_default->('daemon', 'daemon on;');
        $main_default->('master_process', 'master_process on;');
    }
    $main_default->('worker_processes', "worker_processes $S{workers};");
    $main_default->('user', 'user root root;') if $> == 0;
    $main_default->('pid', 'pid logs/nginx.pid;');
    push @c, "error_log logs/error.log $S{log_level};";
    push @c, $main;
    push @c, "events {\n    worker_connections 1024;\n    accept_mutex off;\n}";
    push @c, "http {";
    my $http_default = sub {
        my ($name, $line) = @_;
        push @c, "    $line" unless _has_directive($http, $name);
    };
    $http_default->('access_log', 'access_log logs/access.log;');
    $http_default->('default_type', 'default_type text/plain;');
    $http_default->('client_body_temp_path', "client_body_temp_path $sr/tmp/client_body;");
    $http_default->('proxy_temp_path', "proxy_temp_path $sr/tmp/proxy;");
    $http_default->('fastcgi_temp_path', "fastcgi_temp_path $sr/tmp/fastcgi;");
    $http_default->('uwsgi_temp_path', "uwsgi_temp_path $sr/tmp/uwsgi;");
    $http_default->('scgi_temp_path', "scgi_temp_path $sr/tmp/scgi;");
    if ($with_module && !_has_directive($all, 'scim_redis')
        && !_has_directive($all, 'scim_redis_cluster')) {
        if ($S{cluster}) {
            push @c, "    scim_redis_cluster " . $S{cluster}->seeds . ";";
        } elsif (my $tls = redis_tls()) {
            push @c, "    scim_redis 127.0.0.1:$tls->{port};", "    scim_redis_ssl on;",
                "    scim_redis_ssl_trusted_certificate $tls->{ca};",
                "    scim_redis_ssl_server_name localhost;";
        } else {
            push @c, "    scim_redis unix:$S{redis_sock};";
        }
    }
    if ($with_module && $S{factor} > 1) {
        # valgrind and ASan slow nginx down: keep the module's Redis timers
        # from firing on a healthy store (blocks that test them set their own)
        for my $d ('scim_redis_timeout', 'scim_redis_connect_timeout') {
            push @c, "    $d " . 2 * $S{factor} . "s;" unless _has_directive($all, $d);
        }
    }
    push @c, $http;
    push @c, "    server {";
    push @c, "        listen 127.0.0.1:$S{port};";
    push @c, "        server_name localhost;";
    push @c, $server;
    push @c, "    }";
    push @c, "}";
    return join("\n", @c) . "\n";
}

sub _nginx_cmd {
    my (@extra) = @_;
    return ($S{nginx}, '-p', "$S{servroot}/", '-c', 'conf/nginx.conf',
            '-e', "$S{servroot}/logs/error.log", @extra);
}

sub _start_nginx {
    my ($b) = @_;
    my $sr = $S{servroot};
    my $stderr = "$sr/logs/stderr.log";
    delete $S{nginx_gone};
    if ($S{valgrind}) {
        my @vg = ('valgrind', '--tool=memcheck', '-q', '--error-exitcode=42',
                  "--log-file=$sr/logs/valgrind.%p.log", '--leak-check=no',
                  '--trace-children=yes', '--num-callers=40');
        push @vg, "--suppressions=$S{root}/t/valgrind.supp" if -e "$S{root}/t/valgrind.supp";
        my $pid = _spawn([@vg, _nginx_cmd()], $stderr, _nginx_env());
        $S{nginx_pid} = $pid;
        $S{nginx_child} = 1;
    } else {
        my $pid = _spawn([_nginx_cmd()], $stderr, _nginx_env());
        my $deadline = time + 30;
        my $rc;
        while (1) {
            if (waitpid($pid, WNOHANG) == $pid) { $rc = $?; last }
            if (time > $deadline) { kill 'KILL', $pid; waitpid($pid, 0); $rc = -1; last }
            sleep 0.005;
        }
        return "nginx failed to start (exit status $rc)" if $rc != 0;
        my $pidfile = "$sr/logs/nginx.pid";
        $deadline = time + 10;
        sleep 0.005 until -s $pidfile || time > $deadline;
        my $master = _read_file($pidfile);
        return "nginx did not write $pidfile" unless defined $master && $master =~ /(\d+)/;
        $S{nginx_pid} = $1;
        $S{nginx_child} = 0;
    }
    my $deadline = time + 10 * $S{factor};
    while (time < $deadline) {
        if ($S{nginx_child} && waitpid($S{nginx_pid}, WNOHANG) == $S{nginx_pid}) {
            delete $S{nginx_pid};
            return "nginx exited during start (status $?)";
        }
        if (!$S{nginx_child} && !_alive($S{nginx_pid})) {
            delete $S{nginx_pid};
            return "nginx master exited during start";
        }
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $S{port},
                                      Proto => 'tcp', Timeout => 1);
        if ($s) {
            close $s;
            return undef unless $S{nginx_child};
            # In the foreground (valgrind) nginx listens before it installs its
            # signal handlers; an answered request proves it reached the event
            # loop. A request without Host is refused before any location is
            # chosen and is logged at [info] only.
            my $r = eval { read_response(open_request("GET / HTTP/1.1\r\n\r\n"), 'GET', 5 * $S{factor}) };
            return undef if $r && defined $r->{status};
        }
        sleep 0.01;
    }
    return "nginx did not accept connections on port $S{port}";
}

sub _nginx_exited {
    my $pid = $S{nginx_pid} or return 1;
    if ($S{nginx_child}) {
        return 1 if $S{nginx_reaped};
        if (waitpid($pid, WNOHANG) == $pid) {
            $S{nginx_reaped} = 1;
            $S{nginx_status} = $?;
            return 1;
        }
        return 0;
    }
    return !_alive($pid);
}

# Graceful stop; returns an error message or undef.
sub _stop_nginx {
    my $pid = $S{nginx_pid} or return undef;
    my $err;
    if (_nginx_exited()) {
        $err = "nginx was not running at the end of the block" unless $S{nginx_gone};
    } else {
        kill 'QUIT', $pid;
        _wait_exit(15 * $S{factor});
        if (!_nginx_exited()) {
            $err = "nginx did not exit within " . 15 * $S{factor} . " s of SIGQUIT";
            _kill_nginx();
        }
    }
    if (!$err && $S{nginx_child} && $S{nginx_reaped} && $S{nginx_status}) {
        my $st = $S{nginx_status};
        $err = "nginx exited with status " . ($st >> 8) . ($st & 127 ? " signal " . ($st & 127) : '')
            unless $S{valgrind} && ($st >> 8) == 42;   # valgrind errors are reported apart
    }
    delete @S{qw(nginx_pid nginx_child nginx_reaped nginx_status nginx_gone)};
    return $err;
}

# Under valgrind a signal that arrives just before epoll_wait can be lost in a
# restarted syscall: nginx would sleep forever. A connection wakes it up.
sub _wait_exit {
    my ($secs) = @_;
    my $deadline = time + $secs;
    my $poke = time + 1;
    until (_nginx_exited() || time > $deadline) {
        if ($S{nginx_child} && time > $poke) {
            my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $S{port},
                                          Proto => 'tcp', Timeout => 1);
            close $s if $s;
            $poke = time + 1;
        }
        sleep 0.01;
    }
    return _nginx_exited();
}

sub _kill_nginx {
    my $pid = $S{nginx_pid} or return;
    my @kids = $S{nginx_child} ? () : _children_of($pid);
    kill 'KILL', $pid, @kids;
    if ($S{nginx_child}) { waitpid($pid, 0) unless $S{nginx_reaped} }
    else { my $d = time + 5; sleep 0.01 while _alive($pid) && time < $d }
    unlink "$S{servroot}/logs/nginx.pid";
    delete @S{qw(nginx_pid nginx_child nginx_reaped nginx_status)};
}

sub nginx_signal {
    my ($what) = @_;
    my %sig = (reload => 'HUP', quit => 'QUIT', stop => 'TERM', reopen => 'USR1');
    my $sig = $sig{$what} or die "ScimTest: nginx_signal: unknown signal '$what'\n";
    my $pid = $S{nginx_pid} or die "ScimTest: nginx is not running\n";
    my @before = worker_pids();
    kill $sig, $pid or die "ScimTest: kill $sig $pid: $!\n";
    if ($what eq 'quit' || $what eq 'stop') {
        $S{nginx_gone} = 1;
        return _wait_exit(15 * $S{factor});
    }
    if ($what eq 'reload') {
        if ($S{valgrind}) {
            sleep 0.5;
            my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $S{port},
                                          Proto => 'tcp', Timeout => 1);
            close $s if $s;
            sleep 1;
            return 1;
        }
        my %old = map { $_ => 1 } @before;
        return wait_until(sub { grep { !$old{$_} } worker_pids() }, 10);
    }
    return 1;
}

# --- logs ------------------------------------------------------------------------

sub _error_log_path { "$S{servroot}/logs/error.log" }

sub error_log_since_block { return _read_file(_error_log_path()) // '' }
sub error_log_mark { return -s _error_log_path() || 0 }

sub error_log_since {
    my ($mark) = @_;
    my $text = error_log_since_block();
    return length($text) > $mark ? substr($text, $mark) : '';
}

sub _tail {
    my ($file, $n) = @_;
    my $text = _read_file($file) // return "($file: none)\n";
    my @lines = split /\n/, $text;
    @lines = @lines[-$n .. -1] if @lines > $n;
    return join("\n", @lines) . "\n";
}

sub _log_patterns {
    my ($text) = @_;
    my @p;
    for my $line (split /\n/, $text // '') {
        next if $line =~ /^\s*$/;
        $line =~ s/^\s+|\s+$//g;
        if ($line =~ m{^qr/(.*)/([a-z]*)$}) {
            my ($re, $flags) = ($1, $2);
            push @p, { text => $line, re => qr/(?$flags)$re/ };
        } else {
            push @p, { text => $line, re => qr/\Q$line\E/ };
        }
    }
    return @p;
}

sub _log_patterns_of {
    my ($b, $name) = @_;
    return () unless exists $b->{sec}{$name};
    if ($b->{mod}{$name}{eval}) {
        my @v = eval { _eval_perl($b->{sec}{$name}, "$name eval") };
        die "ScimTest: --- $name eval failed: $@" if $@;
        @v = @{ $v[0] } if @v == 1 && ref $v[0] eq 'ARRAY';
        return map { ref $_ eq 'Regexp' ? { text => "$_", re => $_ } : { text => $_, re => qr/\Q$_\E/ } } @v;
    }
    return _log_patterns(_subst_env($b->{sec}{$name}));
}

# --- HTTP client --------------------------------------------------------------------

sub _send_all {
    my ($sock, $data, $timeout) = @_;
    my $deadline = time + ($timeout // 10);
    my $sel = IO::Select->new($sock);
    my $off = 0;
    while ($off < length $data) {
        my $left = $deadline - time;
        return 0 if $left <= 0;
        next unless $sel->can_write($left);
        my $n = syswrite($sock, $data, length($data) - $off, $off);
        if (!defined $n) {
            next if $! == EINTR || $! == EAGAIN;
            return 0;
        }
        $off += $n;
    }
    return 1;
}

sub _timeout {
    my $t = $BLOCK && defined $BLOCK->{sec}{timeout} ? _value($BLOCK, 'timeout') : 10;
    $t =~ s/\s+//g;
    $t =~ s/s$//;
    return $t * $S{factor};
}

# [name, value] pairs in order; a value of undef suppresses a default.
sub _build_request {
    my ($method, $uri, $body, $headers, $proto, $no_auth) = @_;
    $proto ||= 'HTTP/1.1';
    my @h = @$headers;
    my %given = map { lc($_->[0]) => 1 } @h;
    unshift @h, ['Host', "localhost:$S{port}"] unless $given{host};
    push @h, ['Authorization', "Bearer $TOKEN"] unless $given{authorization} || $no_auth;
    my $len = defined $body ? length $body : 0;
    push @h, ['Content-Type', 'application/scim+json'] if $len && !$given{'content-type'};
    push @h, ['Content-Length', $len]
        if !$given{'content-length'} && !$given{'transfer-encoding'}
           && ($len || $method =~ /^(?:POST|PUT|PATCH)$/);
    push @h, ['Connection', 'close'] unless $given{connection};
    my $req = "$method $uri $proto\r\n";
    $req .= "$_->[0]: $_->[1]\r\n" for grep { defined $_->[1] } @h;
    $req .= "\r\n";
    $req .= $body if $len;
    return $req;
}

sub _headers_from_hash {
    my ($h) = @_;
    return [] unless $h;
    return [ map { [$_, $h->{$_}] } sort keys %$h ] if ref $h eq 'HASH';
    return [ map { [ $h->[2 * $_], $h->[2 * $_ + 1] ] } 0 .. $#$h / 2 ] if ref $h eq 'ARRAY';
    die "ScimTest: headers must be a hash or array reference\n";
}

sub _connect {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $S{port},
                                  Proto => 'tcp', Timeout => 5 * $S{factor});
    die "ScimTest: cannot connect to nginx on port $S{port}: $!\n" unless $s;
    $s->autoflush(1);
    return $s;
}

sub open_request {
    my (@args) = @_;
    my ($raw, $method);
    if (@args == 1) {
        $raw = $args[0];
        ($method) = $raw =~ /^(\S+)/;
    } else {
        my ($m, $uri, $body, $headers) = @args;
        $method = $m;
        $raw = _build_request($m, $uri, $body, _headers_from_hash($headers));
    }
    my $s = _connect();
    _send_all($s, $raw, 10 * $S{factor}) or die "ScimTest: cannot send the request: $!\n";
    ${*$s}{scimtest_method} = $method // 'GET';
    return $s;
}

# Reads one response. The socket is closed afterwards unless keep_open => 1;
# bytes of a following (pipelined) response are kept for the next call.
sub read_response {
    my ($sock, $method, $timeout, %opt) = @_;
    $method //= ${*$sock}{scimtest_method} // 'GET';
    $timeout //= _timeout();
    my $deadline = time + $timeout;
    my $sel = IO::Select->new($sock);
    my $buf = delete ${*$sock}{scimtest_buf} // '';
    my ($res, $hlen, $need, $chunked, $eof, $consumed);
    my $error;
    for (;;) {
        if (!defined $res) {
            my $i = index($buf, "\r\n\r\n");
            my $sep = 4;
            if ($i < 0) { $i = index($buf, "\n\n"); $sep = 2 }
            if ($i >= 0) {
                $res = _parse_head(substr($buf, 0, $i));
                if (!$res) { $error = 'malformed response head'; last }
                $hlen = $i + $sep;
                if ($res->{status} >= 100 && $res->{status} < 200) {   # 1xx: skip
                    substr($buf, 0, $hlen) = '';
                    undef $res;
                    next;
                }
                my $te = $res->{headers}{'transfer-encoding'} // '';
                if ($method eq 'HEAD' || $res->{status} == 204 || $res->{status} == 304) {
                    $need = 0;
                } elsif ($te =~ /chunked/i) {
                    $chunked = 1;
                } elsif (defined $res->{headers}{'content-length'}) {
                    $need = $res->{headers}{'content-length'};
                }
            }
        }
        if (defined $res) {
            my $body = substr($buf, $hlen);
            if (defined $need && length($body) >= $need) {
                $res->{body} = substr($body, 0, $need);
                $consumed = $hlen + $need;
                last;
            }
            if ($chunked) {
                my ($decoded, $used) = _dechunk($body);
                if (defined $decoded) { $res->{body} = $decoded; $consumed = $hlen + $used; last }
            }
            if ($eof) {
                if ($chunked || defined $need) {
                    $error = 'connection closed before the end of the body';
                }
                $res->{body} = $chunked ? ((_dechunk($body, 1))[0] // $body) : $body;
                last;
            }
        } elsif ($eof) {
            $error = length $buf ? 'connection closed inside the response head'
                                 : 'connection closed without a response';
            last;
        }
        my $left = $deadline - time;
        if ($left <= 0 || !$sel->can_read($left)) {
            $error = "no complete response within $timeout s";
            $res->{body} //= substr($buf, $hlen) if $res;
            last;
        }
        my $n = sysread($sock, my $chunk, 1 << 20);
        if (!defined $n) {
            next if $! == EINTR || $! == EAGAIN;
            $eof = 1;
            $error = "read error: $!";
            next;
        }
        if ($n == 0) { $eof = 1; next }
        $buf .= $chunk;
    }
    $consumed //= length $buf;
    if ($opt{keep_open}) {
        ${*$sock}{scimtest_buf} = substr($buf, $consumed);
    } else {
        close $sock;
    }
    $res ||= { status => undef, headers => {}, header_list => [], body => undef };
    $res->{error} = $error if $error;
    $res->{raw} = substr($buf, 0, $consumed);
    if (defined $res->{body} && length $res->{body}) {
        $res->{json} = eval { $JSON->decode($res->{body}) };
    }
    return $res;
}

sub _parse_head {
    my ($head) = @_;
    my @lines = split /\r?\n/, $head;
    my $status = shift @lines // return undef;
    $status =~ m{^HTTP/\d\.\d (\d{3})(?: (.*))?$} or return undef;
    my %res = (status => $1, reason => $2 // '', status_line => $status,
               headers => {}, header_list => []);
    for my $l (@lines) {
        my ($n, $v) = $l =~ /^([^:]+):\s*(.*?)\s*$/ or next;
        push @{ $res{header_list} }, [$n, $v];
        my $k = lc $n;
        $res{headers}{$k} = exists $res{headers}{$k} ? "$res{headers}{$k}, $v" : $v;
    }
    return \%res;
}

sub _dechunk {
    my ($data, $partial) = @_;
    my $out = '';
    my $pos = 0;
    for (;;) {
        my $i = index($data, "\r\n", $pos);
        return $partial ? $out : undef if $i < 0;
        my ($size) = substr($data, $pos, $i - $pos) =~ /^([0-9a-fA-F]+)/;
        return $partial ? $out : undef unless defined $size;
        $size = hex $size;
        $pos = $i + 2;
        if ($size == 0) {   # then optional trailers and an empty line
            my $end = substr($data, $pos, 2) eq "\r\n" ? $pos + 2
                    : do { my $t = index($data, "\r\n\r\n", $pos); $t < 0 ? -1 : $t + 4 };
            return ($out, $end) if $end >= 0;
            return $partial ? $out : undef;
        }
        return $partial ? $out . substr($data, $pos) : undef if length($data) < $pos + $size + 2;
        $out .= substr($data, $pos, $size);
        $pos += $size + 2;
    }
}

# Sends more bytes on a socket from open_request (keep-alive, slow bodies).
sub send_raw {
    my ($sock, $raw) = @_;
    return _send_all($sock, $raw, 10 * $S{factor});
}

sub scim_request {
    my ($method, $uri, $body, $headers) = @_;
    my $raw = _build_request($method, $uri, $body, _headers_from_hash($headers));
    return _exchange($raw, $method);
}
sub http_request { goto &scim_request }

sub _exchange {
    my ($raw, $method) = @_;
    my $s = eval { _connect() };
    return { status => undef, headers => {}, header_list => [], body => undef, error => "$@" }
        unless $s;
    if (!_send_all($s, $raw, 10 * $S{factor})) {
        # nginx may answer (e.g. 413) before reading everything
        my $r = read_response($s, $method, 5 * $S{factor});
        $r->{send_error} = "$!";
        return $r;
    }
    return read_response($s, $method);
}

sub _describe_response {
    my ($r) = @_;
    my $d = '';
    $d .= "error: $r->{error}\n" if $r->{error};
    if (defined $r->{status}) {
        $d .= "$r->{status_line}\n";
        $d .= "$_->[0]: $_->[1]\n" for @{ $r->{header_list} };
        my $body = $r->{body} // '';
        $body = substr($body, 0, 2000) . "... (" . length($body) . " bytes)" if length $body > 2000;
        $d .= "\n$body\n";
    }
    return $d;
}

# --- JSON subset matching ---------------------------------------------------------

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

# --- checks ---------------------------------------------------------------------

sub _t {
    my ($what) = @_;
    return $BLOCK ? "$BLOCK->{name} - $what" : $what;
}

# ok() with a name prefixed by the block; returns the result.
sub _ok {
    my ($ok, $what, @diag) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::ok($ok, _t($what)) or (@diag && Test::More::diag(join '', @diag));
    return $ok ? 1 : 0;
}

sub _check_headers_exact {
    my ($r, $spec, $label) = @_;
    my $fails = 0;
    for my $line (split /\n/, $spec) {
        next if $line =~ /^\s*$/;
        $line =~ s/^\s+|\s+$//g;
        if ($line =~ /^!\s*(\S+)$/) {
            my $n = $1;
            $fails += !_ok(!exists $r->{headers}{ lc $n }, "$label header $n absent",
                           "  got $n: " . ($r->{headers}{ lc $n } // '') . "\n");
            next;
        }
        my ($n, $v) = $line =~ /^([^:]+?)\s*:\s*(.*)$/ or die "ScimTest: bad header line '$line'\n";
        my $got = $r->{headers}{ lc $n };
        $fails += !_ok(defined $got && $got eq $v, "$label header $n",
                       "  expected: $v\n  got:      " . ($got // '(absent)') . "\n");
    }
    return $fails;
}

sub _check_headers_like {
    my ($r, $spec, $label) = @_;
    my $fails = 0;
    for my $line (split /\n/, $spec) {
        next if $line =~ /^\s*$/;
        $line =~ s/^\s+|\s+$//g;
        my ($n, $re) = $line =~ /^([^:]+?)\s*:\s*(.*)$/ or die "ScimTest: bad header line '$line'\n";
        my $got = $r->{headers}{ lc $n };
        $fails += !_ok(!!(defined $got && $got =~ /$re/), "$label header $n like /$re/",
                       "  got: " . ($got // '(absent)') . "\n");
    }
    return $fails;
}

sub _check_json {
    my ($r, $exp_text, $label) = @_;
    my $exp = eval { $JSON->decode($exp_text) };
    die "ScimTest: expected JSON does not parse: $@  in: $exp_text\n" unless defined $exp || $exp_text =~ /^\s*null\s*$/;
    if (!defined $r->{json}) {
        return !_ok(0, "$label JSON body", "  the response body is not JSON\n");
    }
    my @e = json_subset_errors($r->{json}, $exp);
    return !_ok(!@e, "$label JSON body", map { "  $_\n" } @e);
}

# The expectations of --- request / --- raw_request blocks.
sub _check_response_sections {
    my ($b, $r) = @_;
    my $fails = 0;
    if (!defined $r->{status}) {
        _ok(0, "response received", "  " . ($r->{error} // 'no response') . "\n");
        return 1;
    }
    if (exists $b->{sec}{error_code}) {
        my $want = _value($b, 'error_code');
        $want =~ s/\s+//g;
        $fails += !_ok($r->{status} eq $want, "status code",
                       "  expected $want, got $r->{status}\n");
    } elsif ($r->{error}) {
        $fails += !_ok(0, "complete response", "  $r->{error}\n");
    }
    if (exists $b->{sec}{response_headers}) {
        $fails += _check_headers_exact($r, _value($b, 'response_headers'), 'response');
    }
    if (exists $b->{sec}{response_headers_like}) {
        $fails += _check_headers_like($r, _value($b, 'response_headers_like'), 'response');
    }
    if (exists $b->{sec}{response_body}) {
        my $want = _value($b, 'response_body');
        my $got = $r->{body} // '';
        $fails += !_ok($got eq $want, "response body",
                       "  expected: " . _show_text($want) . "\n  got:      " . _show_text($got) . "\n");
    }
    if (exists $b->{sec}{response_body_like}) {
        my $re = _value($b, 'response_body_like');
        chomp $re unless $b->{mod}{response_body_like}{eval};
        $re = qr/$re/s unless ref $re eq 'Regexp';
        $fails += !_ok(!!(($r->{body} // '') =~ $re), "response body like $re");
    }
    if (exists $b->{sec}{response_body_unlike}) {
        my $re = _value($b, 'response_body_unlike');
        chomp $re unless $b->{mod}{response_body_unlike}{eval};
        $re = qr/$re/s unless ref $re eq 'Regexp';
        $fails += !_ok(($r->{body} // '') !~ $re, "response body unlike $re");
    }
    if (exists $b->{sec}{response_json}) {
        $fails += _check_json($r, _value($b, 'response_json'), 'response');
    }
    return $fails;
}

sub _show_text {
    my ($t) = @_;
    my $s = length $t > 500 ? substr($t, 0, 500) . "... (" . length($t) . " bytes)" : $t;
    $s =~ s/\n/\\n/g;
    return "'$s'";
}

# --- steps --------------------------------------------------------------------------

sub _parse_steps {
    my ($text) = @_;
    my @steps;
    my @chunks = split /^---[ \t]*$/m, $text;
    for my $chunk (@chunks) {
        my @lines = split /\n/, $chunk;
        shift @lines while @lines && ($lines[0] =~ /^\s*$/ || $lines[0] =~ /^\s*#/);
        next unless @lines;
        my $reqline = shift @lines;
        $reqline =~ s/^\s+|\s+$//g;
        my ($method, $uri, $proto) = $reqline =~ m{^([A-Z]+)\s+(\S+)(?:\s+(HTTP/\d\.\d))?$}
            or die "ScimTest: bad step request line '$reqline'\n";
        my (@headers, @body, @expect);
        while (@lines && $lines[0] =~ /^>\s?(.*)$/) {
            my $h = $1;
            shift @lines;
            if ($h =~ /^!\s*(\S+)\s*$/) { push @headers, [$1, undef]; next }
            my ($n, $v) = $h =~ /^([^:]+?)\s*:\s?(.*)$/ or die "ScimTest: bad step header '$h'\n";
            push @headers, [$n, $v];
        }
        while (@lines && $lines[0] !~ /^=>/) { push @body, shift @lines }
        pop @body while @body && $body[-1] =~ /^\s*$/;
        for my $l (@lines) {
            next if $l =~ /^\s*$/ || $l =~ /^\s*#/;
            $l =~ /^=>\s*(.*?)\s*$/ or die "ScimTest: unexpected line in step '$reqline': '$l'\n";
            push @expect, $1;
        }
        push @steps, { method => $method, uri => $uri, proto => $proto, headers => \@headers,
                       body => @body ? join("\n", @body) : undef, expect => \@expect,
                       line => $reqline };
    }
    return @steps;
}

sub _subst_vars {
    my ($text, $vars) = @_;
    return $text unless defined $text;
    $text =~ s/\{\{(\w+)\}\}/exists $vars->{$1} ? $vars->{$1} : die "ScimTest: {{$1}} is not saved yet\n"/ge;
    return $text;
}

sub _run_steps {
    my ($b) = @_;
    my @steps = _parse_steps(_value($b, 'steps'));
    my %vars;
    my $n = 0;
    for my $st (@steps) {
        $n++;
        my ($method, $uri, $body, @headers);
        eval {
            $uri = _subst_vars($st->{uri}, \%vars);
            $body = _subst_vars($st->{body}, \%vars);
            @headers = map { [ $_->[0], _subst_vars($_->[1], \%vars) ] } @{ $st->{headers} };
            1;
        } or do { _ok(0, "step $n: $st->{line}", "  $@"); return };
        $method = $st->{method};
        my $raw = _build_request($method, $uri, $body, \@headers, $st->{proto},
                                 exists $b->{sec}{no_auth});
        my $r = _exchange($raw, $method);
        my $label = "step $n ($method " . _short($uri) . "):";
        my $fails = 0;
        if (!defined $r->{status}) {
            _ok(0, "$label response received", "  " . ($r->{error} // 'no response') . "\n");
            _diag_log();
            return;
        }
        for my $e (@{ $st->{expect} }) {
            my $x = eval { _subst_vars($e, \%vars) };
            if (!defined $x) { $fails += !_ok(0, "$label $e", "  $@"); next }
            my $res = eval { _step_expect($r, $x, $label, \%vars) };
            if (!defined $res) { $fails += !_ok(0, "$label $x", "  $@"); next }
            $fails += $res;
        }
        if ($fails) {
            Test::More::diag("request:\n$method $uri\n" . ($body // '') . "\nresponse:\n"
                             . _describe_response($r));
            _diag_log();
        }
    }
}

sub _short { my ($s) = @_; length $s > 60 ? substr($s, 0, 57) . '...' : $s }

# Returns the number of failed checks; dies on a malformed expectation.
sub _step_expect {
    my ($r, $x, $label, $vars) = @_;
    if ($x =~ /^(\d{3})$/) {
        return !_ok($r->{status} eq $1, "$label status $1", "  got $r->{status}\n");
    }
    if ($x =~ /^header\s+(.*)$/) {
        my $h = $1;
        if ($h =~ /^!\s*(\S+)$/) {
            return _check_headers_exact($r, "!$1", $label);
        }
        if ($h =~ /^(\S+)\s+(like|unlike)\s+(.*)$/ && $1 !~ /:$/) {
            my ($n, $op, $re) = ($1, $2, $3);
            my $got = $r->{headers}{ lc $n };
            my $ok = defined $got && ($op eq 'like' ? $got =~ /$re/ : $got !~ /$re/);
            return !_ok($ok, "$label header $n $op /$re/", "  got: " . ($got // '(absent)') . "\n");
        }
        return _check_headers_exact($r, $h, $label);
    }
    if ($x =~ /^json\s+([\[{].*)$/s) {
        return _check_json($r, $1, $label);
    }
    if ($x =~ /^json\s+(\S+)\s+(==|!=|like|unlike)\s+(.*)$/ || $x =~ /^json\s+(\S+)\s+(absent|present)$/) {
        my ($path, $op, $want) = ($1, $2, $3);
        return !_ok(0, "$label json $path", "  the response body is not JSON\n") unless defined $r->{json};
        my ($found, $v) = _json_path($r->{json}, $path);
        return !_ok(!$found, "$label json $path absent", "  got " . _show($v) . "\n") if $op eq 'absent';
        return !_ok($found, "$label json $path present") if $op eq 'present';
        my $got = !$found ? undef : ref $v ? _show($v) : $v;
        my $ok = defined $got && ($op eq '==' ? $got eq $want : $op eq '!=' ? $got ne $want
                                  : $op eq 'like' ? $got =~ /$want/ : $got !~ /$want/);
        return !_ok($ok, "$label json $path $op $want", "  got: " . ($found ? _show($v) : '(absent)') . "\n");
    }
    if ($x =~ /^body\s+(is|like|unlike)\s?(.*)$/s || $x =~ /^body\s+(empty)$/) {
        my ($op, $arg) = ($1, $2);
        my $got = $r->{body} // '';
        my $ok = $op eq 'is' ? $got eq $arg : $op eq 'empty' ? $got eq ''
               : $op eq 'like' ? $got =~ /$arg/s : $got !~ /$arg/s;
        return !_ok($ok, "$label body $op" . ($op eq 'empty' ? '' : " $arg"), "  got: " . _show_text($got) . "\n");
    }
    if ($x =~ /^perl\s+(.*)$/s) {
        my $code = $1;
        no warnings 'once';
        local $main::r = $r;
        my $v = eval { _eval_perl("our \$r; $code", 'steps perl') };
        die "perl expectation failed to run: $@" if $@;
        return !_ok($v, "$label perl $code");
    }
    if ($x =~ /^sleep\s+([\d.]+)$/) {
        sleep $1;
        return 0;
    }
    if ($x =~ /^save\s+(\w+)\s*=\s*(.*)$/) {
        my ($name, $src) = ($1, $2);
        my $v;
        if ($src =~ /^json\s+(\S+)$/) {
            my $found;
            ($found, $v) = defined $r->{json} ? _json_path($r->{json}, $1) : (0);
            return !_ok(0, "$label save $name = $src", "  not found in the response\n") unless $found;
            $v = _show($v) if ref $v;
        } elsif ($src =~ /^header\s+(\S+)$/) {
            $v = $r->{headers}{ lc $1 };
            return !_ok(0, "$label save $name = $src", "  the header is absent\n") unless defined $v;
        } elsif ($src eq 'body') {
            $v = $r->{body} // '';
        } elsif ($src eq 'status') {
            $v = $r->{status};
        } else {
            die "ScimTest: bad save source '$src'\n";
        }
        $vars->{$name} = $v;
        return 0;
    }
    die "ScimTest: unknown expectation '=> $x'\n";
}

# --- running a block -----------------------------------------------------------------

sub wait_until {
    my ($cond, $secs, $interval) = @_;
    my $deadline = time + ($secs // 10) * $S{factor};
    while (1) {
        my $v = $cond->();
        return $v if $v;
        return 0 if time > $deadline;
        sleep($interval // 0.05);
    }
}

sub _diag_log {
    return if $S{log_shown}++;
    Test::More::diag("error.log (tail):\n" . _tail(_error_log_path(), 30));
}

sub _reset_logs {
    my ($b) = @_;
    my $logs = "$S{servroot}/logs";
    unlink glob("$logs/error.log $logs/access.log $logs/stderr.log $logs/valgrind.*.log");
}

sub _save_logs {
    my ($b) = @_;
    my ($n) = $b->{name} =~ /^TEST\s+(\d+)/;
    $n //= $S{block_no};
    my $logs = "$S{servroot}/logs";
    copy("$logs/error.log", "$logs/TEST-$n.error.log") if -e "$logs/error.log";
    copy("$logs/stderr.log", "$logs/TEST-$n.stderr.log") if -s "$logs/stderr.log";
    for my $v (glob "$logs/valgrind.*.log") {
        (my $to = $v) =~ s{/valgrind\.}{/TEST-$n.valgrind.};
        copy($v, $to) if -s $v;
    }
    copy("$S{servroot}/conf/nginx.conf", "$S{servroot}/conf/TEST-$n.conf");
}

sub _run_block {
    my ($b) = @_;
    $S{block_no}++;
    $S{log_shown} = 0;
    my $tb = Test::More->builder;
    if (exists $b->{sec}{SKIP}) { $tb->skip("$b->{name}: --- SKIP"); return }
    if ($S{valgrind} && exists $b->{sec}{skip_valgrind}) { $tb->skip("$b->{name}: not under valgrind"); return }
    if ($S{preload} ne '' && exists $b->{sec}{skip_asan}) { $tb->skip("$b->{name}: not with LD_PRELOAD"); return }

    my $ok = eval { _run_block_inner($b); 1 };
    if (!$ok) {
        my $err = $@;
        _ok(0, "harness error", "  $err");
        _kill_nginx() if $S{nginx_pid};
    }
    _save_logs($b);
}

sub _run_block_inner {
    my ($b) = @_;
    start_redis() unless redis_running();
    redis_cmd('FLUSHALL') unless exists $b->{sec}{no_flush};
    _reset_logs($b);
    _write_user_files($b) if exists $b->{sec}{user_files};
    _write_file("$S{servroot}/conf/nginx.conf", _nginx_conf($b));

    if (exists $b->{sec}{nginx_t_fails} || exists $b->{sec}{nginx_t_ok}) {
        my $fails = exists $b->{sec}{nginx_t_fails};
        my $re = _value($b, $fails ? 'nginx_t_fails' : 'nginx_t_ok') // '';
        $re =~ s/^\s+|\s+$//g;
        my ($rc, $out) = _run_capture([_nginx_cmd('-t')], 60);
        my $signalled = $rc > 0 && ($rc & 127);
        _ok(!$signalled && $rc != -1, "nginx -t exits normally",
            "  exit status $rc\n$out");
        if ($fails) {
            _ok($rc != 0, "nginx -t fails", "  nginx -t passed:\n$out");
        } else {
            _ok($rc == 0, "nginx -t passes", "  $out");
        }
        _ok(!!($out =~ /$re/), "nginx -t output like /$re/", "  output:\n$out") if $re ne '';
        return;
    }

    my $err = _start_nginx($b);
    if ($err) {
        _ok(0, "nginx starts", "  $err\n", "stderr:\n", _tail("$S{servroot}/logs/stderr.log", 20),
            "error.log:\n", _tail(_error_log_path(), 20));
        _kill_nginx() if $S{nginx_pid};
        return;
    }

    my $fails_before = _failed_count();
    eval {
        if (exists $b->{sec}{init}) { _run_perl($b, 'init') }
        if (exists $b->{sec}{request} || exists $b->{sec}{raw_request}) {
            my $r;
            if (exists $b->{sec}{raw_request}) {
                my $raw = _value($b, 'raw_request');
                my ($method) = $raw =~ /^(\S+)/;
                $r = _exchange($raw, $method // 'GET');
            } else {
                my $req = _value($b, 'request');
                $req =~ s/\n\z// unless $b->{mod}{request}{eval};
                my ($line, $body) = split /\n/, $req, 2;
                $line =~ s/^\s+|\s+$//g;
                my ($method, $uri, $proto) = $line =~ m{^([A-Z]+)\s+(\S+)(?:\s+(HTTP/\d\.\d))?$}
                    or die "bad request line '$line'\n";
                my @h;
                for my $l (split /\n/, _value($b, 'more_headers') // '') {
                    next if $l =~ /^\s*$/;
                    if ($l =~ /^\s*!\s*(\S+)\s*$/) { push @h, [$1, undef]; next }
                    my ($n, $v) = $l =~ /^\s*([^:]+?)\s*:\s?(.*)$/ or die "bad header line '$l'\n";
                    push @h, [$n, $v];
                }
                $r = _exchange(_build_request($method, $uri, $body, \@h, $proto,
                                              exists $b->{sec}{no_auth}), $method);
            }
            if (_check_response_sections($b, $r)) {
                Test::More::diag("response:\n" . _describe_response($r));
                _diag_log();
            }
        } elsif (grep { exists $b->{sec}{$_} } qw(error_code response_headers response_headers_like
                                                   response_body response_body_like response_json)) {
            die "the block has response expectations but no --- request\n";
        }
        _run_steps($b) if exists $b->{sec}{steps};
        _run_perl($b, 'perl') if exists $b->{sec}{perl};
        1;
    } or do {
        _ok(0, "block ran", "  $@");
    };

    my $stop_err = _stop_nginx();
    _ok(!$stop_err, "nginx stops gracefully", "  " . ($stop_err // '') . "\n");
    _check_logs($b);
    _diag_log() if _failed_count() > $fails_before;
}

sub _failed_count { scalar grep { !$_ } Test::More->builder->summary }

sub _run_perl {
    my ($b, $name) = @_;
    my $prefix = $b->{name};
    no warnings 'redefine';
    my $orig = \&Test::Builder::ok;
    local *Test::Builder::ok = sub {
        my ($self, $test, $tname) = @_;
        $tname = defined $tname && $tname =~ /^\Q$prefix\E/ ? $tname
               : "$prefix - " . ($tname // $name);
        local $Test::Builder::Level = $Test::Builder::Level + 1;
        return $orig->($self, $test, $tname);
    };
    eval { _eval_perl($b->{sec}{$name}, $name); 1 } or die "--- $name died: $@";
}

sub _check_logs {
    my ($b) = @_;
    my $log = error_log_since_block();
    for my $p (_log_patterns_of($b, 'error_log')) {
        _ok(!!($log =~ $p->{re}), "error.log has: $p->{text}");
    }
    for my $p (_log_patterns_of($b, 'no_error_log')) {
        my @hits = grep { $_ =~ $p->{re} } split /\n/, $log;
        _ok(!@hits, "error.log has no: $p->{text}", map { "  $_\n" } @hits[0 .. ($#hits > 4 ? 4 : $#hits)]);
    }
    my @bad = grep { /\[(?:alert|crit|emerg)\]/ } split /\n/, $log;
    _ok(!@bad, "no [alert], [crit] or [emerg] in error.log", map { "  $_\n" } @bad[0 .. ($#bad > 9 ? 9 : $#bad)]);

    my $stderr = _read_file("$S{servroot}/logs/stderr.log") // '';
    if ($S{preload} ne '') {
        my $all = "$stderr\n$log";
        my @san = grep { /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:/ } split /\n/, $all;
        _ok(!@san, "no sanitizer reports", "  " . join("\n  ", @san[0 .. ($#san > 9 ? 9 : $#san)]) . "\n",
            @san ? ("stderr.log:\n" . _tail("$S{servroot}/logs/stderr.log", 60)) : ());
    }
    if ($S{valgrind}) {
        my @reports;
        for my $f (glob "$S{servroot}/logs/valgrind.*.log") {
            my $t = _read_file($f) // '';
            push @reports, "$f:\n$t" if $t =~ /Invalid (?:read|write|free)|uninitialised|Mismatched free|overlap|Jump to the invalid|Process terminating|definitely lost|Syscall param|unaddressable/;
        }
        _ok(!@reports, "no valgrind errors", map { substr($_, 0, 6000) . "\n" } @reports);
    }
}

# --- files -----------------------------------------------------------------------------

sub _write_user_files {
    my ($b) = @_;
    my $text = _value($b, 'user_files');
    my ($name, @lines, @files);
    for my $line (split /\n/, $text) {
        if ($line =~ /^>>>\s*(\S+)\s*$/) {
            push @files, [$name, [@lines]] if defined $name;
            ($name, @lines) = ($1);
            next;
        }
        die "ScimTest: --- user_files must start with '>>> path'\n" unless defined $name;
        push @lines, $line;
    }
    push @files, [$name, [@lines]] if defined $name;
    for my $f (@files) {
        my ($path, $content) = @$f;
        die "ScimTest: user file '$path' leaves the servroot\n" if $path =~ m{(?:^|/)\.\.(?:/|$)};
        $path = "$S{servroot}/conf/$path" unless $path =~ m{^/};
        make_path(dirname($path));
        _write_file($path, join('', map { "$_\n" } @$content));
    }
}

sub _read_file {
    my ($f) = @_;
    open(my $fh, '<:raw', $f) or return undef;
    local $/;
    my $t = <$fh>;
    close $fh;
    return $t // '';
}

sub _write_file {
    my ($f, $text) = @_;
    open(my $fh, '>:raw', $f) or die "ScimTest: cannot write $f: $!\n";
    print $fh $text;
    close $fh or die "ScimTest: cannot write $f: $!\n";
}

1;
