# The public base URL: scim_base_url, fixed or with variables, is the prefix
# of every URL the module returns; without it the Host header is trusted
# only when it names the server (docs/directives.md#scim_base_url).
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

run_blocks();

__DATA__

=== TEST 1: a fixed scim_base_url prefixes Location, meta.location, $ref and discovery
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_base_url https://app.example.com/scim/v2;
    }
--- steps
POST /scim/v2/Users
{"userName":"alice"}
=> 201
=> header Location like ^https://app\.example\.com/scim/v2/Users/[0-9a-f-]{36}$
=> json meta.location like ^https://app\.example\.com/scim/v2/Users/[0-9a-f-]{36}$
=> save uid = json id
---
GET /scim/v2/Users/{{uid}}
=> 200
=> json meta.location == https://app.example.com/scim/v2/Users/{{uid}}
---
POST /scim/v2/Groups
{"displayName":"Eng","members":[{"value":"{{uid}}"}]}
=> 201
=> header Location like ^https://app\.example\.com/scim/v2/Groups/[0-9a-f-]{36}$
=> save gid = json id
---
GET /scim/v2/Groups/{{gid}}
=> 200
=> json meta.location == https://app.example.com/scim/v2/Groups/{{gid}}
=> json members.0.$ref == https://app.example.com/scim/v2/Users/{{uid}}
---
GET /scim/v2/Users/{{uid}}
=> 200
=> json groups.0.$ref == https://app.example.com/scim/v2/Groups/{{gid}}
---
GET /scim/v2/Users?filter=userName%20eq%20%22alice%22
=> 200
=> json Resources.0.meta.location == https://app.example.com/scim/v2/Users/{{uid}}
---
GET /scim/v2/Groups
=> 200
=> json Resources.0.meta.location == https://app.example.com/scim/v2/Groups/{{gid}}
---
GET /scim/v2/ResourceTypes
=> 200
=> perl my @l = map { $_->{meta}{location} } @{ $r->{json}{Resources} }; @l >= 2 && !grep { !m{^https://app\.example\.com/scim/v2/ResourceTypes/\w+$} } @l
---
GET /scim/v2/ResourceTypes/User
=> 200
=> json meta.location == https://app.example.com/scim/v2/ResourceTypes/User
---
GET /scim/v2/Schemas
=> 200
=> perl my @l = map { $_->{meta}{location} } @{ $r->{json}{Resources} }; @l >= 3 && !grep { !m{^https://app\.example\.com/scim/v2/Schemas/urn:} } @l
---
GET /scim/v2/ServiceProviderConfig
=> 200
=> json meta.location == https://app.example.com/scim/v2/ServiceProviderConfig



=== TEST 2: set at http level and inherited; a trailing slash is dropped; the Host header does not matter
--- http_config
    scim_base_url https://idp-facing.example.com:8443/orgs/acme/scim/v2/;
--- more_headers
Host: evil.example
--- request
POST /scim/v2/Users
{"userName":"inherited"}
--- error_code: 201
--- response_headers_like
Location: ^https://idp-facing\.example\.com:8443/orgs/acme/scim/v2/Users/[0-9a-f-]{36}$
--- response_json
{"meta":{"location":"/^https://idp-facing\\.example\\.com:8443/orgs/acme/scim/v2/Users/[0-9a-f-]{36}$/"}}



=== TEST 3: a location's scim_base_url overrides the server's
--- config
    scim_base_url https://server.example.com/scim/v2;
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
    }
    location /b/scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_base_url http://b.example.com/b/scim/v2;
    }
--- steps
POST /scim/v2/Users
{"userName":"s1"}
=> 201
=> header Location like ^https://server\.example\.com/scim/v2/Users/
---
POST /b/scim/v2/Users
{"userName":"b1"}
=> 201
=> header Location like ^http://b\.example\.com/b/scim/v2/Users/



=== TEST 4: with variables, driven by X-Forwarded-Proto; a bad evaluation falls back and warns once
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_base_url $http_x_forwarded_proto://$host/scim/v2;
    }
--- perl
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"fwd"}',
                     { 'X-Forwarded-Proto' => 'https' });
