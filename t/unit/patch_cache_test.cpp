// PATCH in one round trip: a GET (or a write) leaves the document in the
// worker's cache, a PATCH starts from it with its conditional write, a
// lost write's reply carries the current document so the retry needs no
// read, and nothing else ever comes from the cache.
#include <gtest/gtest.h>

#include "exchange_support.hpp"
#include "fake_reply.hpp"
#include "scim/document_cache.hpp"
#include "scim/service/service.hpp"
#include "scim/store/group_scripts.hpp"
#include "scim/store/user_scripts.hpp"

using namespace scim;
using namespace exchange_test;

namespace {

constexpr const char *kActiveFalse =
    R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],)"
    R"("Operations":[{"op":"replace","value":{"active":false}}]})";

Request cached(Request r, DocumentCache &cache, const char *tenant = "acme") {
    r.documentCache = &cache;
    r.tenant = tenant;
    return r;
}

// GET /Users/u1 answered with `doc` at `version`.
void getUser(DocumentCache &cache, const ServiceConfig &c, const char *doc, const char *version,
             const char *tenant = "acme") {
    auto ex = exchangeFor(cached(request("GET", "/Users/u1"), cache, tenant), c);
    commandOf(ex->start());
    EXPECT_EQ(responseOf(answerUserRead(*ex, {doc, version, "t0", "t1"})).status, 200);
}

}  // namespace

TEST(PatchFromCache, AGetThenAPatchIsOneWrite) {
    ServiceConfig c = config();
    DocumentCache cache;
    getUser(cache, c, R"({"userName":"a","active":true})", "3");
    auto ex = exchangeFor(cached(request("PATCH", "/Users/u1", kActiveFalse), cache), c);
    auto write = commandOf(ex->start());
    ASSERT_EQ(write.script, &store::replaceUserScript());
    auto args = store::replaceUserArgsOf(write);
    EXPECT_EQ(args.expectedVersion, "3");
    EXPECT_EQ(args.user.active, "0");
    EXPECT_TRUE(args.withGroups);  // a 200 shows the groups: the write reads them
    // No role context (scim_role_on_deactivate is off): not sent at all, nor
    // the empty password hash and claimed set before it.
    EXPECT_EQ(args.roleContext, "");
    EXPECT_EQ(write.args.back(), "scim:{acme}:memberof:u1");
    // The event's list is the service's own, whole: the script need not compare.
    EXPECT_TRUE(args.changedIsComplete);
    EXPECT_EQ(args.changed, "active");
    EXPECT_EQ(write.args[write.numKeys + 9], "=active");  // ARGV 10 of replace_user.lua
    auto r = responseOf(ex->onReply(*FakeReply::strings({"ok", "4", "t0", "t2", "g1", "Admins"})));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(header(r, "ETag"), "W/\"4\"");
    JsonDoc body = bodyOf(r);
    EXPECT_FALSE(body["active"].GetBool());
    EXPECT_STREQ(body["groups"][0]["display"].GetString(), "Admins");
    // The write's result is remembered for the next PATCH.
    auto kept = cache.find({&c, "acme", DocumentCache::Kind::User, "u1"});
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->version, 4u);
    EXPECT_EQ(kept->doc, args.user.doc);
}

TEST(PatchFromCache, AStaleEntryLosesAndAppliesItselfToTheCurrentDocument) {
    ServiceConfig c = config();
    DocumentCache cache;
    getUser(cache, c, R"({"userName":"a","active":true})", "3");
    auto ex = exchangeFor(cached(request("PATCH", "/Users/u1", kActiveFalse), cache), c);
    commandOf(ex->start());
    // Another worker renamed the user meanwhile: the refusal carries v5.
    auto again = commandOf(ex->onReply(*FakeReply::strings(
        {"precondition", "5", R"({"userName":"b","active":true})", "5", "t0", "t4"})));
    ASSERT_EQ(again.script, &store::replaceUserScript());
    EXPECT_EQ(again.delayMillis, 0u);  // a stale copy is no contention: no wait
    auto args = store::replaceUserArgsOf(again);
    EXPECT_EQ(args.expectedVersion, "5");
    EXPECT_EQ(args.user.userName, "b");  // the other writer's change is kept
    EXPECT_EQ(args.user.active, "0");
    // A second loss in a row is contention: wait, then read.
    auto read = commandOf(ex->onReply(*FakeReply::strings(
        {"precondition", "6", R"({"userName":"c","active":true})", "6", "t0", "t5"})));
    EXPECT_TRUE(isUserRead(read));
    EXPECT_GT(read.delayMillis, 0u);
    auto last =
        commandOf(answerUserRead(*ex, {R"({"userName":"c","active":true})", "6", "t0", "t5"}));
    EXPECT_EQ(store::replaceUserArgsOf(last).expectedVersion, "6");
    EXPECT_EQ(responseOf(ex->onReply(*FakeReply::strings({"ok", "7", "t0", "t6"}))).status, 200);
}

TEST(PatchFromCache, WithoutACacheALostWriteStillNeedsNoRead) {
    ServiceConfig c = config();
    auto ex = exchangeFor(request("PATCH", "/Users/u1", kActiveFalse), c);
    EXPECT_TRUE(isUserRead(commandOf(ex->start())));
    commandOf(answerUserRead(*ex, {R"({"userName":"a","active":true})", "3", "t0", "t1"}));
    auto again = commandOf(ex->onReply(*FakeReply::strings(
        {"precondition", "4", R"({"userName":"a","active":true,"title":"x"})", "4", "t0", "t2"})));
    ASSERT_EQ(again.script, &store::replaceUserScript());
    EXPECT_EQ(store::replaceUserArgsOf(again).expectedVersion, "4");
}

