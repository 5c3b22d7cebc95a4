# Tenants (issue 5 §1): chosen by the token or by an nginx variable, and
# totally isolated: every endpoint tried with another tenant's token and ids.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;
use Digest::SHA qw(sha256_hex);

# Tokens of the tests below; only their hashes go into nginx.conf.
$ENV{TEST_NGINX_ACME_HASH} = sha256_hex('token-acme');
$ENV{TEST_NGINX_GLOBEX_HASH} = sha256_hex('token-globex');
$ENV{TEST_NGINX_LOOSE_HASH} = sha256_hex('token-loose');

run_blocks();

__DATA__

=== TEST 1: two tenants by token: the same userName in both, no endpoint crosses
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_ACME_HASH acme-okta tenant=acme;
        scim_token $TEST_NGINX_GLOBEX_HASH globex-okta tenant=globex;
    }
--- perl
my %acme = (Authorization => 'Bearer token-acme');
my %globex = (Authorization => 'Bearer token-globex');
my $req = sub { my ($h, $m, $u, $b) = @_; scim_request($m, $u, $b, $h) };

my $a = $req->(\%acme, 'POST', '/scim/v2/Users', '{"userName":"bjensen","externalId":"e1","emails":[{"value":"b@example.com"}]}');
is($a->{status}, 201, 'acme creates bjensen');
my $b = $req->(\%globex, 'POST', '/scim/v2/Users', '{"userName":"bjensen","externalId":"e1","emails":[{"value":"b@example.com"}]}');
is($b->{status}, 201, 'globex creates the same userName, externalId and email');
my ($ida, $idb) = ($a->{json}{id}, $b->{json}{id});
like($a->{json}{meta}{location}, qr{^http://localhost:\d+/scim/v2/Users/\Q$ida\E$},
     'meta.location comes from the request URI');
is(redis_cmd('EXISTS', "scim:{acme}:user:$ida"), 1, "acme's user under {acme}");
is(redis_cmd('EXISTS', "scim:{globex}:user:$idb"), 1, "globex's user under {globex}");
is(redis_cmd('EXISTS', "scim:{acme}:user:$idb"), 0, 'nothing of globex under {acme}');

my $ga = $req->(\%acme, 'POST', '/scim/v2/Groups', qq({"displayName":"eng","members":[{"value":"$ida"}]}));
is($ga->{status}, 201, 'acme creates group eng');
my $gb = $req->(\%globex, 'POST', '/scim/v2/Groups', qq({"displayName":"eng","members":[{"value":"$idb"}]}));
is($gb->{status}, 201, 'globex creates a group of the same name');
my $gidb = $gb->{json}{id};

# acme's token, globex's ids: every endpoint answers 404 and changes nothing.
my $put = '{"userName":"stolen"}';
my $patch = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}';
for my $try (['GET', "/scim/v2/Users/$idb"], ['PUT', "/scim/v2/Users/$idb", $put],
             ['PATCH', "/scim/v2/Users/$idb", $patch], ['DELETE', "/scim/v2/Users/$idb"],
             ['GET', "/scim/v2/Groups/$gidb"], ['PUT', "/scim/v2/Groups/$gidb", '{"displayName":"x"}'],
             ['PATCH', "/scim/v2/Groups/$gidb", '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"' . $ida . '"}]}]}'],
             ['DELETE', "/scim/v2/Groups/$gidb"]) {
    my $r = $req->(\%acme, @$try);
    is($r->{status}, 404, "acme: $try->[0] $try->[1] of globex is 404");
    is($r->{json}{status}, '404', '... a SCIM error');
}
my $r = $req->(\%acme, 'GET', "/scim/v2/Users?filter=" . 'id%20eq%20%22' . $idb . '%22');
is($r->{json}{totalResults}, 0, 'filter by a globex id finds nothing in acme');
$r = $req->(\%acme, 'GET', "/scim/v2/Groups?filter=" . 'id%20eq%20%22' . $gidb . '%22');
is($r->{json}{totalResults}, 0, 'filter by a globex group id finds nothing in acme');
$r = $req->(\%acme, 'POST', '/scim/v2/Users/.search', qq({"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"id eq \\"$idb\\""}));
is($r->{json}{totalResults}, 0, '.search by a globex id finds nothing in acme');
$r = $req->(\%acme, 'POST', '/scim/v2/.search', qq({"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"id eq \\"$idb\\" or id eq \\"$gidb\\""}));
is($r->{status}, 200, 'root .search ...');
is($r->{json}{totalResults}, 0, '... by globex ids finds nothing in acme');
$r = $req->(\%acme, 'POST', '/scim/v2/.search', '{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}');
is($r->{json}{totalResults}, 2, 'root .search lists only acme\'s user and group');
$r = $req->(\%acme, 'GET', '/scim/v2/Users?filter=userName%20eq%20%22bjensen%22');
is($r->{json}{totalResults}, 1, 'acme finds one bjensen ...');
is($r->{json}{Resources}[0]{id}, $ida, '... its own');
$r = $req->(\%acme, 'GET', '/scim/v2/Users?filter=externalId%20eq%20%22e1%22');
is_deeply([map { $_->{id} } @{ $r->{json}{Resources} }], [$ida], 'externalId index is per tenant');
$r = $req->(\%acme, 'GET', '/scim/v2/Users?filter=emails%20eq%20%22b%40example.com%22');
is_deeply([map { $_->{id} } @{ $r->{json}{Resources} }], [$ida], 'email index is per tenant');
$r = $req->(\%acme, 'GET', '/scim/v2/Users');
is($r->{json}{totalResults}, 1, 'acme lists only its user');
$r = $req->(\%acme, 'GET', '/scim/v2/Groups');
is($r->{json}{totalResults}, 1, 'acme lists only its group');
$r = $req->(\%acme, 'POST', '/scim/v2/Groups', qq({"displayName":"ops","members":[{"value":"$idb"}]}));
is($r->{status}, 400, "a globex user cannot become a member of an acme group");
$r = $req->(\%acme, 'PATCH', "/scim/v2/Groups/$ga->{json}{id}", '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"' . $gidb . '"}]}]}');
is($r->{status}, 400, 'nor can a globex group');
$r = $req->(\%acme, 'GET', "/scim/v2/Users/$ida");
is(scalar @{ $r->{json}{groups} }, 1, "acme's user is in acme's group only");

$r = $req->(\%globex, 'GET', "/scim/v2/Users/$idb");
is($r->{status}, 200, 'globex still has its user');
is($r->{json}{userName}, 'bjensen', '... unchanged');
ok(!defined $r->{json}{active} || $r->{json}{active}, '... and active');
$r = $req->(\%globex, 'GET', "/scim/v2/Groups/$gidb");
is($r->{status}, 200, 'globex still has its group');
is(scalar @{ $r->{json}{members} }, 1, '... with its member');
is(redis_cmd('XLEN', 'scim:{globex}:events'), 2, "globex's stream has only its two creations");



=== TEST 2: scim_tenant $org: the path names the tenant, the token must belong to it
--- config
    location ~ ^/orgs/(?<org>[^/]+)/scim/v2/ {
        scim;
        scim_tenant $org;
        scim_token $TEST_NGINX_ACME_HASH acme-okta tenant=acme;
        scim_token $TEST_NGINX_GLOBEX_HASH globex-okta tenant=globex;
        scim_token $TEST_NGINX_LOOSE_HASH loose;
    }
--- steps
POST /orgs/acme/scim/v2/Users
> Authorization: Bearer token-acme
{"userName":"ann"}
=> 201
=> json meta.location like ^http://localhost:\d+/orgs/acme/scim/v2/Users/
=> save id = json id
---
GET /orgs/acme/scim/v2/Users/{{id}}
> Authorization: Bearer token-acme
=> 200
---
# acme's token on globex's path
GET /orgs/globex/scim/v2/Users
> Authorization: Bearer token-acme
=> 401
=> header WWW-Authenticate: Bearer realm="scim"
=> json {"status":"401","detail":"a valid bearer token is required"}
---
GET /orgs/globex/scim/v2/Users/{{id}}
> Authorization: Bearer token-globex
=> 404
---
# a token without tenant= belongs to no tenant here
GET /orgs/acme/scim/v2/Users
> Authorization: Bearer token-loose
=> 401
---
GET /orgs/acme/scim/v2/Users
> Authorization: Bearer not-a-token
=> 401
=> json {"status":"401","detail":"a valid bearer token is required"}
---
GET /orgs/ac%7Bme%7D/scim/v2/Users
> Authorization: Bearer token-acme
=> 404
=> json {"status":"404","detail":"no such tenant"}
---
GET /orgs/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/scim/v2/Users
> Authorization: Bearer token-acme
=> 404
---
GET /orgs/globex/scim/v2/Users
> Authorization: Bearer token-globex
=> 200
=> json {"totalResults":0}
--- error_log
token of another tenant "acme-okta" (sha256:
used for tenant "globex"
token of another tenant "loose"
--- no_error_log
token-acme
token-loose
not-a-token



=== TEST 3: a static scim_tenant is the default; a token's tenant= wins
--- config
    location /scim/v2/ {
        scim;
        scim_tenant shared;
        scim_token $TEST_NGINX_ACME_HASH acme-okta tenant=acme;
        scim_token $TEST_NGINX_LOOSE_HASH loose;
    }
--- perl
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"u1"}', {Authorization => 'Bearer token-acme'});
is($r->{status}, 201, 'created with the acme token');
is(redis_cmd('EXISTS', "scim:{acme}:user:$r->{json}{id}"), 1, 'in {acme}');
$r = scim_request('POST', '/scim/v2/Users', '{"userName":"u1"}', {Authorization => 'Bearer token-loose'});
is($r->{status}, 201, 'created with the tenant-less token');
is(redis_cmd('EXISTS', "scim:{shared}:user:$r->{json}{id}"), 1, 'in {shared}');



=== TEST 4: scim_tenant from a variable is inherited, and a location may override it
--- http_config
    map $http_x_org $org_header { default $http_x_org; }
--- config
    scim_tenant $org_header;
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_ACME_HASH acme-okta tenant=acme;
    }
    location /fixed/scim/v2/ {
        scim;
        scim_tenant acme;
        scim_token $TEST_NGINX_GLOBEX_HASH globex-okta tenant=globex;
    }
--- steps
GET /scim/v2/Users
> Authorization: Bearer token-acme
> X-Org: acme
=> 200
---
GET /scim/v2/Users
> Authorization: Bearer token-acme
> X-Org: globex
=> 401
---
GET /scim/v2/Users
> Authorization: Bearer token-acme
=> 404
=> json {"detail":"no such tenant"}
---
# a static scim_tenant: the token decides
GET /fixed/scim/v2/Users
> Authorization: Bearer token-globex
=> 200



=== TEST 5: nginx -t: scim_tenant with a brace
--- config
    location /scim/v2/ {
        scim;
        scim_tenant "a{b}";
        scim_token $TEST_NGINX_TOKEN_HASH demo;
    }
--- nginx_t_fails: invalid scim_tenant "a\{b\}": tenant name may only contain



=== TEST 6: nginx -t: scim_tenant longer than 64 bytes
--- config
    location /scim/v2/ {
        scim;
        scim_tenant aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
    }
--- nginx_t_fails: tenant name is longer than 64 bytes



=== TEST 7: nginx -t: a token file's tenant column is checked too
--- config eval
open my $f, '>', "$ENV{TEST_NGINX_SERVROOT}/conf/tokens" or die $!;
print $f "$ENV{TEST_NGINX_TOKEN_HASH} okta bad:tenant\n";
close $f;
"    location /scim/v2/ { scim; scim_token_file $ENV{TEST_NGINX_SERVROOT}/conf/tokens; }\n"
--- nginx_t_fails: tokens:1: invalid token tenant "bad:tenant"



=== TEST 8: nginx -t: a duplicate scim_tenant
--- config
    location /scim/v2/ {
        scim;
        scim_tenant $host;
        scim_tenant acme;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
    }
--- nginx_t_fails: "scim_tenant" directive is duplicate
