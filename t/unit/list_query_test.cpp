// List queries: planning filters onto indexes, list parameters, paging
// and the list exchange driven with canned Redis replies.
#include <gtest/gtest.h>

#include <algorithm>

#include "exchange_support.hpp"
#include "fake_reply.hpp"
#include "scim/list_request.hpp"
#include "scim/query_plan.hpp"
#include "scim/service/service.hpp"
#include "scim/store/query_bounds.hpp"
#include "scim/store/query_scripts.hpp"

using namespace scim;

namespace {

std::optional<IndexProbe> probeFor(std::string_view text,
                                   const ResourceType &rt = userResourceType()) {
    auto node = filter::parse(text);
    EXPECT_TRUE(node) << text;
    return planProbe(**node, rt);
}

Request listRequest(std::string query, std::string path = "/Users") {
    Request r;
    r.method = "GET";
    r.path = std::move(path);
    r.query = std::move(query);
    r.baseUrl = "https://sp.example.com/scim/v2";
    r.tenant = "acme";
    return r;
}

using exchange_test::bodyOf;
using exchange_test::commandOf;
using exchange_test::responseOf;
using exchange_test::exchangeFor;

// A list exchange for GET /Users?<query>, its first command sent.
std::unique_ptr<Exchange> startedList(const std::string &query, const ServiceConfig &c) {
    auto ex = exchangeFor(listRequest(query), c);
    ex->start();
    return ex;
}
std::unique_ptr<Exchange> startedList(const std::string &query, const ServiceConfig &&c) = delete;

// A record as the read scripts return it.
void addRecord(std::vector<FakeReply> &out, std::string id, int seq, std::string doc) {
    out.push_back(FakeReply::string(std::move(id)));
    out.push_back(FakeReply::string(std::to_string(seq)));
    out.push_back(FakeReply::string(std::move(doc)));
    out.push_back(FakeReply::string("1"));
    out.push_back(FakeReply::string("2026-11-23T10:00:00.000Z"));
    out.push_back(FakeReply::string("2026-11-23T10:00:00.000Z"));
    out.push_back(FakeReply::string(""));  // memberships
}

// A record as page_records returns it: no seq, no memberships.
void addPageRecord(std::vector<FakeReply> &out, std::string id, std::string doc) {
    out.push_back(FakeReply::string(std::move(id)));
    out.push_back(FakeReply::string(std::move(doc)));
    out.push_back(FakeReply::string("1"));
    out.push_back(FakeReply::string("2026-11-23T10:00:00.000Z"));
    out.push_back(FakeReply::string("2026-11-23T10:00:00.000Z"));
}

// Records as scan_records sends them when the worker tests the text: id, doc.
void addDocument(std::vector<FakeReply> &out, std::string id, std::string doc) {
    out.push_back(FakeReply::string(std::move(id)));
    out.push_back(FakeReply::string(std::move(doc)));
}

// scan_records' head: the total, the records it examined, the last sequence.
std::vector<FakeReply> scanHead(long long total, long long examined, long long lastSeq) {
    return {FakeReply::integer(total), FakeReply::integer(examined),
            FakeReply::string(std::to_string(lastSeq))};
}

std::string userDoc(const std::string &name, const std::string &title = "") {
    std::string doc = R"({"userName":")" + name + "\"";
    if (!title.empty()) doc += R"(,"title":")" + title + "\"";
    return doc + "}";
}

std::vector<std::string> userNames(const JsonDoc &d) {
    std::vector<std::string> names;
    for (const Json &r : d["Resources"].GetArray()) names.emplace_back(r["userName"].GetString());
    return names;
}

}  // namespace

// --- planning ---------------------------------------------------------------

TEST(QueryPlan, UserNameEqualityUsesTheFoldedIndex) {
    auto p = probeFor(R"(userName eq "BJensen@Example.com")");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->index, IndexName::UserName);
    EXPECT_EQ(p->kind, ProbeKind::Name);  // users:by-name holds the folded name
    EXPECT_EQ(p->value, "bjensen@example.com");
    EXPECT_FALSE(p->prefix);
}

TEST(QueryPlan, ExternalIdIsCaseExact) {
    auto p = probeFor(R"(externalId eq "AbC")");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->index, IndexName::ExternalId);
    EXPECT_EQ(p->value, "AbC");
}

TEST(QueryPlan, IdIsADirectLookUp) {
    auto p = probeFor(R"(id eq "2819c223")");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->kind, ProbeKind::Id);
    EXPECT_EQ(p->value, "2819c223");
}

TEST(QueryPlan, EmailFormsShareTheEmailIndex) {
    for (const char *f : {R"(emails.value eq "A@x.org")", R"(emails eq "A@x.org")",
                          R"(emails[type eq "work"].value eq "A@x.org")",
                          R"(emails[type eq "work" and value eq "A@x.org"])"}) {
        auto p = probeFor(f);
        ASSERT_TRUE(p) << f;
        EXPECT_EQ(p->index, IndexName::Email) << f;
        EXPECT_EQ(p->value, "a@x.org") << f;
    }
}

