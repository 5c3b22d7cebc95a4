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
# MODULES. `use ScimTest;` exports everything below; the parts live in
# t/lib/ScimTest/:
#   Base.pm    per-file state (%S), section values, child processes, ports,
#              files, ok() named after the block
#   Http.pm    the HTTP client (scim_request, open_request, read_response)
#   Redis.pm   redis-server processes (the per-file one, more on demand,
#              modes such as TLS) and the RESP client (redis_cmd)
#   Nginx.pm   nginx.conf, start, graceful stop, signals, the error log
#   Json.pm    the JSON subset matcher and JSON paths
#   Steps.pm   the --- steps DSL and the response checks
#   Blocks.pm  parsing __DATA__ and running the blocks (run_blocks)
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
#   cases, case      a table, see CASES below.
#   init             Perl code run after nginx is up, before the request.
#   perl             Perl code run after nginx is up (see HELPERS), last.
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
# CASES. A table whose rows are reported one by one, by name:
#
#     --- cases
#     # filter                        => the userNames it finds
#     userName eq "bjensen"           => bjensen
#     title pr                        => bjensen,zed
#     noSuchAttribute eq "x"          =>
#     --- case
#     main::filter_is($main::case, $main::expect);
#
# One case a line: NAME, then ` => ` and a VALUE (may be empty), or NAME
# alone (VALUE undef); blank lines and `#` lines are skipped; names are
# unique. --- case is Perl code run once per case (after --- init, --- request
# and --- steps, before --- perl) with $main::case and $main::expect. Each of
# its assertions is named "<block> - case 'NAME': <name>"; a case that dies,
# or asserts nothing, fails as "case 'NAME'" and the next case runs.
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
#   client_key} (server SAN: localhost, 127.0.0.1, 127.0.0.2);
#   make_server_cert($ca_dir, $dir, "IP:127.0.0.3") -> {cert, key} from that CA;
#   free_port();
#   spawn_redis($dir, @args) -> pid of another redis-server (unix socket
#   $dir/redis.sock plus @args), kill_pid($pid); redis_tls() -> the certs
#   and port when the switch is on, else undef.
#   start_redis_servers($name, $n, %opt) -> $n servers on free TCP ports,
#   stop_redis_servers(@servers), redis_ports(@servers): see Redis.pm, which
#   also says how a mode like TLS is added (redis_mode).
#
# REDIS CLUSTER: TEST_NGINX_REDIS_CLUSTER=1 puts every file's store on a
#   three-master cluster (ScimTest/RedisCluster.pm); with
#   TEST_NGINX_REDIS_TLS=1 too, that cluster serves TLS only (client
#   certificates required) and nginx gets the scim_redis_ssl* lines for it.
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

use Exporter ();
use Test::More ();

use ScimTest::Base;
use ScimTest::Blocks;
use ScimTest::Http;
use ScimTest::Json;
use ScimTest::Nginx;
use ScimTest::Redis;
use ScimTest::RedisSentinel ();    # the `sentinel` mode
use ScimTest::RedisCluster;        # the `cluster` mode
use ScimTest::Steps;

our @EXPORT = qw(
    run_blocks scim_request http_request open_request read_response send_raw redis_cmd
    stop_redis start_redis redis_running nginx_signal nginx_pid worker_pids
    error_log_since_block error_log_mark error_log_since json_subset_ok
    json_subset_errors wait_until servroot block_name redis_digest
    make_tls_certs make_server_cert servers_dir tls_servers_dir free_port spawn_redis kill_pid
    redis_tls
    start_redis_servers stop_redis_servers redis_ports
);

sub import {
    my $caller = caller;
    Exporter::export($_[0], $caller, @EXPORT);
    # Test::More's functions, without a plan: run_blocks ends with done_testing.
    eval "package $caller; Test::More->import(); 1" or die $@;
}

1;
