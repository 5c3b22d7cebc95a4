# A bad-input campaign of our own: hundreds of malformed requests, each
# answered with a 4xx SCIM error (status as a string), none dropped, none
# hung, and none changing a single byte of the store (redis_digest before
# and after each). One nginx serves the whole table.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

run_blocks();

__DATA__

=== TEST 1: the bad-input table: 4xx SCIM errors and a byte-identical store
--- config
scim_errors on;
location /scim/v2/ {
    scim;
    scim_token $TEST_NGINX_TOKEN_HASH demo;
}
--- timeout: 600
--- perl
use JSON::PP;
my $J = JSON::PP->new->canonical;
my $U = '/scim/v2/Users';
my $G = '/scim/v2/Groups';

my $user = scim_request('POST', $U, '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"seed","name":{"givenName":"S"},"emails":[{"value":"s@x.org","type":"work"}]}');
is($user->{status}, 201, 'seed user') or diag $user->{body};
my $uid = $user->{json}{id};
my $group = scim_request('POST', $G, '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"seeds","members":[{"value":"' . $uid . '"}]}');
is($group->{status}, 201, 'seed group') or diag $group->{body};
my $gid = $group->{json}{id};
my $UI = "$U/$uid";
my $GI = "$G/$gid";
my $uetag = scim_request('GET', $UI)->{headers}{etag};  # after the group joined
my $CORE_U = '"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]';
my $CORE_G = '"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]';
my $PATCHOP = '"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]';
sub patch_body { my ($ops) = @_; return "{$PATCHOP,\"Operations\":$ops}" }

# [name, method, uri, body, headers, expected status (optional), raw request (optional)]
my @cases;
sub add { push @cases, [@_] }

# JSON syntax, on every body-taking endpoint.
my @syntax = (
    ['empty body', ''], ['truncated object', '{"userName":"a"'], ['trailing garbage', '{"userName":"a"} x'],
    ['single quotes', "{'userName':'a'}"], ['bare word', 'userName'], ['NaN', '{"userName":NaN}'],
    ['comment', '{/*c*/"userName":"a"}'], ['trailing comma', '{"userName":"a",}'],
    ['array body', '[{"userName":"a"}]'], ['string body', '"a"'], ['number body', '42'], ['null body', 'null'],
    ['invalid UTF-8 byte', "{\"userName\":\"a\xff\"}"], ['overlong UTF-8', "{\"userName\":\"\xc0\xaf\"}"],
    ['lone high surrogate', '{"userName":"\ud800"}'], ['lone low surrogate', '{"userName":"\udc00"}'],
    ['reversed surrogates', '{"userName":"\udc00\ud800"}'],
    ['duplicate key', '{"userName":"a","userName":"b"}'], ['case-insensitive duplicate', '{"userName":"a","UserName":"b"}'],
    ['duplicate nested key', '{"userName":"a","name":{"givenName":"x","GIVENNAME":"y"}}'],
    ['NUL byte raw', "{\"userName\":\"a\x00\"}"], ['deep nesting', '{"a":' x 40 . '1' . '}' x 40],
    ['unterminated string', '{"userName":"a}'], ['bad escape', '{"userName":"\q"}'],
);
for my $s (@syntax) {
    add("syntax POST Users: $s->[0]", 'POST', $U, $s->[1]);
    add("syntax POST Groups: $s->[0]", 'POST', $G, $s->[1]);
    add("syntax PUT User: $s->[0]", 'PUT', $UI, $s->[1]);
    add("syntax PATCH User: $s->[0]", 'PATCH', $UI, $s->[1]);
    add("syntax PATCH Group: $s->[0]", 'PATCH', $GI, $s->[1]);
    add("syntax .search: $s->[0]", 'POST', "$U/.search", $s->[1]);
}