TEST(PatchFromCache, TenantsDoNotShareAndPreconditionsRead) {
    ServiceConfig c = config();
    DocumentCache cache;
    getUser(cache, c, R"({"userName":"a","active":true})", "3", "acme");
    auto other = exchangeFor(cached(request("PATCH", "/Users/u1", kActiveFalse), cache, "globex"), c);
    EXPECT_TRUE(isUserRead(commandOf(other->start()), "u1", "globex"));

    Request ifMatch = cached(request("PATCH", "/Users/u1", kActiveFalse), cache);
    ifMatch.ifMatch = "W/\"3\"";
    EXPECT_TRUE(isUserRead(commandOf(exchangeFor(ifMatch, c)->start())));
    Request ifNoneMatch = cached(request("PATCH", "/Users/u1", kActiveFalse), cache);
    ifNoneMatch.ifNoneMatch = "W/\"2\"";
    EXPECT_TRUE(isUserRead(commandOf(exchangeFor(ifNoneMatch, c)->start())));
}

TEST(PatchFromCache, NothingToDoOnTheCopyIsDecidedOnARead) {
    ServiceConfig c = config();
    DocumentCache cache;
    // The copy says inactive already; the store may say otherwise.
    getUser(cache, c, R"({"userName":"a","active":false})", "3");
    auto ex = exchangeFor(cached(request("PATCH", "/Users/u1", kActiveFalse), cache), c);
    EXPECT_TRUE(isUserRead(commandOf(ex->start())));
    auto write = commandOf(
        answerUserRead(*ex, {R"({"userName":"a","active":true})", "4", "t0", "t1"}));
    EXPECT_EQ(store::replaceUserArgsOf(write).expectedVersion, "4");
}

TEST(PatchFromCache, DeleteAndNotFoundForget) {
    ServiceConfig c = config();
    DocumentCache cache;
    getUser(cache, c, R"({"userName":"a","active":true})", "3");
    auto del = exchangeFor(cached(request("DELETE", "/Users/u1"), cache), c);
    commandOf(del->start());
    EXPECT_EQ(responseOf(del->onReply(*FakeReply::strings({"ok"}))).status, 204);
    EXPECT_EQ(cache.entries(), 0u);

    getUser(cache, c, R"({"userName":"a","active":true})", "3");
    auto ex = exchangeFor(cached(request("PATCH", "/Users/u1", kActiveFalse), cache), c);
    commandOf(ex->start());
    EXPECT_EQ(responseOf(ex->onReply(*FakeReply::strings({"notfound"}))).status, 404);
    EXPECT_EQ(cache.entries(), 0u);

    getUser(cache, c, R"({"userName":"a","active":true})", "3");
    auto get = exchangeFor(cached(request("GET", "/Users/u1"), cache), c);
    commandOf(get->start());
    EXPECT_EQ(responseOf(answerUserRead(*get, {})).status, 404);
    EXPECT_EQ(cache.entries(), 0u);
}

TEST(PatchFromCache, AGroupRenameWritesOnTheCopyAndMembersNeedNoCheck) {
    ServiceConfig c = config();
    DocumentCache cache;
    auto get = exchangeFor(cached(request("GET", "/Groups/g1"), cache), c);
    commandOf(get->start());
    std::vector<FakeReply> record{FakeReply::string(R"({"displayName":"Eng"})"),
                                  FakeReply::string("7"), FakeReply::string("t0"),
                                  FakeReply::string("t1"), FakeReply::integer(0),
                                  FakeReply::integer(0)};
    EXPECT_EQ(responseOf(get->onReply(*FakeReply::array(record))).status, 200);

    auto rename = exchangeFor(
        cached(request("PATCH", "/Groups/g1",
                       R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],)"
                       R"("Operations":[{"op":"replace","path":"displayName","value":"Eng 2"}]})"),
               cache),
        c);
    auto write = commandOf(rename->start());
    ASSERT_EQ(write.script, &store::updateGroupScript());
    EXPECT_EQ(store::updateGroupArgsOf(write).expectedDoc, R"({"displayName":"Eng"})");
    // Stale: the refusal carries the current head, applied to at once.
    auto again = commandOf(rename->onReply(*FakeReply::strings(
        {"precondition", "8", R"({"displayName":"Eng","externalId":"e"})", "8", "t0", "t2"})));
    ASSERT_EQ(again.script, &store::updateGroupScript());
    EXPECT_EQ(store::updateGroupArgsOf(again).expectedDoc, R"({"displayName":"Eng","externalId":"e"})");

    auto add = exchangeFor(
        cached(request("PATCH", "/Groups/g1",
                       R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],)"
                       R"("Operations":[{"op":"add","path":"members","value":[{"value":"u9"}]}]})"),
               cache),
        c);
    auto members = commandOf(add->start());
    ASSERT_EQ(members.script, &store::updateGroupScript());
    EXPECT_EQ(store::updateGroupArgsOf(members).expectedDoc, "");
    EXPECT_EQ(store::updateGroupArgsOf(members).add.size(), 1u);
}