TEST(QueryPlan, PrefixUsesARange) {
    auto p = probeFor(R"(userName sw "Jo")");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->value, "jo");
    EXPECT_TRUE(p->prefix);
}

TEST(QueryPlan, TimeComparisonsUseMillisecondScores) {
    auto gt = probeFor(R"(meta.lastModified gt "2011-05-13T04:42:34Z")");
    ASSERT_TRUE(gt);
    EXPECT_EQ(gt->index, IndexName::LastModified);
    EXPECT_EQ(gt->kind, ProbeKind::Score);
    EXPECT_EQ(gt->minMillis, 1305261754000LL);
    EXPECT_FALSE(gt->maxMillis);
    auto le = probeFor(R"(meta.created le "2011-05-13T06:42:34.0005+02:00")");
    ASSERT_TRUE(le);
    EXPECT_EQ(le->index, IndexName::Created);
    EXPECT_FALSE(le->minMillis);
    EXPECT_EQ(le->maxMillis, 1305261754001LL);  // widened up; the core re-checks
}

// The store turns a probe into the Redis range fetch_candidates.lua reads.
TEST(QueryBounds, ProbesBecomeRedisRanges) {
    auto name = store::rangeBounds(*probeFor(R"(userName eq "BJensen")"));
    EXPECT_EQ(name.min, "bjensen");  // the field of users:by-name
    auto eq = store::rangeBounds(*probeFor(R"(displayName eq "BJensen")", groupResourceType()));
    EXPECT_EQ(eq.min, std::string("[bjensen\0", 9));
    EXPECT_EQ(eq.max, std::string("(bjensen\x01"));
    EXPECT_EQ(eq.min, store::lexEqualMin("bjensen"));
    auto sw = store::rangeBounds(*probeFor(R"(userName sw "Jo")"));
    EXPECT_EQ(sw.min, "[jo");
    EXPECT_EQ(sw.max, std::string("(jo\xff"));
    auto gt = store::rangeBounds(*probeFor(R"(meta.lastModified gt "2011-05-13T04:42:34Z")"));
    EXPECT_EQ(gt.min, "1305261754000");
    EXPECT_EQ(gt.max, "+inf");
    auto le = store::rangeBounds(*probeFor(R"(meta.created le "2011-05-13T04:42:34Z")"));
    EXPECT_EQ(le.min, "-inf");
    EXPECT_EQ(le.max, "1305261754000");
    EXPECT_EQ(store::rangeBounds(*probeFor(R"(id eq "u1")")).min, "u1");
    EXPECT_EQ(store::seqAfter(41), "(41");
}

TEST(QueryPlan, AndPicksTheCheapestIndexedTerm) {
    auto p = probeFor(R"(title pr and userName sw "a" and externalId eq "e1")");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->index, IndexName::ExternalId);
}

TEST(QueryPlan, OrNotAndUnindexedAttributesScan) {
    EXPECT_FALSE(probeFor(R"(userName eq "a" or userName eq "b")"));
    EXPECT_FALSE(probeFor(R"(not (userName eq "a"))"));
    EXPECT_FALSE(probeFor(R"(title eq "x")"));
    EXPECT_FALSE(probeFor(R"(userName co "a")"));
    EXPECT_FALSE(probeFor(R"(meta.created gt "not a date")"));
    EXPECT_FALSE(probeFor(R"(userName eq true)"));
}

TEST(QueryPlan, GroupsUseDisplayName) {
    auto p = probeFor(R"(displayName eq "Admins")", groupResourceType());
    ASSERT_TRUE(p);
    EXPECT_EQ(p->index, IndexName::DisplayName);
    EXPECT_EQ(p->value, "admins");
    EXPECT_FALSE(probeFor(R"(userName eq "x")", groupResourceType()));
}

// --- list parameters ----------------------------------------------------------

TEST(ListRequest, DefaultsAndClamping) {
    ListLimits limits{100, 500, {}};
    auto r = listRequestFromQuery("startIndex=-4&count=9000", limits);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->startIndex, 1);
    EXPECT_EQ(r->count, 500);
    auto d = listRequestFromQuery("", limits);
    EXPECT_EQ(d->count, 100);
    EXPECT_FALSE(d->filter);
    EXPECT_EQ(listRequestFromQuery("count=-3", limits)->count, 0);
}

TEST(ListRequest, ParameterNamesAreCaseInsensitive) {
    auto r = listRequestFromQuery("FILTER=userName%20eq%20%22a%22&SortBy=userName&sortorder=Descending&COUNT=5", {});
    ASSERT_TRUE(r);
    ASSERT_TRUE(r->filter);
    EXPECT_EQ(filter::toString(*r->filter), R"(userName eq "a")");
    EXPECT_EQ(r->sortBy, "userName");
    EXPECT_TRUE(r->descending);
    EXPECT_EQ(r->count, 5);
}