# Control characters in strings, through POST, PUT and PATCH.
my @controls = (['NUL', '\u0000'], ['SOH', '\u0001'], ['US', '\u001f'], ['DEL', '\u007f'], ['C1 PAD', '\u0080'], ['C1 APC', '\u009f'], ['NUL+SOH', '\u0000\u0001']);
for my $c (@controls) {
    my ($n, $ch) = @$c;
    add("control $n in userName (POST)", 'POST', $U, "{$CORE_U,\"userName\":\"a${ch}b\"}");
    add("control $n in displayName (POST)", 'POST', $U, "{$CORE_U,\"userName\":\"ok\",\"displayName\":\"x$ch\"}");
    add("control $n in name.givenName (POST)", 'POST', $U, "{$CORE_U,\"userName\":\"ok\",\"name\":{\"givenName\":\"$ch\"}}");
    add("control $n in email (POST)", 'POST', $U, "{$CORE_U,\"userName\":\"ok\",\"emails\":[{\"value\":\"a$ch\@x.org\"}]}");
    add("control $n in group displayName (POST)", 'POST', $G, "{$CORE_G,\"displayName\":\"g$ch\"}");
    add("control $n in userName (PUT)", 'PUT', $UI, "{$CORE_U,\"userName\":\"seed$ch\"}");
    add("control $n in title (PATCH)", 'PATCH', $UI, patch_body("[{\"op\":\"replace\",\"path\":\"title\",\"value\":\"t$ch\"}]"));
    add("control $n in group displayName (PATCH)", 'PATCH', $GI, patch_body("[{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"g$ch\"}]"));
    add("control $n in a key", 'POST', $U, "{$CORE_U,\"userName\":\"ok\",\"x$ch\":1}");
}
add('line feed in userName', 'POST', $U, "{$CORE_U,\"userName\":\"a\\nb\"}");
add('tab in group displayName', 'POST', $G, "{$CORE_G,\"displayName\":\"a\\tb\"}");

# Blank names.
for my $blank ('" "', '"   "', '"\n"', '"\t "') {
    add("blank userName $blank (POST)", 'POST', $U, "{$CORE_U,\"userName\":$blank}");
    add("blank userName $blank (PUT)", 'PUT', $UI, "{$CORE_U,\"userName\":$blank}");
    add("blank group displayName $blank (POST)", 'POST', $G, "{$CORE_G,\"displayName\":$blank}");
    add("blank userName $blank (PATCH)", 'PATCH', $UI, patch_body("[{\"op\":\"replace\",\"path\":\"userName\",\"value\":$blank}]"));
    add("blank group displayName $blank (PATCH)", 'PATCH', $GI, patch_body("[{\"op\":\"replace\",\"path\":\"displayName\",\"value\":$blank}]"));
}
add('missing userName', 'POST', $U, "{$CORE_U}");
add('missing group displayName', 'POST', $G, "{$CORE_G}");

# schemas.
my @schemas = (
    ['Group URN on Users', '["urn:ietf:params:scim:schemas:core:2.0:Group"]', 'U'],
    ['User URN on Groups', '["urn:ietf:params:scim:schemas:core:2.0:User"]', 'G'],
    ['only unknown URNs (Users)', '["urn:example:foo"]', 'U'], ['only unknown URNs (Groups)', '["urn:example:foo"]', 'G'],
    ['number element', '[1]', 'U'], ['object', '{"a":1}', 'U'], ['string', '"urn:ietf:params:scim:schemas:core:2.0:User"', 'U'],
    ['empty array', '[]', 'U'], ['null element', '[null]', 'G'], ['core and Group URN', '["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:core:2.0:Group"]', 'U'],
    ['extension only', '["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]', 'U'], ['true', 'true', 'G'],
);
for my $s (@schemas) {
    my ($n, $v, $t) = @$s;
    if ($t eq 'U') {
        add("schemas $n (POST)", 'POST', $U, "{\"schemas\":$v,\"userName\":\"sch\"}");
        add("schemas $n (PUT)", 'PUT', $UI, "{\"schemas\":$v,\"userName\":\"seed\"}");
    } else {
        add("schemas $n (POST)", 'POST', $G, "{\"schemas\":$v,\"displayName\":\"sch\"}");
        add("schemas $n (PUT)", 'PUT', $GI, "{\"schemas\":$v,\"displayName\":\"seeds\"}");
    }
}