is($r->{status}, 201, 'created');
like($r->{headers}{location}, qr{^https://localhost/scim/v2/Users/[0-9a-f-]{36}$},
     'Location from X-Forwarded-Proto and $host');
like($r->{json}{meta}{location}, qr{^https://localhost/scim/v2/Users/}, 'meta.location too');
my $id = $r->{json}{id};
for my $proto (undef, 'javascript:alert(1)//') {
    my $h = defined $proto ? { 'X-Forwarded-Proto' => $proto } : {};
    my $g = scim_request('GET', "/scim/v2/Users/$id", undef, $h);
    is($g->{status}, 200, 'served');
    is($g->{json}{meta}{location}, "http://localhost:$ENV{TEST_NGINX_PORT}/scim/v2/Users/$id",
       'not a URL: the computed default');
}
my @warn = error_log_since_block() =~ /scim_base_url evaluated to "[^"]*", which is not a base URL \(it must start with/g;
is(scalar @warn, 1, 'warned once per worker');



=== TEST 5: no directive: a Host that names no server_name is replaced by the server_name
--- more_headers
Host: evil.example
--- request
POST /scim/v2/Users
{"userName":"hosted"}
--- error_code: 201
--- response_headers_like
Location: ^http://localhost:\d+/scim/v2/Users/[0-9a-f-]{36}$
--- response_json
{"meta":{"location":"/^http://localhost:\\d+/scim/v2/Users/[0-9a-f-]{36}$/"}}



=== TEST 6: no directive: a Host matching a wildcard or regex server_name is kept, port included
--- config
    server_name *.example.com ~^(?<org>[a-z]+)\.scim\.test$;
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
    }
--- steps
POST /scim/v2/Users
> Host: acme.example.com:9443
{"userName":"wild"}
=> 201
=> header Location like ^http://acme\.example\.com:9443/scim/v2/Users/[0-9a-f-]{36}$
=> save id = json id
---
GET /scim/v2/Users/{{id}}
> Host: globex.scim.test
=> 200
=> json meta.location == http://globex.scim.test/scim/v2/Users/{{id}}
---
GET /scim/v2/Users/{{id}}
> Host: example.com
=> 200
=> json meta.location like ^http://localhost:\d+/scim/v2/Users/
---
GET /scim/v2/Users/{{id}}
> Host: LocalHost:1234
=> 200
=> json meta.location == http://LocalHost:1234/scim/v2/Users/{{id}}



=== TEST 7: the default server: the first server_name naming one host, then the local address
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_PORT default_server;
        server_name _ *.example.com ~^re$ .scim.example.net;
        location /scim/v2/ {
            scim;
            scim_token $TEST_NGINX_TOKEN_HASH demo;
        }
    }
--- steps
POST /scim/v2/Users
> Host: evil.example
{"userName":"d1"}
=> 201
=> header Location like ^http://scim\.example\.net:\d+/scim/v2/Users/[0-9a-f-]{36}$
---
POST /scim/v2/Users HTTP/1.0
> !Host
{"userName":"d2"}
=> 201
=> header Location like ^http://scim\.example\.net:\d+/scim/v2/Users/[0-9a-f-]{36}$



=== TEST 8: a server with no usable server_name: the address it listens on
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_PORT default_server;
        server_name _;
        port_in_redirect on;
        location /scim/v2/ {
            scim;
            scim_token $TEST_NGINX_TOKEN_HASH demo;
        }
        location /noport/scim/v2/ {
            scim;
            scim_token $TEST_NGINX_TOKEN_HASH demo;
            port_in_redirect off;
        }
    }
--- steps
POST /scim/v2/Users
> Host: evil.example
{"userName":"a1"}
=> 201
=> header Location like ^http://127\.0\.0\.1:$TEST_NGINX_PORT/scim/v2/Users/[0-9a-f-]{36}$
---
POST /noport/scim/v2/Users
> Host: evil.example
{"userName":"a2"}
=> 201
=> header Location like ^http://127\.0\.0\.1/noport/scim/v2/Users/[0-9a-f-]{36}$



=== TEST 9: behind a load balancer: X-Forwarded-Proto trusted only from it, real_ip for the client
--- http_config
    geo $realip_remote_addr $scim_from_lb {
        default 0;
        127.0.0.1 1;
    }
    map "$scim_from_lb:$http_x_forwarded_proto" $scim_scheme {
        default $scheme;
        "1:https" https;
    }
