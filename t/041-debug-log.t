# The edge's debug trace (nginx built --with-debug, `error_log ... debug`):
# each phase of a request leaves one line (route, auth, command sent, reply,
# response status), and none of those lines carries a token, a token hash
# or a value from the request (they name commands, not their arguments).
# nginx's own debug lines (request headers) are not the module's to check.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;
use Digest::SHA qw(sha256_hex);

$ENV{TEST_NGINX_ADMIN_HASH} = sha256_hex('admin-secret');

sub debug_build {
    my $nginx = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
    return `$nginx -V 2>&1` =~ /--with-debug/;
}

# The module's debug lines since the block began.
sub scim_debug_lines {
    return grep { /\[debug\].*\bscim: / } split /\n/, error_log_since_block();
}

# None of `@lines` holds any of `@secrets`.
sub secrets_absent {
    my ($lines, @secrets) = @_;
    for my $secret (@secrets) {
        my @leaks = grep { index($_, $secret) >= 0 } @$lines;
        is(scalar @leaks, 0, "no scim debug line holds \"$secret\"")
            or diag(join "\n", @leaks);
    }
}

run_blocks();

__DATA__

=== TEST 1: a write traced phase by phase, without its values or the token
--- http_config
    error_log logs/error.log debug;
--- perl
SKIP: {
    skip 'nginx is built without --with-debug', 9 unless debug_build();
    my $r = scim_request('POST', '/scim/v2/Users',
                         '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],'
                       . '"userName":"trace.me@example.com","password":"Pa55-word-xyz"}');
    is($r->{status}, 201, 'created');
    my @lines = scim_debug_lines();
    my $log = join("\n", @lines);
    like($log, qr{scim: auth accepted: token "demo", tenant "default"}, 'auth result');
    like($log, qr{scim: route POST "/Users"}, 'route');
    like($log, qr{scim: redis command \S+ sent on connection \*\d+}, 'command sent, by name');
    like($log, qr{scim: redis reply: \w+}, 'reply type');
    like($log, qr{scim: response status 201\b}, 'response status');
    secrets_absent(\@lines, 'trace.me@example.com', 'Pa55-word-xyz', 'test-token');
}



=== TEST 2: a Redis token's look-up traced, without the token or its hash
--- http_config
    error_log logs/error.log debug;
--- config
    location /scim/v2/ {
        scim;
        scim_redis_tokens on;
    }
    location /scim-admin/ {
        scim_admin;
        scim_admin_token $TEST_NGINX_ADMIN_HASH;
    }
--- perl
SKIP: {
    skip 'nginx is built without --with-debug', 8 unless debug_build();
    my $c = scim_request('POST', '/scim-admin/tenants/acme/tokens', '{"name":"trace"}',
                         { Authorization => 'Bearer admin-secret',
                           'Content-Type' => 'application/json' });
    is($c->{status}, 201, 'token created');
    my $token = $c->{json}{token} // 'none';
    my $r = scim_request('GET', '/scim/v2/Users', undef, { Authorization => "Bearer $token" });
    is($r->{status}, 200, 'served with the Redis token');
    my @lines = scim_debug_lines();
    my $log = join("\n", @lines);
    like($log, qr{scim: admin route tokens\.create\n}, 'admin route');
    like($log, qr{scim: auth looks the token up in redis}, 'look-up');
    like($log, qr{scim: auth accepted: token "trace", tenant "acme"}, 'accepted after the look-up');
    secrets_absent(\@lines, $token, sha256_hex($token), 'admin-secret');
}