# {} where a simple value belongs.
for my $attr (qw(active displayName title nickName userType locale timezone profileUrl preferredLanguage)) {
    add("{} for $attr (POST)", 'POST', $U, "{$CORE_U,\"userName\":\"obj\",\"$attr\":{}}");
    add("{} for $attr (PATCH)", 'PATCH', $UI, patch_body("[{\"op\":\"replace\",\"path\":\"$attr\",\"value\":{}}]"));
}
add('{} for userName', 'POST', $U, "{$CORE_U,\"userName\":{}}");
add('{} for name.givenName', 'POST', $U, "{$CORE_U,\"userName\":\"obj\",\"name\":{\"givenName\":{}}}");
add('{} for emails value', 'POST', $U, "{$CORE_U,\"userName\":\"obj\",\"emails\":[{\"value\":{}}]}");
add('{} for group displayName', 'POST', $G, "{$CORE_G,\"displayName\":{}}");
add('{} for a member value (POST)', 'POST', $G, "{$CORE_G,\"displayName\":\"m\",\"members\":[{\"value\":{}}]}");
add('{} for a member value (PATCH)', 'PATCH', $GI, patch_body('[{"op":"add","path":"members","value":[{"value":{}}]}]'));
add('{} for group displayName (PATCH)', 'PATCH', $GI, patch_body('[{"op":"replace","path":"displayName","value":{}}]'));
add('{} in path-less replace', 'PATCH', $UI, patch_body('[{"op":"replace","value":{"displayName":{}}}]'));

# A bare value where a complex one belongs.
for my $attr (qw(emails phoneNumbers addresses ims photos entitlements roles x509Certificates name)) {
    add("bare string for $attr (POST)", 'POST', $U, "{$CORE_U,\"userName\":\"bare\",\"$attr\":\"a\@b\"}");
    add("bare string for $attr (PATCH)", 'PATCH', $UI, patch_body("[{\"op\":\"add\",\"path\":\"$attr\",\"value\":\"a\@b\"}]"));
}
add('bare number for emails', 'POST', $U, "{$CORE_U,\"userName\":\"bare\",\"emails\":[7]}");

# Wrong types.
add('number userName', 'POST', $U, "{$CORE_U,\"userName\":42}");
add('array userName of two', 'POST', $U, "{$CORE_U,\"userName\":[\"a\",\"b\"]}");
add('string for active', 'POST', $U, "{$CORE_U,\"userName\":\"t\",\"active\":\"yes\"}");
add('number for active', 'POST', $U, "{$CORE_U,\"userName\":\"t\",\"active\":1}");
add('bad dateTime in PATCH', 'PATCH', $UI, patch_body('[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":[1,2]}]'));
add('members not an array of ids', 'POST', $G, "{$CORE_G,\"displayName\":\"m\",\"members\":[true]}");
add('member type bogus', 'POST', $G, "{$CORE_G,\"displayName\":\"m\",\"members\":[{\"value\":\"$uid\",\"type\":\"Robot\"}]}");

