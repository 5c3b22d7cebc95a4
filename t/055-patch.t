# PATCH /Users end to end: the providers' dialects are unit-tested
# (t/unit/patch_*); here: preconditions, the response forms, and that
# concurrent PATCHes of one user lose no update.
use strict;
use warnings;
use lib 't/lib';
use ScimTest;

run_blocks();

__DATA__

=== TEST 1: If-Match on PATCH, Prefer return=minimal, attributes on the 200
--- steps
POST /scim/v2/Users
{"userName":"p1","name":{"givenName":"A","familyName":"B"}}
=> 201
=> save id = json id
---
PATCH /scim/v2/Users/{{id}}
> If-Match: W/"7"
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"x"}]}
=> 412
=> json {"status":"412"}
---
PATCH /scim/v2/Users/{{id}}?attributes=title
> If-Match: W/"1"
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"x"}]}
=> 200
=> header ETag: W/"2"
=> json {"title":"x","id":"{{id}}"}
=> json userName absent
---
PATCH /scim/v2/Users/{{id}}
> Prefer: return=minimal
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"nickName","value":"n"}]}
=> 204
=> body empty
=> header ETag: W/"3"
---
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"id","value":"other"}]}
=> 400
=> json {"scimType":"mutability"}
---
PATCH /scim/v2/Users/{{id}}
{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"emails[type eq \"work\"]"}]}
=> 400
=> json {"scimType":"noTarget"}
---
GET /scim/v2/Users/{{id}}
=> 200
=> json {"title":"x","nickName":"n","meta":{"version":"W/\"3\""}}



=== TEST 2: concurrent PATCHes of one user lose no update
--- timeout: 60
--- perl
my $r = scim_request('POST', '/scim/v2/Users', '{"userName":"busy"}');
my $id = $r->{json}{id};
my $n = 20;
my @socks;
for my $i (1 .. $n) {
    my $body = qq({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],)
        . qq("Operations":[{"op":"add","path":"emails","value":[{"value":"e$i\@example.com","type":"other"}]}]});
    push @socks, open_request('PATCH', "/scim/v2/Users/$id", $body);
}
my %status;
my @acked;
for my $i (1 .. $n) {
    my $resp = read_response($socks[$i - 1], 'PATCH');
    $status{$resp->{status}}++;
    push @acked, "e$i\@example.com" if $resp->{status} == 200;
}
note(join ' ', map { "$_ x$status{$_}" } sort keys %status);
is($status{200} // 0, $n, 'every concurrent PATCH succeeded (conflicts are retried)');
my $final = scim_request('GET', "/scim/v2/Users/$id");
my %have = map { $_->{value} => 1 } @{ $final->{json}{emails} || [] };
is(scalar(grep { !$have{$_} } @acked), 0, 'no acknowledged update was lost');
is($final->{json}{meta}{version}, 'W/"' . (1 + scalar @acked) . '"', 'one version per acknowledged PATCH');
my $events = redis_cmd('XLEN', 'scim:{default}:events');
is($events, 1 + scalar @acked, 'one event per write');
