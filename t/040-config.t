# Directives: every bad value fails `nginx -t` with a message that says
# what is wrong (docs/directives.md); good values load and serve.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

run_blocks();

__DATA__

=== TEST 1: scim_redis_db -1
--- http_config
    scim_redis unix:$TEST_NGINX_REDIS_SOCKET;
    scim_redis_db -1;
--- nginx_t_fails: "scim_redis_db" directive invalid number



=== TEST 2: scim_redis_db abc
--- http_config
    scim_redis unix:$TEST_NGINX_REDIS_SOCKET;
    scim_redis_db abc;
--- nginx_t_fails: "scim_redis_db" directive invalid number



=== TEST 3: scim_redis_db 1024 is out of range
--- http_config
    scim_redis unix:$TEST_NGINX_REDIS_SOCKET;
    scim_redis_db 1024;
--- nginx_t_fails: value must be between 0 and 1023



=== TEST 4: scim_redis_timeout abc
--- http_config
    scim_redis unix:$TEST_NGINX_REDIS_SOCKET;
    scim_redis_timeout abc;
--- nginx_t_fails: "scim_redis_timeout" directive invalid value



=== TEST 5: scim_redis_connect_timeout 5x
--- http_config
    scim_redis unix:$TEST_NGINX_REDIS_SOCKET;
    scim_redis_connect_timeout 5x;
--- nginx_t_fails: "scim_redis_connect_timeout" directive invalid value



=== TEST 6: scim_redis host:notaport
--- http_config
    scim_redis localhost:notaport;
--- nginx_t_fails: invalid scim_redis address "localhost:notaport": invalid port



=== TEST 7: scim_redis with a port out of range
--- http_config
    scim_redis 127.0.0.1:70000;
--- nginx_t_fails: invalid scim_redis address "127\.0\.0\.1:70000"



=== TEST 8: scim_redis unix: without a path
--- http_config
    scim_redis unix:;
--- nginx_t_fails: invalid scim_redis address "unix:"



=== TEST 9: scim_redis with an unresolvable host name fails at configuration time
--- http_config
    scim_redis no-such-host.invalid:6379;
--- nginx_t_fails: scim_redis.*no-such-host\.invalid.*(?:host not found|has no address)



=== TEST 10: a duplicate scim_redis
--- http_config
    scim_redis unix:$TEST_NGINX_REDIS_SOCKET;
    scim_redis 127.0.0.1:6379;
--- nginx_t_fails: "scim_redis" directive is duplicate



=== TEST 11: scim_redis inside a location
--- config
    location /scim/v2/ {
        scim;
        scim_redis unix:$TEST_NGINX_REDIS_SOCKET;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
    }
--- nginx_t_fails: "scim_redis" directive is not allowed here



=== TEST 12: scim_redis_prefix with a brace
--- http_config
    scim_redis unix:$TEST_NGINX_REDIS_SOCKET;
    scim_redis_prefix "app{1}:";
--- nginx_t_fails: invalid scim_redis_prefix "app\{1\}:": braces and spaces are not allowed



=== TEST 13: scim_token in plaintext
--- config
    location /scim/v2/ {
        scim;
        scim_token not-hex demo;
    }
--- nginx_t_fails: invalid scim_token "not-hex": .*SHA-256



=== TEST 14: scim_token with 63 hex digits
--- config
    location /scim/v2/ {
        scim;
        scim_token 4c5dc9b7708905f77f5e5d16316b5dfb425e68cb326dcd55a860e90a7707031 demo;
    }
--- nginx_t_fails: invalid scim_token "4c5dc9b7708905f77f5e5d16316b5dfb425e68cb326dcd55a860e90a7707031"



=== TEST 15: scim_token with an empty tenant=
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo tenant=;
    }
--- nginx_t_fails: "tenant=".*empty|empty tenant in "tenant="



=== TEST 16: scim_page_size 0
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_page_size 0;
    }
--- nginx_t_fails: value must be between 1 and 100000



=== TEST 17: scim_page_size larger than scim_max_page_size
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_page_size 500;
        scim_max_page_size 100;
    }
--- nginx_t_fails: scim_page_size 500 is larger than scim_max_page_size 100



=== TEST 18: scim_max_page_size abc
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_max_page_size abc;
    }
--- nginx_t_fails: "scim_max_page_size" directive invalid number



=== TEST 19: scim_max_json_depth 0
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_max_json_depth 0;
    }
--- nginx_t_fails: value must be between 2 and 256



=== TEST 20: scim_user_password foo
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_user_password foo;
    }
--- nginx_t_fails: invalid value "foo"



=== TEST 21: scim_patch_response foo
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_patch_response foo;
    }
--- nginx_t_fails: invalid value "foo"



=== TEST 22: scim_events_maxlen 0
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
        scim_events_maxlen 0;
    }
--- nginx_t_fails: value must be between 1 and



=== TEST 23: scim takes no arguments
--- config
    location /scim/v2/ {
        scim on;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
    }
--- nginx_t_fails: invalid number of arguments in "scim" directive



=== TEST 24: scim twice in a location
--- config
    location /scim/v2/ {
        scim;
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo;
    }
--- nginx_t_fails: "scim" directive is duplicate



=== TEST 25: scim at server level
--- config
    scim;
--- nginx_t_fails: "scim" directive is not allowed here



=== TEST 26: scim_redis_password without a value
--- http_config
    scim_redis unix:$TEST_NGINX_REDIS_SOCKET;
    scim_redis_password;
--- nginx_t_fails: invalid number of arguments in "scim_redis_password" directive



=== TEST 27: scim_token_file that does not exist
--- config
    location /scim/v2/ {
        scim;
        scim_token_file no-such-tokens.txt;
    }