# PATCH requests.
my @patch = (
    ['no Operations', "{$PATCHOP}"], ['Operations not an array', "{$PATCHOP,\"Operations\":{}}"],
    ['empty Operations', "{$PATCHOP,\"Operations\":[]}"], ['op missing', patch_body('[{"path":"title","value":"x"}]')],
    ['op unknown', patch_body('[{"op":"upsert","path":"title","value":"x"}]')], ['op a number', patch_body('[{"op":1,"path":"title","value":"x"}]')],
    ['path a number', patch_body('[{"op":"replace","path":1,"value":"x"}]')], ['path empty', patch_body('[{"op":"replace","path":"","value":"x"}]')],
    ['path trailing dot', patch_body('[{"op":"replace","path":"title.","value":"x"}]')], ['path double dot', patch_body('[{"op":"replace","path":"name..givenName","value":"x"}]')],
    ['path dollar', patch_body('[{"op":"replace","path":"ti$tle","value":"x"}]')], ['path unclosed bracket', patch_body('[{"op":"replace","path":"emails[type eq \"work\"","value":"x"}]')],
    ['remove without path', patch_body('[{"op":"remove"}]')], ['add without value', patch_body('[{"op":"add","path":"title"}]')],
    ['replace id', patch_body('[{"op":"replace","path":"id","value":"x"}]')], ['replace meta', patch_body('[{"op":"replace","path":"meta.created","value":"2020-01-01T00:00:00Z"}]')],
    ['path-less value not an object', patch_body('[{"op":"replace","value":"x"}]')], ['operation not an object', patch_body('["replace"]')],
    ['wrong message URN', '{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"Operations":[{"op":"replace","path":"title","value":"x"}]}'],
    ['remove userName', patch_body('[{"op":"remove","path":"userName"}]')], ['replace userName with null', patch_body('[{"op":"replace","path":"userName","value":null}]')],
    ['filter on simple attribute in path', patch_body('[{"op":"replace","path":"title[value eq \"a\"]","value":"x"}]')],
    ['value filter syntax error', patch_body('[{"op":"replace","path":"emails[type eq]","value":"x"}]')],
    ['second op bad (all or nothing)', patch_body('[{"op":"replace","path":"title","value":"ok"},{"op":"bogus"}]')],
);
add("PATCH User: $_->[0]", 'PATCH', $UI, $_->[1]) for @patch;
my @gpatch = (
    ['members sub-attribute', '[{"op":"replace","path":"members.display","value":"x"}]'],
    ['members filter on add', '[{"op":"add","path":"members[value eq \"x\"]","value":[{"value":"x"}]}]'],
    ['members value empty', '[{"op":"add","path":"members","value":[{"value":""}]}]'],
    ['members value number', '[{"op":"add","path":"members","value":[{"value":1}]}]'],
    ['members remove filter not value eq', '[{"op":"remove","path":"members[display eq \"x\"]"}]'],
    ['blank displayName', '[{"op":"replace","path":"displayName","value":"  "}]'],
    ['remove displayName', '[{"op":"remove","path":"displayName"}]'],
);
add("PATCH Group: $_->[0]", 'PATCH', $GI, patch_body($_->[1])) for @gpatch;

# Filters, on Users and Groups, by query and by .search.
my @filters = (
    'userName.', 'name..givenName', 'user$Name', 'userName[value eq "a"]', 'displayName[value eq "a"]',
    'meta.created gt "2024-13-45T00:00:00Z"', 'meta.lastModified lt "yesterday"', 'meta.created eq "2024-02-30T00:00:00Z"',
    'userName eq', 'userName xx "a"', 'eq "a"', '(userName eq "a"', 'userName eq "a")', 'userName eq "a" and',
    'userName eq "a" or or userName eq "b"', 'not userName eq "a"', 'userName eq "a', 'userName eq \'a\'',
    'userName gt true', 'userName eq 1.2.3', 'emails[type eq "work"', 'emails[emails[type eq "x"]]',
    'emails[type eq "work"].', '.userName eq "a"', '1userName eq "a"', 'userName pr "a"', 'userName eq "\q"',
    'name.givenName.x eq "a"', 'urn:bad::userName eq "a"', '"a" eq userName', 'userName eq "a" xor userName eq "b"',
    '(' x 40 . 'userName eq "a"' . ')' x 40,
);
for my $f (@filters) {
    my $q = $f; $q =~ s/([^A-Za-z0-9._~-])/sprintf('%%%02X', ord $1)/ge;
    add("filter on Users: $f", 'GET', "$U?filter=$q");
    add("filter on Groups: $f", 'GET', "$G?filter=$q") if $f =~ /displayName|\(|eq$|xx|"a"\)|and$|pr|not/;
    add("filter by .search: $f", 'POST', "$U/.search", $J->encode({schemas => ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter => $f}));
}
add('filter not a string (.search)', 'POST', "$U/.search", '{"filter":1}');
add('filter too long', 'GET', "$U?filter=userName%20eq%20%22" . ('a' x 5000) . '%22');