TEST(ListRequest, ErrorsAreScimErrors) {
    EXPECT_EQ(listRequestFromQuery("filter=userName%20eq", {}).error().scimType, "invalidFilter");
    EXPECT_EQ(listRequestFromQuery("count=abc", {}).error().scimType, "invalidValue");
    EXPECT_EQ(listRequestFromQuery("sortOrder=up", {}).error().scimType, "invalidValue");
    EXPECT_EQ(listRequestFromQuery("cursor=xyz", {}).error().scimType, "invalidCursor");
    EXPECT_EQ(listRequestFromQuery("cursor=&startIndex=2", {}).error().scimType, "invalidValue");
    EXPECT_EQ(listRequestFromQuery("cursor=&sortBy=userName", {}).error().scimType, "invalidValue");
    ListLimits tight{100, 1000, filter::Limits{16, 32}};
    auto longFilter = listRequestFromQuery("filter=userName%20eq%20%22abcdefghijklmnop%22", tight);
    ASSERT_FALSE(longFilter);
    EXPECT_NE(longFilter.error().detail.find("16"), std::string::npos);
}

TEST(ListRequest, SearchRequestBody) {
    JsonDoc body;
    body.Parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                   "attributes":["userName","name.givenName"],"filter":"title pr",
                   "startIndex":3,"count":"7","sortBy":"userName","sortOrder":"ascending"})");
    auto r = listRequestFromSearch(body, {});
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(r->startIndex, 3);
    EXPECT_EQ(r->count, 7);
    EXPECT_EQ(r->projection.attributes.size(), 2u);
    JsonDoc bad;
    bad.Parse(R"({"filter":5})");
    EXPECT_EQ(listRequestFromSearch(bad, {}).error().scimType, "invalidFilter");
    bad.Parse(R"({"attributes":[1]})");
    EXPECT_EQ(listRequestFromSearch(bad, {}).error().scimType, "invalidValue");
    bad.Parse(R"([])");
    EXPECT_EQ(listRequestFromSearch(bad, {}).error().scimType, "invalidSyntax");
}

TEST(ListRequest, CursorsRoundTrip) {
    auto c = decodeCursor(encodeCursor({false, 42}));
    ASSERT_TRUE(c);
    EXPECT_FALSE(c->after);
    EXPECT_EQ(c->seq, 42);
    for (const char *bad : {"", "c1", "c1x5", "c1a", "c1a-3", "c1a5x", "c2a5"}) {
        EXPECT_FALSE(decodeCursor(bad)) << bad;
    }
}

// --- the list exchange -------------------------------------------------------

// The page both unfiltered-page tests expect: carol (id c) and dave (id d)
// from startIndex 3 of 9.
static void expectCarolAndDave(const Exchange::Step &step) {
    JsonDoc d = bodyOf(std::get<Response>(step));
    EXPECT_EQ(d["totalResults"].GetInt(), 9);
    EXPECT_EQ(d["startIndex"].GetInt(), 3);
    EXPECT_EQ(d["itemsPerPage"].GetInt(), 2);
    EXPECT_EQ(userNames(d), (std::vector<std::string>{"carol", "dave"}));
    EXPECT_STREQ(d["Resources"][0]["meta"]["location"].GetString(),
                 "https://sp.example.com/scim/v2/Users/c");
    EXPECT_STREQ(d["Resources"][1]["meta"]["location"].GetString(),
                 "https://sp.example.com/scim/v2/Users/d");
}

TEST(ListExchange, UnfilteredPagesByRank) {
    ServiceConfig c;
    auto ex = exchangeFor(listRequest("startIndex=3&count=2"), c);
    auto cmd = std::get<store::Command>(ex->start());
    EXPECT_EQ(cmd.script, &store::pageRecordsScript());
    auto page = store::pageRecordsArgsOf(cmd);
    EXPECT_EQ(page.orderKey, "scim:{acme}:users");
    EXPECT_EQ(page.start, 2);
    EXPECT_EQ(page.count, 2);
    EXPECT_FALSE(page.descending);
    EXPECT_EQ(page.recordPrefix, "scim:{acme}:user:");
    EXPECT_FALSE(page.lex);
    std::vector<FakeReply> items{FakeReply::integer(9)};
    addPageRecord(items, "c", userDoc("carol"));
    addPageRecord(items, "d", userDoc("dave"));
    expectCarolAndDave(ex->onReply(*FakeReply::array(items)));
}