--- nginx_t_fails: no-such-tokens\.txt



=== TEST 28: a bad line in scim_token_file names the file and the line
--- user_files
>>> tokens.txt
# the first line is a comment
4c5dc9b7708905f77f5e5d16316b5dfb425e68cb326dcd55a860e90a7707031e okta

plaintext-token oops
--- config
    location /scim/v2/ {
        scim;
        scim_token_file tokens.txt;
    }
--- nginx_t_fails: tokens\.txt:4



=== TEST 29: a tenant with a brace would break the Redis hash tag
--- config
    location /scim/v2/ {
        scim;
        scim_tenant "acme}x";
        scim_token $TEST_NGINX_TOKEN_HASH demo;
    }
--- nginx_t_fails: invalid scim_tenant "acme\}x"



=== TEST 30: a token's tenant= with a brace would break the Redis hash tag
--- config
    location /scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH demo "tenant=a{b";
    }
--- nginx_t_fails: invalid tenant in "tenant=a\{b"



=== TEST 31: every directive with a valid value passes nginx -t
--- http_config
    scim_redis unix:$TEST_NGINX_REDIS_SOCKET;
    scim_redis_password secret;
    scim_redis_db 1023;
    scim_redis_prefix app:;
    scim_redis_connect_timeout 250ms;
    scim_redis_timeout 3s;
    scim_token $TEST_NGINX_TOKEN_HASH at-http;
--- config
    scim_tenant server-tenant;
    location /scim/v2/ {
        scim;
        scim_token 4C5DC9B7708905F77F5E5D16316B5DFB425E68CB326DCD55A860E90A7707031E upper tenant=t1;
        scim_page_size 50;
        scim_max_page_size 500;
        scim_max_json_depth 2;
        scim_user_password discard;
        scim_events_maxlen 10;
        scim_patch_response no_content;
    }
--- nginx_t_ok



=== TEST 32: scim_token_file serves the tokens it lists, with their tenants
--- user_files
>>> tokens/scim.txt
# sha256 name tenant
4c5dc9b7708905f77f5e5d16316b5dfb425e68cb326dcd55a860e90a7707031e okta acme
2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 entra
--- config
    location /scim/v2/ {
        scim;
        scim_token_file tokens/scim.txt;
    }
--- perl
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"from-file"}');
is($r->{status}, 201, 'test-token from the file');
is(redis_cmd('EXISTS', "scim:{acme}:user:$r->{json}{id}"), 1, 'in the tenant named in the file');
my $e = scim_request('POST', '/scim/v2/Users', '{"userName":"entra"}', { Authorization => 'Bearer hello' });
is($e->{status}, 201, 'the second token');
is(redis_cmd('EXISTS', "scim:{default}:user:$e->{json}{id}"), 1, 'a token without tenant uses scim_tenant');
is(scim_request('GET', '/scim/v2/Users', undef, { Authorization => 'Bearer nope' })->{status}, 401,
   'a token not in the file');



=== TEST 33: tokens and settings are inherited from the server level; a location may override
--- config
    scim_token 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 server-token;
    scim_max_json_depth 3;
    location /scim/v2/ {
        scim;
    }
    location /other/scim/v2/ {
        scim;
        scim_token $TEST_NGINX_TOKEN_HASH loc-token;
    }
--- perl
my $hello = { Authorization => 'Bearer hello' };
is(scim_request('GET', '/scim/v2/Users', undef, $hello)->{status}, 200, 'the server-level token');
is(scim_request('GET', '/scim/v2/Users')->{status}, 401, 'test-token is not valid there');
is(scim_request('GET', '/other/scim/v2/Users')->{status}, 200, 'the location token');
is(scim_request('GET', '/other/scim/v2/Users', undef, $hello)->{status}, 401, 'it replaces the inherited ones');
my $deep = '{"userName":"d","x":{"a":{"b":{}}}}';
is(scim_request('POST', '/scim/v2/Users', $deep, $hello)->{status}, 400, 'the inherited depth limit');



=== TEST 34: scim_token at http level is inherited by every location
--- http_config
    scim_redis unix:$TEST_NGINX_REDIS_SOCKET;
    scim_token $TEST_NGINX_TOKEN_HASH at-http;
--- config
    location /scim/v2/ {
        scim;
    }
--- request
GET /scim/v2/Users
--- error_code: 200



=== TEST 35: the module loaded but unused starts no Redis connection
--- config
    location / {
        return 200 "plain";
    }
--- request
GET /
--- error_code: 200
--- response_body: plain
--- perl
my $clients = redis_cmd('CLIENT', 'LIST');
my $n = () = $clients =~ /^id=/mg;
is($n, 1, 'only the harness is connected to Redis');



=== TEST 36: scim_document_cache with a bad parameter
--- http_config
    scim_document_cache entries=5;
--- nginx_t_fails: scim_document_cache: expects "off", "max=N" or "size=SIZE", not "entries=5"



=== TEST 37: scim_document_cache max=0
--- http_config
    scim_document_cache max=0;
--- nginx_t_fails: scim_document_cache: max= takes a positive number of entries \("off" disables\), not "max=0"



=== TEST 38: scim_document_cache size too small
--- http_config
    scim_document_cache max=10 size=1k;
--- nginx_t_fails: scim_document_cache: size= takes a size of at least 4k, not "size=1k"



=== TEST 39: scim_document_cache twice
--- http_config
    scim_document_cache off;
    scim_document_cache max=10;
--- nginx_t_fails: "scim_document_cache" directive is duplicate



=== TEST 40: scim_document_cache sized loads
--- http_config
    scim_document_cache max=50 size=64k;
--- nginx_t_ok