# Query parameters.
my @params = (
    'startIndex=1%00', 'count=1%00', 'startIndex=abc', 'count=abc', 'startIndex=1.5', 'count=1e3', 'startIndex=%201',
    'count=1%20', 'startIndex=99999999999999999999999', 'count=-99999999999999999999999', 'startIndex=0x10', 'count=%2B%2B1',
    'sortBy=userName.', 'sortBy=name..givenName', 'sortBy=user$Name', 'sortBy=nosuch', 'sortOrder=sideways',
    'attributes=name..givenName', 'attributes=userName.', 'attributes=user$Name', 'excludedAttributes=emails..value',
    'attributes=a,,b', 'cursor=zzz', 'cursor=c1x5', 'cursor=&startIndex=2',
);
add("query on Users: $_", 'GET', "$U?$_") for @params;
add("query on Groups: $_", 'GET', "$G?$_") for grep { !/userName|name\.\.|user\$/ } @params;
add('.search startIndex a bool', 'POST', "$U/.search", '{"startIndex":true}');
add('.search count an object', 'POST', "$U/.search", '{"count":{}}');
add('.search attributes a number', 'POST', "$U/.search", '{"attributes":3}');
add('.search sortBy bad', 'POST', "$U/.search", '{"sortBy":"userName."}');

# Preconditions.
for my $junk ('W/', 'W/"', 'abc', '"', 'W/"999"', '"999"', 'W/"1", W/"2"', 'W/W/"1"') {
    add("If-Match $junk on PATCH User", 'PATCH', $UI, patch_body('[{"op":"replace","path":"title","value":"pc"}]'), {'If-Match' => $junk}, 412);
    add("If-Match $junk on PUT User", 'PUT', $UI, "{$CORE_U,\"userName\":\"seed\",\"title\":\"pc\"}", {'If-Match' => $junk}, 412);
    add("If-Match $junk on PATCH Group", 'PATCH', $GI, patch_body('[{"op":"replace","path":"displayName","value":"pc"}]'), {'If-Match' => $junk}, 412);
}
add('If-None-Match * on PUT User', 'PUT', $UI, "{$CORE_U,\"userName\":\"seed\",\"title\":\"pc\"}", {'If-None-Match' => '*'}, 412);
add('If-None-Match * on PUT Group', 'PUT', $GI, "{$CORE_G,\"displayName\":\"pc\"}", {'If-None-Match' => '*'}, 412);
add('If-None-Match current on PATCH User', 'PATCH', $UI, patch_body('[{"op":"replace","path":"title","value":"pc"}]'), {'If-None-Match' => $uetag}, 412);
add('If-None-Match * on PATCH User', 'PATCH', $UI, patch_body('[{"op":"replace","path":"title","value":"pc"}]'), {'If-None-Match' => '*'}, 412);
add('If-None-Match * on PATCH Group', 'PATCH', $GI, patch_body('[{"op":"replace","path":"displayName","value":"pc"}]'), {'If-None-Match' => '*'}, 412);
add('If-Match stale on DELETE User', 'DELETE', $UI, undef, {'If-Match' => 'W/"999"'}, 412);

# Headers.
add('no Authorization', 'GET', $U, undef, {Authorization => undef}, 401);
add('wrong token', 'GET', $U, undef, {Authorization => 'Bearer nope'}, 401);
add('Basic auth', 'GET', $U, undef, {Authorization => 'Basic dXNlcjpwYXNz'}, 401);
add('empty Bearer', 'POST', $U, "{$CORE_U,\"userName\":\"h\"}", {Authorization => 'Bearer '}, 401);
add('token in lower-case scheme only', 'DELETE', $UI, undef, {Authorization => 'Token test-token'}, 401);