// With sortGetPages (the edge's default outside Redis Cluster) the same
// page is read without a script, in one round trip: ZCARD and SORT_RO …
// GET sent together; a record whose hash is gone (nil doc) is left out.
TEST(ListExchange, UnfilteredPageBySortGet) {
    ServiceConfig c;
    c.sortGetPages = true;
    auto ex = exchangeFor(listRequest("startIndex=3&count=2&sortOrder=descending"), c);
    auto batch = std::get<store::Command>(ex->start());
    ASSERT_TRUE(batch.isBatch());
    ASSERT_EQ(batch.batch.size(), 2u);
    const store::Command &total = batch.batch[0];
    EXPECT_EQ(total.script, nullptr);
    EXPECT_EQ(total.args, (std::vector<std::string>{"ZCARD", "scim:{acme}:users"}));
    const store::Command &sort = batch.batch[1];
    EXPECT_EQ(sort.script, nullptr);
    const std::string p = "scim:{acme}:user:*->";
    EXPECT_EQ(sort.args,
              (std::vector<std::string>{"SORT_RO", "scim:{acme}:users", "BY", "nosort", "LIMIT", "2",
                                        "2", "DESC", "GET", "#", "GET", p + "doc", "GET",
                                        p + "version", "GET", p + "created", "GET",
                                        p + "lastModified"}));
    std::vector<FakeReply> items;
    addPageRecord(items, "c", userDoc("carol"));
    for (auto r : {FakeReply::string("gone"), FakeReply::nil(), FakeReply::nil(), FakeReply::nil(),
                   FakeReply::nil()}) {
        items.push_back(r);
    }
    addPageRecord(items, "d", userDoc("dave"));
    auto count = FakeReply::integer(9);
    auto records = FakeReply::array(items);
    expectCarolAndDave(ex->onReplies({&*count, &*records}));
}

// Sorted, projected and lexicographic pages keep the script; an error from
// ZCARD ends the request without Redis's text; replies of another shape
// than the batch's are a store failure, not a crash.
TEST(ListExchange, SortGetPagesOnlyWhereTheyServe) {
    ServiceConfig c;
    c.sortGetPages = true;
    for (const char *query : {"sortBy=userName", "attributes=userName", "count=0"}) {
        auto cmd = std::get<store::Command>(exchangeFor(listRequest(query), c)->start());
        EXPECT_EQ(cmd.script, &store::pageRecordsScript()) << query;
    }
    auto descending = exchangeFor(listRequest("sortBy=meta.created&sortOrder=descending"), c);
    EXPECT_EQ(std::get<store::Command>(descending->start()).script, &store::pageRecordsScript());
    StoreFacts facts;
    Request request = listRequest("count=2");
    request.storeFacts = &facts;
    {
        auto ex = exchangeFor(request, c);
        ex->start();
        auto loading = FakeReply::error("LOADING Redis is loading");
        auto records = FakeReply::array({});
        auto r = std::get<Response>(ex->onReplies({&*loading, &*records}));
        EXPECT_GE(r.status, 500);
        EXPECT_EQ(r.body.find("LOADING"), std::string::npos);
    }
    EXPECT_FALSE(facts.sortGetRefused);
    auto x = FakeReply::string("x");
    auto records = FakeReply::array({});
    {
        auto ex = exchangeFor(request, c);
        ex->start();
        EXPECT_GE(std::get<Response>(ex->onReplies({&*x, &*records})).status, 500);
    }
    {
        auto ex = exchangeFor(request, c);
        ex->start();
        EXPECT_GE(std::get<Response>(ex->onReplies({&*records})).status, 500);
    }
    {
        auto ex = exchangeFor(request, c);
        ex->start();
        EXPECT_GE(std::get<Response>(ex->onReply(*records)).status, 500);
    }
    {
        auto ex = startedList("sortBy=userName", c);
        EXPECT_GE(std::get<Response>(ex->onReplies({&*x, &*records})).status, 500);
    }
}

// A Redis that refuses SORT_RO … GET (before 7.0, or an ACL user limited
// to some keys): the script reads that page, and the worker's StoreFacts
// sends every later page to the script at once. The configuration is
// untouched.
TEST(ListExchange, RefusedSortGetFallsBackToTheScript) {
    ServiceConfig c;
    c.sortGetPages = true;
    StoreFacts facts;
    Request request = listRequest("startIndex=3&count=2");
    request.storeFacts = &facts;
    auto ex = exchangeFor(request, c);
    ex->start();
    auto count = FakeReply::integer(9);
    auto denied = FakeReply::error("ERR GET option of SORT denied due to insufficient ACL permissions.");
    auto retry = std::get<store::Command>(ex->onReplies({&*count, &*denied}));
    EXPECT_EQ(retry.script, &store::pageRecordsScript());
    EXPECT_EQ(store::pageRecordsArgsOf(retry).start, 2);
    EXPECT_TRUE(facts.sortGetRefused);
    EXPECT_TRUE(c.sortGetPages);
    std::vector<FakeReply> items{FakeReply::integer(9)};
    addPageRecord(items, "c", userDoc("carol"));
    addPageRecord(items, "d", userDoc("dave"));
    expectCarolAndDave(ex->onReply(*FakeReply::array(items)));
    Request next = listRequest("count=2");
    next.storeFacts = &facts;
    EXPECT_EQ(std::get<store::Command>(exchangeFor(next, c)->start()).script,
              &store::pageRecordsScript());
    // Another worker (or none: no StoreFacts) still reads by SORT_RO.
    EXPECT_TRUE(std::get<store::Command>(exchangeFor(listRequest("count=2"), c)->start()).isBatch());
}