--- config
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_base_url $scim_scheme://$host/scim/v2;
        add_header X-Client $remote_addr always;
    }
--- steps
POST /scim/v2/Users
> X-Forwarded-Proto: https
> X-Forwarded-For: 203.0.113.9
{"userName":"lb1"}
=> 201
=> header Location like ^https://localhost/scim/v2/Users/[0-9a-f-]{36}$
=> header X-Client: 203.0.113.9
---
POST /scim/v2/Users
{"userName":"lb2"}
=> 201
=> header Location like ^http://localhost/scim/v2/Users/[0-9a-f-]{36}$



=== TEST 10: X-Forwarded-Proto from a peer that is not the load balancer is ignored
--- http_config
    geo $realip_remote_addr $scim_from_lb {
        default 0;
        192.0.2.10 1;
    }
    map "$scim_from_lb:$http_x_forwarded_proto" $scim_scheme {
        default $scheme;
        "1:https" https;
    }
--- config
    set_real_ip_from 192.0.2.10;
    real_ip_header X-Forwarded-For;
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_base_url $scim_scheme://$host/scim/v2;
        add_header X-Client $remote_addr always;
    }
--- request
POST /scim/v2/Users
{"userName":"direct"}
--- more_headers
X-Forwarded-Proto: https
X-Forwarded-For: 203.0.113.9
--- error_code: 201
--- response_headers
X-Client: 127.0.0.1
--- response_headers_like
Location: ^http://localhost/scim/v2/Users/[0-9a-f-]{36}$



=== TEST 11: scim_base_url ftp://… is refused
--- http_config
    scim_base_url ftp://app.example.com/scim/v2;
--- nginx_t_fails: invalid scim_base_url "ftp://app\.example\.com/scim/v2": it must start with "http://" or "https://"



=== TEST 12: a relative scim_base_url is refused
--- config
    location /scim/v2/ {
        scim;
        scim_base_url /scim/v2;
    }
--- nginx_t_fails: invalid scim_base_url "/scim/v2": it must start with



=== TEST 13: scim_base_url without a host
--- http_config
    scim_base_url https:///scim/v2;
--- nginx_t_fails: invalid scim_base_url "https:///scim/v2": it has no host



=== TEST 14: scim_base_url with credentials
--- http_config
    scim_base_url https://user:secret@app.example.com/scim/v2;
--- nginx_t_fails: invalid scim_base_url .*: it must not carry user credentials



=== TEST 15: scim_base_url with a query
--- http_config
    scim_base_url https://app.example.com/scim/v2?tenant=a;
--- nginx_t_fails: invalid scim_base_url .*: it must not have a query or a fragment



=== TEST 16: scim_base_url with a bad port
--- http_config
    scim_base_url https://app.example.com:99999/scim/v2;
--- nginx_t_fails: invalid scim_base_url .*: it has an invalid port



=== TEST 17: scim_base_url with a space in the path
--- http_config
    scim_base_url "https://app.example.com/scim v2";
--- nginx_t_fails: invalid scim_base_url "https://app\.example\.com/scim v2": its path has a character that must be escaped



=== TEST 18: a duplicate scim_base_url
--- http_config
    scim_base_url https://a.example.com/scim/v2;
    scim_base_url https://b.example.com/scim/v2;
--- nginx_t_fails: "scim_base_url" directive is duplicate



=== TEST 19: scim_base_url takes one argument
--- http_config
    scim_base_url https://a.example.com/scim/v2 https://b.example.com/scim/v2;
--- nginx_t_fails: invalid number of arguments in "scim_base_url" directive



=== TEST 20: a value with variables is checked per request, not by nginx -t
--- http_config
    scim_base_url $http_x_forwarded_proto://$host/scim/v2;
--- nginx_t_ok



=== TEST 21: the admin API returns no URLs and accepts an inherited scim_base_url
--- http_config
    scim_base_url https://app.example.com/scim/v2;
--- config
    location /scim-admin/ {
        scim_admin;
        scim_admin_token $TEST_NGINX_TOKEN_HASH;
    }
--- request
POST /scim-admin/tenants/acme/tokens
{"name":"Okta"}
--- error_code: 201
--- response_headers
!Location
--- response_body_unlike: https?://