# Methods and paths.
add('DELETE the collection', 'DELETE', $U, undef, undef, 405);
add('PUT the collection', 'PUT', $U, "{$CORE_U,\"userName\":\"m\"}", undef, 405);
add('PATCH the collection', 'PATCH', $G, patch_body('[]'), undef, 405);
add('POST to a user', 'POST', $UI, "{$CORE_U,\"userName\":\"m\"}", undef, 405);
add('DELETE ServiceProviderConfig', 'DELETE', '/scim/v2/ServiceProviderConfig', undef, undef, 405);
add('POST Schemas', 'POST', '/scim/v2/Schemas', '{}', undef, 405);
add('unknown endpoint', 'GET', '/scim/v2/Nope', undef, undef, 404);
add('unknown user GET', 'GET', "$U/no-such-id", undef, undef, 404);
add('unknown user PUT', 'PUT', "$U/no-such-id", "{$CORE_U,\"userName\":\"n\"}", undef, 404);
add('unknown user PATCH', 'PATCH', "$U/no-such-id", patch_body('[{"op":"replace","path":"title","value":"x"}]'), undef, 404);
add('unknown user DELETE', 'DELETE', "$U/no-such-id", undef, undef, 404);
add('unknown group PATCH', 'PATCH', "$G/no-such-id", patch_body('[{"op":"add","path":"members","value":[{"value":"x"}]}]'), undef, 404);
add('unknown group DELETE', 'DELETE', "$G/no-such-id", undef, undef, 404);
add('invalid UTF-8 in a user id', 'GET', "$U/%FF%FEabc", undef, undef, 404);
add('invalid UTF-8 in a group id', 'DELETE', "$G/%C0%AF", undef, undef, 404);
add('nested path', 'GET', "$UI/extra", undef, undef, 404);
add('unknown resource type', 'GET', '/scim/v2/ResourceTypes/Robot', undef, undef, 404);
add('unknown schema', 'GET', '/scim/v2/Schemas/urn:nope', undef, undef, 404);

# Requests nginx refuses itself (scim_errors on): raw bytes.
my $port = $ENV{TEST_NGINX_PORT};
add('NUL in the path', undef, undef, undef, undef, 400, "GET /scim/v2/Users/%00 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer test-token\r\nConnection: close\r\n\r\n");
add('10 KB Authorization header', undef, undef, undef, undef, 400, "GET /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " . ('x' x 10240) . "\r\nConnection: close\r\n\r\n");
add('TRACE', undef, undef, undef, undef, 405, "TRACE /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
add('10k filter (414)', undef, undef, undef, undef, 414, "GET /scim/v2/Users?filter=" . ('a' x 10240) . " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
add('bad request line', undef, undef, undef, undef, 400, "G\@T /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
add('two Host headers', undef, undef, undef, undef, 400, "GET /scim/v2/Users HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n");
add('bad chunked body', undef, undef, undef, undef, 400, "POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer test-token\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n");

diag(scalar(@cases) . ' cases');
ok(@cases >= 300, 'at least 300 cases');
my $before = redis_digest();
my %seen;
for my $c (@cases) {
    my ($name, $method, $uri, $body, $headers, $want, $raw) = @$c;
    die "duplicate case name: $name" if $seen{$name}++;
    my $r;
    if (defined $raw) {
        my $sock = open_request($raw);
        $r = read_response($sock, ($raw =~ /^(\S+)/)[0], 10);
    } else {
        $r = scim_request($method, $uri, $body, $headers);
    }
    my @problems;
    my $status = $r->{status};
    if (!defined $status) {
        push @problems, 'no response (dropped or hung): ' . ($r->{error} // '');
    } else {
        push @problems, "status $status is not 4xx" unless $status >= 400 && $status < 500;
        push @problems, "status $status, expected $want" if defined $want && $status != $want;
        my $type = $r->{headers}{'content-type'} // '';
        push @problems, "Content-Type '$type'" unless $type eq 'application/scim+json';
        my $json = eval { JSON::PP->new->decode($r->{body} // '') };
        if (!$json) {
            push @problems, 'body is not JSON: ' . substr($r->{body} // '', 0, 120);
        } else {
            my $s = $json->{status};
            push @problems, 'status in body is not a string'
                unless defined $s && !ref $s && B::svref_2object(\$s)->FLAGS & B::SVp_POK() && !(B::svref_2object(\$s)->FLAGS & (B::SVp_IOK() | B::SVp_NOK()));
            push @problems, "status in body '$s' differs" if defined $s && $s ne $status;
            push @problems, 'no Error schema'
                unless ref $json->{schemas} eq 'ARRAY' && $json->{schemas}[0] eq 'urn:ietf:params:scim:api:messages:2.0:Error';
        }
    }
    my $after = redis_digest();
    push @problems, 'the store changed' if $after ne $before;
    ok(!@problems, "case '$name'") or diag("case '$name': " . join('; ', @problems) . "\n  body: " . substr($r->{body} // '', 0, 300));
    $before = $after;
}