// What the edge logs as a warning, not an error: Redis 6's answer to
// SORT_RO and Redis 7's to an ACL user limited to some keys.
TEST(ListExchange, SortGetRefusalsAreRecognised) {
    EXPECT_TRUE(store::isSortGetRefusal(
        "ERR unknown command 'SORT_RO', with args beginning with: 'scim:{a}:users' 'BY' "));
    EXPECT_TRUE(store::isSortGetRefusal(
        "ERR GET option of SORT denied due to insufficient ACL permissions."));
    EXPECT_FALSE(store::isSortGetRefusal("LOADING Redis is loading the dataset in memory"));
    EXPECT_FALSE(store::isSortGetRefusal("NOPERM this user has no permissions to run the 'zcard' command"));
}

TEST(ListExchange, SortByUserNameUsesTheIndex) {
    ServiceConfig c;
    auto ex = exchangeFor(listRequest("sortBy=userName&sortOrder=descending"), c);
    auto cmd = std::get<store::Command>(ex->start());
    EXPECT_EQ(cmd.script, &store::pageRecordsScript());
    auto page = store::pageRecordsArgsOf(cmd);
    EXPECT_EQ(page.orderKey, "scim:{acme}:users:idx:userName");
    EXPECT_TRUE(page.descending);
    EXPECT_TRUE(page.lex);
}

TEST(ListExchange, IndexedFilterRechecksCandidatesInTheCore) {
    ServiceConfig c;
    auto ex = exchangeFor(listRequest("filter=userName%20sw%20%22a%22%20and%20title%20eq%20%22x%22"), c);
    auto cmd = std::get<store::Command>(ex->start());
    EXPECT_EQ(cmd.script, &store::fetchCandidatesScript());
    auto probe = store::fetchCandidatesArgsOf(cmd);
    EXPECT_EQ(probe.indexKey, "scim:{acme}:users:idx:userName");
    EXPECT_EQ(probe.mode, ProbeKind::Lex);
    EXPECT_EQ(probe.limit, 10000);
    EXPECT_TRUE(probe.probe.ids.empty());
    std::vector<FakeReply> items{FakeReply::string("ok")};
    addRecord(items, "z", 9, userDoc("amy", "x"));
    addRecord(items, "y", 2, userDoc("al", "x"));
    addRecord(items, "w", 5, userDoc("ann", "y"));  // the index narrows, the core decides
    JsonDoc d = bodyOf(std::get<Response>(ex->onReply(*FakeReply::array(items))));
    EXPECT_EQ(d["totalResults"].GetInt(), 2);
    EXPECT_EQ(userNames(d), (std::vector<std::string>{"al", "amy"}));  // creation order
}

// The answer of a `userName eq` filter whose users:by-name entry names
// user "z", stored with `doc`: the entry's HGET, then the record's HMGET.
JsonDoc answerNamed(const std::string &query, const std::string &doc) {
    ServiceConfig c;
    auto ex = startedList(query, c);
    auto read = commandOf(ex->onReply(*FakeReply::string("z")));
    EXPECT_EQ(read.args, (std::vector<std::string>{"HMGET", "scim:{acme}:user:z", "seq", "doc",
                                                   "version", "created", "lastModified"}));
    return bodyOf(responseOf(ex->onReply(*FakeReply::strings({"9", doc.c_str(), "2", "t1", "t2"}))));
}

TEST(ListExchange, UserNameEqualityReadsTheNameHash) {
    const std::string amy = "filter=userName%20eq%20%22Amy%22";
    ServiceConfig c;
    // Two plain reads, no script: the folded name's id, then its record.
    auto cmd = std::get<store::Command>(exchangeFor(listRequest(amy), c)->start());
    EXPECT_EQ(cmd.script, nullptr);
    EXPECT_EQ(cmd.args, (std::vector<std::string>{"HGET", "scim:{acme}:users:by-name", "amy"}));
    JsonDoc found = answerNamed(amy, userDoc("AMY"));
    EXPECT_EQ(userNames(found), (std::vector<std::string>{"AMY"}));
    EXPECT_STREQ(found["Resources"][0]["id"].GetString(), "z");
    EXPECT_STREQ(found["Resources"][0]["meta"]["version"].GetString(), "W/\"2\"");
    // A hash entry that names a user without that name (a stale index) is no answer.
    EXPECT_EQ(answerNamed(amy, userDoc("bob"))["totalResults"].GetInt(), 0);
    // In an `and`, the rest of the filter is still evaluated.
    EXPECT_EQ(answerNamed(amy + "%20and%20title%20eq%20%22x%22", userDoc("amy", "y"))["totalResults"]
                  .GetInt(),
              0);
    // No entry: an empty list, in one round trip.
    auto none = startedList(amy, c);
    EXPECT_EQ(bodyOf(responseOf(none->onReply(*FakeReply::nil())))["totalResults"].GetInt(), 0);
    // The entry names a user deleted since: no answer either.
    auto gone = startedList(amy, c);
    commandOf(gone->onReply(*FakeReply::string("z")));
    FakeReply nils = FakeReply::array({FakeReply::nil(), FakeReply::nil(), FakeReply::nil(),
                                       FakeReply::nil(), FakeReply::nil()});
    EXPECT_EQ(bodyOf(responseOf(gone->onReply(*nils)))["totalResults"].GetInt(), 0);
    // Redis's errors are 503s.
    auto failed = startedList(amy, c);
    EXPECT_EQ(responseOf(failed->onReply(*FakeReply::error("LOADING"))).status, 503);
}

