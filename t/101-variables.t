# The $scim_* variables (issue 13) through log_format, and per-tenant rate
# limiting: limit_req runs before the content handler, so $scim_tenant is
# empty there and cannot key it; the tenant from the URL can.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;
use Digest::SHA qw(sha256_hex);
use JSON::PP ();

my $HASH = sha256_hex('test-token');
$ENV{TEST_NGINX_TOKEN_HASH2} = sha256_hex('token-globex');

# The access log's lines written since the last call. nginx writes the
# line after the response went out: wait for $want of them.
my $seen = 0;
sub new_log_lines {
    my ($want) = @_;
    my $file = servroot() . '/logs/scim.log';
    my @lines;
    wait_until(sub {
        @lines = ();
        open my $fh, '<', $file or return 0;
        @lines = <$fh>;
        close $fh;
        @lines - $seen >= ($want // 0);
    }, 5) if $want;
    if (!$want && open my $fh, '<', $file) {
        @lines = <$fh>;
        close $fh;
    }
    chomp @lines;
    my @new = @lines[$seen .. $#lines];
    $seen = @lines;
    return @new;
}

$ENV{TEST_NGINX_JSON_LOG} = <<'CONF';
    log_format scim_json escape=json
        '{"time":"$time_iso8601","status":"$status","method":"$request_method",'
        '"uri":"$request_uri","tenant":"$scim_tenant","token":"$scim_token_name",'
        '"resource":"$scim_resource","operation":"$scim_operation",'
        '"id":"$scim_resource_id","redis_time":"$scim_redis_time","error":"$scim_error",'
        '"request_time":"$request_time"}';
CONF

run_blocks();

__DATA__

=== TEST 1: each variable, as the JSON log_format of docs/logging.md writes it
--- http_config
$TEST_NGINX_JSON_LOG
--- config
    access_log logs/scim.log scim_json;
    location /scim/v2/ {
        scim;
        scim_tenant acme;
        scim_token $TEST_NGINX_TOKEN_HASH okta-prod;
    }
    location /plain {
        return 200 "plain\n";
    }
--- perl
new_log_lines();  # what earlier blocks wrote
my @log;
my $req = sub {
    my $r = scim_request(@_);
    my @lines = new_log_lines(1);
    is(scalar @lines, 1, "one log line for $_[0] $_[1]");
    my $j = eval { JSON::PP->new->decode($lines[0] // '') };
    ok($j, 'the line is valid JSON') or diag($lines[0]);
    return ($r, $j || {});
};
my ($r, $j) = $req->('POST', '/scim/v2/Users', '{"userName":"ann"}');
is($r->{status}, 201, 'created');
my $id = $r->{json}{id};
is($j->{tenant}, 'acme', '$scim_tenant');
is($j->{token}, 'okta-prod', '$scim_token_name');
is($j->{resource}, 'users', '$scim_resource');
is($j->{operation}, 'users.create', '$scim_operation');
is($j->{id}, '', '$scim_resource_id is empty for a creation');
like($j->{redis_time}, qr/^\d+\.\d{3}$/, '$scim_redis_time: seconds with milliseconds');
is($j->{error}, '', '$scim_error is empty on success');

($r, $j) = $req->('PATCH', "/scim/v2/Users/$id",
                  '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],'
                  . '"Operations":[{"op":"replace","path":"active","value":false}]}');
is($r->{status}, 200, 'patched');
is($j->{operation}, 'users.patch', 'users.patch');
is($j->{id}, $id, '$scim_resource_id');

($r, $j) = $req->('GET', '/scim/v2/Groups?filter=displayName%20eq%20%22x%22');
is($j->{operation}, 'groups.list', 'groups.list');
is($j->{resource}, 'groups', 'groups');

($r, $j) = $req->('POST', '/scim/v2/Users', '{"userName":"ann"}');
is($r->{status}, 409, 'a duplicate');
is($j->{error}, 'uniqueness', '$scim_error is the scimType');

($r, $j) = $req->('GET', '/scim/v2/Users/does-not-exist');
is($j->{error}, 'Not Found', '$scim_error is the reason without a scimType');
is($j->{id}, 'does-not-exist', 'the id asked for');

($r, $j) = $req->('GET', '/scim/v2/Users', undef, { Authorization => 'Bearer wrong' });
is($r->{status}, 401, 'refused');
is($j->{error}, 'Unauthorized', '$scim_error of a 401');
is($j->{token}, '', 'no token name when refused');
is($j->{operation}, 'users.list', 'the operation is known before authentication');

($r, $j) = $req->('GET', '/scim/v2/ServiceProviderConfig');
is($j->{operation}, 'serviceproviderconfig.get', 'discovery operation');
is($j->{resource}, 'discovery', 'discovery resource');
is($j->{redis_time}, '0.000', 'no Redis round trip');

($r, $j) = $req->('GET', '/plain', undef, { Authorization => undef });
is($j->{tenant} . $j->{operation} . $j->{redis_time}, '', 'outside SCIM: all empty');



=== TEST 2: the store's time adds up over a request's round trips
--- http_config
    log_format rt '$scim_redis_time $request_time';
--- config
    access_log logs/scim.log rt;
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
    }
--- perl
new_log_lines();  # what earlier blocks wrote
scim_request('POST', '/scim/v2/Users', qq({"userName":"u$_"})) for 1 .. 3;
new_log_lines(3);
my $r = scim_request('GET', '/scim/v2/Users?filter=userName%20sw%20%22u%22');
is($r->{status}, 200, 'listed');
my ($line) = new_log_lines(1);
my ($redis, $total) = split / /, $line // '';
like($redis, qr/^\d+\.\d{3}$/, 'format');
cmp_ok($redis, '<=', $total + 0.001, 'never more than the request took');



=== TEST 3: limit_req keyed on the URL's tenant limits each tenant on its own
--- http_config
    limit_req_zone $org zone=per_tenant:1m rate=1r/m;
--- config
    location ~ ^/orgs/(?<org>[^/]+)/scim/v2/ {
        limit_req zone=per_tenant;
        limit_req_status 429;
        scim;
        scim_tenant $org;
        scim_token $TEST_NGINX_TOKEN_HASH acme-okta tenant=acme;
        scim_token $TEST_NGINX_TOKEN_HASH2 globex-okta tenant=globex;
    }
--- perl
my $acme = sub { scim_request('GET', '/orgs/acme/scim/v2/Users') };
my $globex = sub { scim_request('GET', '/orgs/globex/scim/v2/Users', undef,
                                { Authorization => 'Bearer token-globex' }) };
is($acme->()->{status}, 200, 'acme: first request');
my $r = $acme->();
is($r->{status}, 429, 'acme: second request in the minute is limited');
like($r->{headers}{'content-type'} // '', qr{application/scim\+json}, 'in SCIM form');
is($globex->()->{status}, 200, 'globex is not limited by acme');



=== TEST 4: limit_req keyed on $scim_tenant limits nothing: the key is empty in preaccess
--- http_config
    limit_req_zone $scim_tenant zone=by_var:1m rate=1r/m;
--- config
    location /scim/v2/ {
        limit_req zone=by_var;
        limit_req_status 429;
        scim;
        scim_tenant acme;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
    }
--- perl
is(scim_request('GET', '/scim/v2/Users')->{status}, 200, 'first') for 1 .. 3;



=== TEST 5: limit_req keyed on the token limits each token on its own
--- http_config
    limit_req_zone $http_authorization zone=per_token:1m rate=1r/m;
--- config
    location /scim/v2/ {
        limit_req zone=per_token;
        limit_req_status 429;
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH acme-okta tenant=acme;
        scim_token $TEST_NGINX_TOKEN_HASH2 globex-okta tenant=globex;
    }
--- perl
my $globex = { Authorization => 'Bearer token-globex' };
is(scim_request('GET', '/scim/v2/Users')->{status}, 200, 'acme: first request');
is(scim_request('GET', '/scim/v2/Users')->{status}, 429, 'acme: second request is limited');
is(scim_request('GET', '/scim/v2/Users', undef, $globex)->{status}, 200, 'globex is not');