TEST(ListExchange, TooManyCandidatesFallsBackToAScan) {
    ServiceConfig c;
    auto ex = startedList("filter=userName%20sw%20%22a%22", c);
    auto next = std::get<store::Command>(ex->onReply(*FakeReply::strings({"toomany"})));
    EXPECT_EQ(next.script, &store::scanRecordsScript());
    EXPECT_EQ(store::scanRecordsArgsOf(next).bound, "-inf");
}

TEST(ListExchange, ScanWalksBatchesAndKeepsOnlyThePage) {
    ServiceConfig c;
    c.scanBatch = 3;
    auto ex = exchangeFor(listRequest("filter=title%20eq%20%22x%22&startIndex=2&count=1"), c);
    auto cmd = std::get<store::Command>(ex->start());
    EXPECT_EQ(cmd.script, &store::scanRecordsScript());
    auto scan = store::scanRecordsArgsOf(cmd);
    EXPECT_EQ(scan.batch, 3);
    ASSERT_TRUE(scan.probe);          // a filtered scan says which ids it probes
    EXPECT_TRUE(scan.documentsOnly);  // "x" in a title: the worker tests the text
    std::vector<FakeReply> first = scanHead(5, 3, 4);
    for (auto [id, title] : {std::pair{"a", "x"}, {"b", "y"}, {"d", "X-ray"}}) {
        addDocument(first, id, userDoc(id, title));
    }
    auto read = std::get<store::Command>(ex->onReply(*FakeReply::array(first)));
    EXPECT_EQ(read.script, &store::fetchCandidatesScript());
    // b cannot match by its text and is never read; d may (the core decides)
    EXPECT_EQ(read.args, (std::vector<std::string>{"scim:{acme}:user:a", "scim:{acme}:user:d", "id",
                                                   "", "", "0", "scim:{acme}:user:", ""}));
    std::vector<FakeReply> kept{FakeReply::string("ok")};
    addRecord(kept, "a", 1, userDoc("a", "x"));
    addRecord(kept, "d", 4, userDoc("d", "X-ray"));
    auto again = std::get<store::Command>(ex->onReply(*FakeReply::array(kept)));
    EXPECT_EQ(store::scanRecordsArgsOf(again).bound, "(4");  // continues after the last sequence seen
    EXPECT_TRUE(store::scanRecordsArgsOf(again).documentsOnly);
    std::vector<FakeReply> second = scanHead(5, 2, 7);
    for (auto id : {"c", "e"}) addDocument(second, id, userDoc(id, "X"));
    auto last = std::get<store::Command>(ex->onReply(*FakeReply::array(second)));
    std::vector<FakeReply> lastKept{FakeReply::string("ok")};
    addRecord(lastKept, "c", 7, userDoc("c", "X"));  // e is gone by now
    JsonDoc d = bodyOf(std::get<Response>(ex->onReply(*FakeReply::array(lastKept))));
    EXPECT_EQ(d["totalResults"].GetInt(), 2);
    EXPECT_EQ(userNames(d), (std::vector<std::string>{"c"}));
}

TEST(ListExchange, ScanWithoutKeptRecordsReadsNone) {
    ServiceConfig c;
    c.scanBatch = 2;
    auto ex = startedList("filter=title%20co%20%22x%22", c);
    std::vector<FakeReply> batch = scanHead(3, 2, 2);
    for (auto id : {"a", "b"}) addDocument(batch, id, userDoc(id, "y"));
    auto next = std::get<store::Command>(ex->onReply(*FakeReply::array(batch)));
    EXPECT_EQ(next.script, &store::scanRecordsScript());  // straight to the next batch
    EXPECT_EQ(store::scanRecordsArgsOf(next).bound, "(2");
    JsonDoc d = bodyOf(std::get<Response>(ex->onReply(*FakeReply::array(scanHead(3, 1, 3)))));
    EXPECT_EQ(d["totalResults"].GetInt(), 0);
}

TEST(ListExchange, ScanWithoutTextsReadsWholeRecords) {
    ServiceConfig c;
    auto ex = exchangeFor(listRequest("filter=title%20eq%20%22x%22%20or%20title%20eq%20%22y%22"), c);
    auto cmd = std::get<store::Command>(ex->start());
    EXPECT_FALSE(store::scanRecordsArgsOf(cmd).documentsOnly);  // an `or` requires no text
    std::vector<FakeReply> items = scanHead(2, 2, 2);
    addRecord(items, "a", 1, userDoc("a", "y"));
    addRecord(items, "b", 2, userDoc("b", "z"));
    JsonDoc d = bodyOf(std::get<Response>(ex->onReply(*FakeReply::array(items))));
    EXPECT_EQ(userNames(d), (std::vector<std::string>{"a"}));
}

TEST(ListExchange, InMemorySortIsBounded) {
    ServiceConfig c;
    c.maxSortResults = 1;
    auto ex = startedList("sortBy=title", c);
    std::vector<FakeReply> items = scanHead(2, 2, 2);
    addRecord(items, "a", 1, userDoc("a", "x"));
    addRecord(items, "b", 2, userDoc("b", "y"));
    auto r = std::get<Response>(ex->onReply(*FakeReply::array(items)));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(bodyOf(r)["scimType"], "tooMany");
}

TEST(ListExchange, InMemorySortOrdersMissingValuesLast) {
    ServiceConfig c;
    auto ex = startedList("sortBy=title&sortOrder=descending", c);
    std::vector<FakeReply> items = scanHead(3, 3, 3);
    addRecord(items, "a", 1, userDoc("a", "B"));
    addRecord(items, "b", 2, userDoc("b"));
    addRecord(items, "c", 3, userDoc("c", "c"));
    JsonDoc d = bodyOf(std::get<Response>(ex->onReply(*FakeReply::array(items))));
    EXPECT_EQ(userNames(d), (std::vector<std::string>{"c", "a", "b"}));
}

TEST(ListExchange, CursorPagesForwardAndBack) {
    ServiceConfig c;
    auto ex = exchangeFor(listRequest("cursor=&count=2"), c);
    auto cmd = std::get<store::Command>(ex->start());
    auto scan = store::scanRecordsArgsOf(cmd);
    EXPECT_EQ(scan.bound, "-inf");
    EXPECT_FALSE(scan.descending);
    EXPECT_EQ(scan.batch, 3);  // one more than the page
    EXPECT_FALSE(scan.probe);  // an unfiltered page probes nothing
    std::vector<FakeReply> items = scanHead(5, 3, 3);
    addRecord(items, "a", 1, userDoc("a"));
    addRecord(items, "b", 2, userDoc("b"));
    addRecord(items, "c", 3, userDoc("c"));
    JsonDoc d = bodyOf(std::get<Response>(ex->onReply(*FakeReply::array(items))));
    EXPECT_EQ(userNames(d), (std::vector<std::string>{"a", "b"}));
    EXPECT_STREQ(d["nextCursor"].GetString(), "c1a2");
    EXPECT_FALSE(d.HasMember("previousCursor"));
    EXPECT_FALSE(d.HasMember("startIndex"));

    auto back = exchangeFor(listRequest("cursor=c1b3&count=2"), c);
    auto bcmd = std::get<store::Command>(back->start());
    EXPECT_EQ(store::scanRecordsArgsOf(bcmd).bound, "(3");
    EXPECT_TRUE(store::scanRecordsArgsOf(bcmd).descending);
    std::vector<FakeReply> rev = scanHead(5, 2, 1);
    addRecord(rev, "b", 2, userDoc("b"));
    addRecord(rev, "a", 1, userDoc("a"));
    JsonDoc bd = bodyOf(std::get<Response>(back->onReply(*FakeReply::array(rev))));
    EXPECT_EQ(userNames(bd), (std::vector<std::string>{"a", "b"}));
    EXPECT_FALSE(bd.HasMember("previousCursor"));
    EXPECT_STREQ(bd["nextCursor"].GetString(), "c1a2");
}

TEST(ListExchange, ProjectionAppliesToEachResource) {
    ServiceConfig c;
    auto ex = startedList("attributes=title", c);
    std::vector<FakeReply> items{FakeReply::integer(1)};
    addPageRecord(items, "a", userDoc("a", "x"));
    JsonDoc d = bodyOf(std::get<Response>(ex->onReply(*FakeReply::array(items))));
    const Json &r = d["Resources"][0];
    EXPECT_TRUE(r.HasMember("id"));
    EXPECT_TRUE(r.HasMember("title"));
    EXPECT_FALSE(r.HasMember("userName"));
}

TEST(ListExchange, SearchEndpointReadsTheBody) {
    ServiceConfig c;
    Request r = listRequest("", "/Users/.search");
    r.method = "POST";
    r.body = R"({"filter":"externalId eq \"e\"","count":1})";
    auto ex = exchangeFor(r, c);
    auto cmd = std::get<store::Command>(ex->start());
    EXPECT_EQ(cmd.script, &store::fetchCandidatesScript());
    EXPECT_EQ(store::fetchCandidatesArgsOf(cmd).indexKey, "scim:{acme}:users:idx:externalId");
    r.body = "{";
    EXPECT_EQ(std::get<Response>(exchangeFor(r, c)->start()).status, 400);
}

TEST(ListExchange, BadSortByIsAClientError) {
    ServiceConfig c;
    auto r = std::get<Response>(exchangeFor(listRequest("sortBy=nope"), c)->start());
    EXPECT_EQ(r.status, 400);
}

// --- groups: filters on members ------------------------------------------------

TEST(QueryPlan, GroupMemberEqualityUsesTheReverseIndex) {
    for (const char *f : {R"(members eq "u1")", R"(members.value eq "u1")", R"(members[value eq "u1"])",
                          R"(displayName sw "x" and members eq "u1")"}) {
        auto p = probeFor(f, groupResourceType());
        ASSERT_TRUE(p) << f;
        EXPECT_EQ(p->kind, ProbeKind::Set) << f;
        EXPECT_EQ(p->value, "u1") << f;
    }
    auto node = filter::parse(R"(not (members eq "a") or members[value eq "b"] or members.value eq "a")");
    auto values = memberValues(**node, groupResourceType());
    std::sort(values.begin(), values.end());
    EXPECT_EQ(values, (std::vector<std::string>{"a", "b"}));  // each once
    auto users = filter::parse(R"(userName eq "a")");
    EXPECT_TRUE(memberValues(**users, userResourceType()).empty());
}

TEST(ListExchange, GroupMembershipFilterChecksWhatTheStoreHolds) {
    ServiceConfig c;
    auto ex = exchangeFor(listRequest("filter=id%20eq%20%22g1%22%20and%20members%20eq%20%22u1%22&"
                                      "excludedAttributes=members", "/Groups"), c);
    auto cmd = std::get<store::Command>(ex->start());
    EXPECT_EQ(cmd.script, &store::fetchCandidatesScript());
    auto probe = store::fetchCandidatesArgsOf(cmd);
    EXPECT_EQ(probe.indexKey, "scim:{acme}:group:g1");  // the id is the cheaper probe
    EXPECT_EQ(probe.mode, ProbeKind::Id);
    EXPECT_EQ(probe.probe.keySuffix, ":members");
    EXPECT_EQ(probe.probe.ids, (std::vector<std::string>{"u1"}));
    std::vector<FakeReply> held{FakeReply::string("ok")};
    addRecord(held, "g1", 1, R"({"displayName":"Admins"})");
    held.back() = FakeReply::string(R"(["u1"])");
    JsonDoc d = bodyOf(std::get<Response>(ex->onReply(*FakeReply::array(held))));
    EXPECT_EQ(d["totalResults"].GetInt(), 1);

    auto ex2 = exchangeFor(listRequest("filter=id%20eq%20%22g1%22%20and%20members%20eq%20%22u1%22&"
                                       "excludedAttributes=members", "/Groups"), c);
    ex2->start();
    std::vector<FakeReply> notHeld{FakeReply::string("ok")};
    addRecord(notHeld, "g1", 1, R"({"displayName":"Admins"})");
    JsonDoc d2 = bodyOf(std::get<Response>(ex2->onReply(*FakeReply::array(notHeld))));
    EXPECT_EQ(d2["totalResults"].GetInt(), 0);
}

// --- POST /.search across resource types ----------------------------------------

TEST(RootSearch, UsersThenGroupsInOnePage) {
    ServiceConfig c;
    Request r = listRequest("", "/.search");
    r.method = "POST";
    r.body = R"({"filter":"title pr","startIndex":2,"count":2,"attributes":["id"]})";
    auto ex = exchangeFor(r, c);
    auto users = std::get<store::Command>(ex->start());
    EXPECT_EQ(store::scanRecordsArgsOf(users).orderKey, "scim:{acme}:users");
    std::vector<FakeReply> u = scanHead(2, 2, 2);
    addRecord(u, "u1", 1, userDoc("a", "x"));
    addRecord(u, "u2", 2, userDoc("b", "x"));
    auto groups = std::get<store::Command>(ex->onReply(*FakeReply::array(u)));
    EXPECT_EQ(store::scanRecordsArgsOf(groups).orderKey, "scim:{acme}:groups");
    std::vector<FakeReply> g = scanHead(0, 0, 0);
    JsonDoc d = bodyOf(std::get<Response>(ex->onReply(*FakeReply::array(g))));
    EXPECT_EQ(d["totalResults"].GetInt(), 2);
    EXPECT_EQ(d["startIndex"].GetInt(), 2);
    ASSERT_EQ(d["Resources"].Size(), 1u);
    EXPECT_STREQ(d["Resources"][0]["id"].GetString(), "u2");

    r.body = R"({"cursor":""})";
    EXPECT_EQ(std::get<Response>(exchangeFor(r, c)->start()).status, 400);
}
