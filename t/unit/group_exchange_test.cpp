// The Group exchanges driven with canned Redis replies: the scripts they
// call (KEYS and ARGV) and what they answer, without nginx or Redis.
#include <gtest/gtest.h>

#include "exchange_support.hpp"
#include "fake_reply.hpp"
#include "scim/service/service.hpp"
#include "scim/store/group_scripts.hpp"
#include "scim/store/query_scripts.hpp"

using namespace scim;
using namespace exchange_test;

namespace {

constexpr const char *kPatchOp = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],)";
constexpr const char *kTruncatedUrn = "urn:ngx-scim:params:scim:schemas:extension:2.0:GroupMembers";

// A group write command has the 11 KEYS of store::groupWriteKeys.
constexpr size_t kKeys = 11;

using Adds = std::vector<store::MemberAdd>;
using Ids = std::vector<std::string>;

std::string scimType(const Response &r) {
    JsonDoc d = bodyOf(r);
    return d.IsObject() && d.HasMember("scimType") ? d["scimType"].GetString() : "";
}

// A group record: doc, version, created, lastModified, member total, n,
// then the members as (id, stored JSON) pairs.
std::vector<FakeReply> record(const char *doc, const char *version, long long total,
                              std::vector<std::pair<std::string, std::string>> members = {}) {
    std::vector<FakeReply> r{FakeReply::string(doc), FakeReply::string(version),
                             FakeReply::string("t0"), FakeReply::string("t1"),
                             FakeReply::integer(total),
                             FakeReply::integer(static_cast<long long>(members.size()))};
    for (auto &[id, json] : members) {
        r.push_back(FakeReply::string(id));
        r.push_back(FakeReply::string(json));
    }
    return r;
}

FakeReply okRecord(const char *doc, const char *version, long long total,
                   std::vector<std::pair<std::string, std::string>> members = {}) {
    std::vector<FakeReply> r{FakeReply::string("ok")};
    for (FakeReply &f : record(doc, version, total, std::move(members))) r.push_back(f);
    return FakeReply::array(std::move(r));
}

bool mentionsMembersKey(const store::Command &c) {
    for (const std::string &a : c.args) {
        if (a.find(":members") != std::string::npos) return true;
    }
    return false;
}

}  // namespace

TEST(CreateGroup, SendsOneScriptWithTheMembersAndTenantKeys) {
    ServiceConfig c = config();
    auto ex = exchangeFor(
        request("POST", "/Groups",
                R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group",
                               "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
                    "displayName":"Eng","externalId":"x1",
                    "members":[{"value":"u1","display":"Ann"},{"value":"u2","$ref":null},
                               {"value":"u1","display":"Ann B"}]})"),
        c);
    auto cmd = commandOf(ex->start());
    EXPECT_EQ(cmd.script, &store::createGroupScript());
    ASSERT_EQ(cmd.numKeys, kKeys);
    std::string id = store::createGroupArgsOf(cmd).group.id;
    EXPECT_EQ(cmd.args[0], "scim:{acme}:group:" + id);
    EXPECT_EQ(cmd.args[1], "scim:{acme}:group:" + id + ":members");
    EXPECT_EQ(cmd.args[2], "scim:{acme}:groups:by-name");
    EXPECT_EQ(cmd.args[3], "scim:{acme}:groups");
    EXPECT_EQ(cmd.args[4], "scim:{acme}:seq");
    EXPECT_EQ(cmd.args[5], "scim:{acme}:events");
    EXPECT_EQ(cmd.args[6], "scim:{acme}:groups:idx:displayName");
    EXPECT_EQ(cmd.args[7], "scim:{acme}:groups:idx:externalId");
    EXPECT_EQ(cmd.args[10], "scim:{acme}:memberof:" + id);
    // The document holds neither members nor schemas.
    EXPECT_EQ(store::createGroupArgsOf(cmd).group.doc, R"({"externalId":"x1","displayName":"Eng"})");
    EXPECT_EQ(store::createGroupArgsOf(cmd).group.displayName, "Eng");
    EXPECT_EQ(store::createGroupArgsOf(cmd).group.indexEntries, "[[0,\"eng\\u0000" + id + "\"],[1,\"x1\\u0000" + id + "\"]]");
    // A member listed twice is added once, with the last display.
    EXPECT_EQ(store::createGroupArgsOf(cmd).members, (Adds{{"u1", "Ann B"}, {"u2", ""}}));
    EXPECT_EQ(store::createGroupArgsOf(cmd).stamp.nowMillis, 1795873458123LL);
    EXPECT_EQ(store::createGroupArgsOf(cmd).stamp.token, "okta");
    EXPECT_TRUE(store::createGroupArgsOf(cmd).uniqueDisplayName);
    EXPECT_EQ(store::createGroupArgsOf(cmd).memberCap, 10000);

    auto r = responseOf(ex->onReply(*okRecord(
        R"({"externalId":"x1","displayName":"Eng"})", "1", 2,
        {{"u1", R"({"type":"User","display":"Ann B"})"}, {"g9", R"({"type":"Group","display":""})"}})));
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(header(r, "Location"), "https://idp.example.com/scim/v2/Groups/" + id);
    EXPECT_EQ(header(r, "ETag"), "W/\"1\"");
    JsonDoc d = bodyOf(r);
    ASSERT_EQ(d["schemas"].Size(), 1u);  // the Entra URN is not echoed
    EXPECT_STREQ(d["schemas"][0].GetString(), "urn:ietf:params:scim:schemas:core:2.0:Group");
    EXPECT_STREQ(d["displayName"].GetString(), "Eng");
    ASSERT_EQ(d["members"].Size(), 2u);
    EXPECT_STREQ(d["members"][0]["value"].GetString(), "u1");
    EXPECT_STREQ(d["members"][0]["$ref"].GetString(), "https://idp.example.com/scim/v2/Users/u1");
    EXPECT_STREQ(d["members"][0]["display"].GetString(), "Ann B");
    EXPECT_STREQ(d["members"][0]["type"].GetString(), "User");
    EXPECT_STREQ(d["members"][1]["$ref"].GetString(), "https://idp.example.com/scim/v2/Groups/g9");
    EXPECT_FALSE(d["members"][1].HasMember("display"));
    EXPECT_STREQ(d["meta"]["location"].GetString(), header(r, "Location").c_str());
    EXPECT_FALSE(d.HasMember(kTruncatedUrn));
}

TEST(CreateGroup, OktaEmptyMembersAndTheUniquenessSwitch) {
    ServiceConfig c = config();
    c.groupDisplayNameUnique = false;
    auto ex = exchangeFor(request("POST", "/Groups", R"({"displayName":"Eng","members":[]})"), c);
    auto cmd = commandOf(ex->start());
    EXPECT_EQ(store::createGroupArgsOf(cmd).members, (Adds{}));
    EXPECT_FALSE(store::createGroupArgsOf(cmd).uniqueDisplayName);
    auto r = responseOf(ex->onReply(*okRecord(R"({"displayName":"Eng"})", "1", 0)));
    EXPECT_EQ(r.status, 201);
    EXPECT_FALSE(bodyOf(r).HasMember("members"));
}

TEST(CreateGroup, RefusalsFromTheScript) {
    ServiceConfig c = config();
    struct Case {
        std::vector<const char *> reply;
        int status;
        const char *scimType;
        const char *inDetail;
    } cases[] = {
        {{"uniqueness", "g-other"}, 409, "uniqueness", "Eng"},
        {{"nomember", "ghost"}, 400, "invalidValue", "ghost"},
        {{"cycle", "g2"}, 400, "invalidValue", "cycle"},
        {{"toodeep", "g2"}, 400, "invalidValue", "g2"},
    };
    for (const Case &k : cases) {
        auto ex = exchangeFor(request("POST", "/Groups", R"({"displayName":"Eng"})"), c);
        ex->start();
        std::vector<FakeReply> items;
        for (const char *s : k.reply) items.push_back(FakeReply::string(s));
        auto r = responseOf(ex->onReply(*FakeReply::array(items)));
        EXPECT_EQ(r.status, k.status) << k.reply[0];
        EXPECT_EQ(scimType(r), k.scimType) << k.reply[0];
        EXPECT_NE(bodyOf(r)["detail"].GetString() + std::string(), "") << k.reply[0];
        EXPECT_NE(std::string(bodyOf(r)["detail"].GetString()).find(k.inDetail), std::string::npos)
            << r.body;
    }
    auto failed = exchangeFor(request("POST", "/Groups", R"({"displayName":"Eng"})"), c);
    failed->start();
    EXPECT_EQ(responseOf(failed->onReply(*FakeReply::error("OOM"))).status, 503);
}

TEST(CreateGroup, BadInputIsRefusedBeforeAnyRedisCall) {
    ServiceConfig c = config();
    const char *bodies[] = {
        "{}",
        R"({"displayName":""})",
        R"({"displayName":7})",
        R"({"displayName":"a","members":[{"display":"no value"}]})",
        R"({"displayName":"a","members":[{"value":5}]})",
        "[1]",
    };
    for (const char *body : bodies) {
        auto r = responseOf(exchangeFor(request("POST", "/Groups", body), c)->start());
        EXPECT_EQ(r.status, 400) << body;
    }
}

TEST(GetGroup, ExcludedMembersNeverTouchTheMemberHash) {
    ServiceConfig c = config();
    Request req = request("GET", "/Groups/g1");
    req.query = "excludedAttributes=members";
    auto ex = exchangeFor(req, c);
    auto cmd = commandOf(ex->start());
    EXPECT_EQ(cmd.script, nullptr);
    EXPECT_EQ(cmd.args, (std::vector<std::string>{"HMGET", "scim:{acme}:group:g1", "doc", "version",
                                                  "created", "lastModified"}));
    EXPECT_FALSE(mentionsMembersKey(cmd));
    auto r = responseOf(ex->onReply(*FakeReply::strings({R"({"displayName":"Eng"})", "4", "t0", "t1"})));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(header(r, "ETag"), "W/\"4\"");
    JsonDoc d = bodyOf(r);
    EXPECT_STREQ(d["displayName"].GetString(), "Eng");
    EXPECT_FALSE(d.HasMember("members"));

    // attributes that do not name members skip them too.
    Request named = request("GET", "/Groups/g1");
    named.query = "attributes=displayName";
    EXPECT_EQ(commandOf(exchangeFor(named, c)->start()).script, nullptr);
}

TEST(GetGroup, ReadsABoundedMemberListAndFlagsTruncation) {
    ServiceConfig c = config();
    c.maxMembersReturned = 2;
    auto ex = exchangeFor(request("GET", "/Groups/g1"), c);
    auto cmd = commandOf(ex->start());
    EXPECT_EQ(cmd.script, &store::readGroupScript());
    EXPECT_EQ(cmd.args, (std::vector<std::string>{"scim:{acme}:group:g1", "2"}));
    auto r = responseOf(ex->onReply(*FakeReply::array(record(
        R"({"displayName":"Big"})", "9", 100000,
        {{"u1", R"({"type":"User","display":"a"})"}, {"u2", R"({"type":"User","display":"b"})"}}))));
    ASSERT_EQ(r.status, 200);
    JsonDoc d = bodyOf(r);
    EXPECT_EQ(d["members"].Size(), 2u);
    ASSERT_EQ(d["schemas"].Size(), 2u);
    EXPECT_STREQ(d["schemas"][1].GetString(), kTruncatedUrn);
    ASSERT_TRUE(d.HasMember(kTruncatedUrn));
    EXPECT_TRUE(d[kTruncatedUrn]["membersTruncated"].GetBool());
    EXPECT_EQ(d[kTruncatedUrn]["memberCount"].GetInt(), 100000);
    // meta stays last.
    EXPECT_STREQ((d.MemberEnd() - 1)->name.GetString(), "meta");
}

TEST(GetGroup, ProjectsMemberSubAttributes) {
    ServiceConfig c = config();
    Request req = request("GET", "/Groups/g1");
    req.query = "excludedAttributes=members.display,externalId";
    auto ex = exchangeFor(req, c);
    EXPECT_EQ(commandOf(ex->start()).script, &store::readGroupScript());
    auto r = responseOf(ex->onReply(*FakeReply::array(record(
        R"({"displayName":"Eng","externalId":"x"})", "1", 1, {{"u1", R"({"type":"User","display":"a"})"}}))));
    JsonDoc d = bodyOf(r);
    EXPECT_FALSE(d.HasMember("externalId"));
    EXPECT_FALSE(d["members"][0].HasMember("display"));
    EXPECT_STREQ(d["members"][0]["value"].GetString(), "u1");
}

TEST(GetGroup, MissingIs404AndIfNoneMatchIs304) {
    ServiceConfig c = config();
    auto ex = exchangeFor(request("GET", "/Groups/nope"), c);
    ex->start();
    auto r = responseOf(ex->onReply(*FakeReply::array({})));
    EXPECT_EQ(r.status, 404);

    Request req = request("GET", "/Groups/g1");
    req.ifNoneMatch = "W/\"3\"";
    auto cached = exchangeFor(req, c);
    cached->start();
    auto r304 = responseOf(cached->onReply(*FakeReply::array(record(R"({"displayName":"a"})", "3", 0))));
    EXPECT_EQ(r304.status, 304);
    EXPECT_TRUE(r304.body.empty());
}

TEST(ReplaceGroup, ReplacesMembersAsOneDiffAndHonoursIfMatch) {
    ServiceConfig c = config();
    Request req = request("PUT", "/Groups/g1",
                          R"({"id":"g1","displayName":"Eng","members":[{"value":"u3"}]})");
    req.ifMatch = "W/\"4\"";
    auto ex = exchangeFor(req, c);
    auto cmd = commandOf(ex->start());
    EXPECT_EQ(cmd.script, &store::updateGroupScript());
    EXPECT_EQ(cmd.args[0], "scim:{acme}:group:g1");
    EXPECT_EQ(store::updateGroupArgsOf(cmd).group.id, "g1");
    EXPECT_EQ(store::updateGroupArgsOf(cmd).expectedVersion, "4");
    EXPECT_EQ(store::updateGroupArgsOf(cmd).group.doc, R"({"displayName":"Eng"})");
    EXPECT_TRUE(store::updateGroupArgsOf(cmd).replaceMembers);
    EXPECT_EQ(store::updateGroupArgsOf(cmd).add, (Adds{{"u3", ""}}));
    EXPECT_TRUE(store::updateGroupArgsOf(cmd).remove.empty());
    EXPECT_EQ(store::updateGroupArgsOf(cmd).expectedDoc, "");
    auto r412 = responseOf(ex->onReply(*FakeReply::strings({"precondition", "5"})));
    EXPECT_EQ(r412.status, 412);

    auto ok = exchangeFor(request("PUT", "/Groups/g1", R"({"displayName":"Eng"})"), c);
    EXPECT_EQ(store::updateGroupArgsOf(commandOf(ok->start())).expectedVersion, "");
    auto r = responseOf(ok->onReply(*okRecord(R"({"displayName":"Eng"})", "5", 0)));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(header(r, "ETag"), "W/\"5\"");

    auto gone = exchangeFor(request("PUT", "/Groups/g1", R"({"displayName":"Eng"})"), c);
    gone->start();
    EXPECT_EQ(responseOf(gone->onReply(*FakeReply::strings({"notfound"}))).status, 404);
}

TEST(PatchGroup, MembershipChangesAreDeltasWithoutAVersionCheck) {
    ServiceConfig c = config();
    auto ex = exchangeFor(
        request("PATCH", "/Groups/g1",
                std::string(kPatchOp) +
                    R"("Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"u1"},{"value":"u2","display":"Bo"}]},
                                     {"op":"remove","path":"members[value eq \"u9\"]"},
                                     {"op":"Remove","path":"members","value":[{"value":"u8"}]}]})"),
        c);
    auto read = commandOf(ex->start());
    EXPECT_EQ(read.args, (std::vector<std::string>{"HMGET", "scim:{acme}:group:g1", "doc", "version",
                                                   "created", "lastModified"}));
    EXPECT_FALSE(mentionsMembersKey(read));
    auto write = commandOf(
        ex->onReply(*FakeReply::strings({R"({"displayName":"Eng"})", "7", "t0", "t1"})));
    EXPECT_EQ(write.script, &store::updateGroupScript());
    EXPECT_EQ(store::updateGroupArgsOf(write).expectedVersion, "");     // a pure delta applies to any version
    EXPECT_EQ(store::updateGroupArgsOf(write).expectedDoc, "");  // and to any document
    EXPECT_EQ(store::updateGroupArgsOf(write).group.doc, "");          // the document is kept
    EXPECT_FALSE(store::updateGroupArgsOf(write).replaceMembers);
    EXPECT_EQ(store::updateGroupArgsOf(write).add, (Adds{{"u1", ""}, {"u2", "Bo"}}));
    EXPECT_EQ(store::updateGroupArgsOf(write).remove, (Ids{"u9", "u8"}));
    EXPECT_EQ(store::updateGroupArgsOf(write).memberCap, -1);  // 204: the reply needs no members
    auto r = responseOf(ex->onReply(*okRecord(R"({"displayName":"Eng"})", "8", -1)));
    EXPECT_EQ(r.status, 204);  // groups default to 204
    EXPECT_EQ(header(r, "ETag"), "W/\"8\"");
    EXPECT_TRUE(r.body.empty());
}

TEST(PatchGroup, OktaRenameWritesOnTheDocumentReadAndRetriesAConflict) {
    ServiceConfig c = config();
    auto ex = exchangeFor(
        request("PATCH", "/Groups/g1",
                std::string(kPatchOp) +
                    R"("Operations":[{"op":"replace","value":{"id":"g1","displayName":"Eng 2"}}]})"),
        c);
    ex->start();
    auto write = commandOf(
        ex->onReply(*FakeReply::strings({R"({"displayName":"Eng"})", "7", "t0", "t1"})));
    EXPECT_EQ(store::updateGroupArgsOf(write).expectedVersion, "");
    EXPECT_EQ(store::updateGroupArgsOf(write).expectedDoc, R"({"displayName":"Eng"})");
    EXPECT_EQ(store::updateGroupArgsOf(write).group.doc, R"({"displayName":"Eng 2"})");
    EXPECT_EQ(store::updateGroupArgsOf(write).group.displayName, "Eng 2");
    EXPECT_EQ(store::updateGroupArgsOf(write).add, (Adds{}));
    // Someone wrote in between: read again, apply again.
    auto reread = commandOf(ex->onReply(*FakeReply::strings({"precondition", "8"})));
    EXPECT_EQ(reread.args[0], "HMGET");
    auto again = commandOf(
        ex->onReply(*FakeReply::strings({R"({"displayName":"Eng","externalId":"e"})", "8", "t0", "t1"})));
    EXPECT_EQ(store::updateGroupArgsOf(again).expectedDoc, R"({"displayName":"Eng","externalId":"e"})");
    EXPECT_EQ(store::updateGroupArgsOf(again).group.doc, R"({"externalId":"e","displayName":"Eng 2"})");
    auto r = responseOf(ex->onReply(*okRecord(R"({"displayName":"Eng 2"})", "9", -1)));
    EXPECT_EQ(r.status, 204);
}

TEST(PatchGroup, ReplaceOfAllMembersClearsFirst) {
    ServiceConfig c = config();
    auto ex = exchangeFor(
        request("PATCH", "/Groups/g1",
                std::string(kPatchOp) +
                    R"("Operations":[{"op":"replace","path":"members","value":[{"value":"u5"}]}]})"),
        c);
    ex->start();
    auto write = commandOf(ex->onReply(*FakeReply::strings({R"({"displayName":"E"})", "2", "t", "t"})));
    EXPECT_TRUE(store::updateGroupArgsOf(write).replaceMembers);
    EXPECT_EQ(store::updateGroupArgsOf(write).add, (Adds{{"u5", ""}}));
}

TEST(PatchGroup, AnswersTheResourceWhenAskedAndRefusesBadOperations) {
    ServiceConfig c = config();
    Request req = request("PATCH", "/Groups/g1",
                          std::string(kPatchOp) +
                              R"("Operations":[{"op":"add","path":"members","value":[{"value":"u1"}]}]})");
    req.prefer = "return=representation";
    auto ex = exchangeFor(req, c);
    ex->start();
    auto write = commandOf(ex->onReply(*FakeReply::strings({R"({"displayName":"E"})", "2", "t", "t"})));
    EXPECT_EQ(store::updateGroupArgsOf(write).memberCap, 10000);
    auto r = responseOf(ex->onReply(
        *okRecord(R"({"displayName":"E"})", "3", 1, {{"u1", R"({"type":"User","display":"a"})"}})));
    EXPECT_EQ(r.status, 200);
    EXPECT_STREQ(bodyOf(r)["members"][0]["value"].GetString(), "u1");

    ServiceConfig resource = config();
    resource.patchResponse = PatchResponse::Resource;
    auto configured = exchangeFor(request("PATCH", "/Groups/g1", req.body), resource);
    configured->start();
    auto configuredWrite =
        commandOf(configured->onReply(*FakeReply::strings({R"({"displayName":"E"})", "2", "t", "t"})));
    EXPECT_EQ(store::updateGroupArgsOf(configuredWrite).memberCap, 10000);

    auto bad = exchangeFor(
        request("PATCH", "/Groups/g1",
                std::string(kPatchOp) + R"("Operations":[{"op":"replace","path":"id","value":"x"}]})"),
        c);
    bad->start();
    auto refused = responseOf(bad->onReply(*FakeReply::strings({R"({"displayName":"E"})", "2", "t", "t"})));
    EXPECT_EQ(refused.status, 400);
    EXPECT_EQ(scimType(refused), "mutability");

    auto nameless = exchangeFor(
        request("PATCH", "/Groups/g1",
                std::string(kPatchOp) + R"("Operations":[{"op":"remove","path":"displayName"}]})"),
        c);
    nameless->start();
    auto r2 = responseOf(nameless->onReply(*FakeReply::strings({R"({"displayName":"E"})", "2", "t", "t"})));
    EXPECT_EQ(r2.status, 400);
}

TEST(PatchGroup, NothingToChangeWritesNothing) {
    ServiceConfig c = config();
    auto ex = exchangeFor(
        request("PATCH", "/Groups/g1",
                std::string(kPatchOp) + R"("Operations":[{"op":"add","path":"members","value":[]}]})"),
        c);
    ex->start();
    auto r = responseOf(ex->onReply(*FakeReply::strings({R"({"displayName":"E"})", "2", "t", "t"})));
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(header(r, "ETag"), "W/\"2\"");
}

TEST(PatchGroup, IfMatchIsCheckedAndPassedOn) {
    ServiceConfig c = config();
    std::string body = std::string(kPatchOp) +
                       R"("Operations":[{"op":"add","path":"members","value":[{"value":"u1"}]}]})";
    Request stale = request("PATCH", "/Groups/g1", body);
    stale.ifMatch = "W/\"1\"";
    auto ex = exchangeFor(stale, c);
    ex->start();
    EXPECT_EQ(responseOf(ex->onReply(*FakeReply::strings({R"({"displayName":"E"})", "2", "t", "t"}))).status,
              412);

    Request current = request("PATCH", "/Groups/g1", body);
    current.ifMatch = "W/\"2\"";
    auto ex2 = exchangeFor(current, c);
    ex2->start();
    auto write = commandOf(ex2->onReply(*FakeReply::strings({R"({"displayName":"E"})", "2", "t", "t"})));
    EXPECT_EQ(store::updateGroupArgsOf(write).expectedVersion, "2");
    // With If-Match, a conflict is the client's to resolve: no retry.
    EXPECT_EQ(responseOf(ex2->onReply(*FakeReply::strings({"precondition", "3"}))).status, 412);

    auto missing = exchangeFor(request("PATCH", "/Groups/nope", body), c);
    missing->start();
    std::vector<FakeReply> nils(4, FakeReply::nil());
    EXPECT_EQ(responseOf(missing->onReply(*FakeReply::array(nils))).status, 404);
}

TEST(DeleteGroup, OneScriptThen204Or404Or412) {
    ServiceConfig c = config();
    Request req = request("DELETE", "/Groups/g1");
    req.ifMatch = "W/\"3\"";
    auto ex = exchangeFor(req, c);
    auto cmd = commandOf(ex->start());
    EXPECT_EQ(cmd.script, &store::deleteGroupScript());
    ASSERT_EQ(cmd.numKeys, kKeys);
    EXPECT_EQ(cmd.args[10], "scim:{acme}:memberof:g1");
    auto args = store::deleteGroupArgsOf(cmd);
    EXPECT_EQ(args.id, "g1");
    EXPECT_EQ(args.expectedVersion, "3");
    auto r = responseOf(ex->onReply(*FakeReply::strings({"ok"})));
    EXPECT_EQ(r.status, 204);
    EXPECT_TRUE(r.body.empty());

    auto gone = exchangeFor(request("DELETE", "/Groups/g1"), c);
    gone->start();
    EXPECT_EQ(responseOf(gone->onReply(*FakeReply::strings({"notfound"}))).status, 404);
    auto stale = exchangeFor(request("DELETE", "/Groups/g1"), c);
    stale->start();
    EXPECT_EQ(responseOf(stale->onReply(*FakeReply::strings({"precondition", "4"}))).status, 412);
}

namespace {

// The query engine's page reply: total, then id, doc, version, created,
// lastModified per group.
FakeReply groupPage(std::vector<std::pair<const char *, const char *>> groups) {
    std::vector<FakeReply> items{FakeReply::integer(static_cast<long long>(groups.size()))};
    for (auto &[id, doc] : groups) {
        items.push_back(FakeReply::string(id));
        items.push_back(FakeReply::string(doc));
        items.push_back(FakeReply::string("1"));
        items.push_back(FakeReply::string("t"));
        items.push_back(FakeReply::string("t"));
    }
    return FakeReply::array(std::move(items));
}

}  // namespace

TEST(ListGroups, PagesThroughTheQueryEngineThenAddsBoundedMembers) {
    ServiceConfig c = config();
    c.maxMembersReturned = 1;
    auto ex = exchangeFor(request("GET", "/Groups"), c);
    auto page = commandOf(ex->start());
    EXPECT_EQ(page.script, &store::pageRecordsScript());
    EXPECT_EQ(store::pageRecordsArgsOf(page).orderKey, "scim:{acme}:groups");
    auto members = commandOf(ex->onReply(
        *groupPage({{"g1", R"({"displayName":"A"})"}, {"g2", R"({"displayName":"B"})"}})));
    EXPECT_EQ(members.script, &store::readGroupMembersScript());
    EXPECT_EQ(members.numKeys, 1u);
    EXPECT_EQ(members.args[0], "scim:{acme}:groups");  // KEYS: the tenant's slot
    auto asked = store::readGroupMembersArgsOf(members);
    EXPECT_EQ(asked.memberCap, 1);
    EXPECT_EQ(asked.ids, (Ids{"g1", "g2"}));
    std::vector<FakeReply> lists{FakeReply::integer(2), FakeReply::integer(1),
                                 FakeReply::string("u1"), FakeReply::string(R"({"type":"User","display":"a"})"),
                                 FakeReply::integer(0), FakeReply::integer(0)};
    auto r = responseOf(ex->onReply(*FakeReply::array(lists)));
    ASSERT_EQ(r.status, 200);
    JsonDoc d = bodyOf(r);
    EXPECT_EQ(d["totalResults"].GetInt(), 2);
    const Json &g1 = d["Resources"][0];
    EXPECT_STREQ(g1["members"][0]["value"].GetString(), "u1");
    EXPECT_TRUE(g1[kTruncatedUrn]["membersTruncated"].GetBool());
    EXPECT_FALSE(d["Resources"][1].HasMember("members"));
}

TEST(ListGroups, EntraMatchingNeedsOneRoundTrip) {
    ServiceConfig c = config();
    Request req = request("GET", "/Groups");
    req.query = "excludedAttributes=members&filter=displayName%20eq%20%22Sales%22";
    auto ex = exchangeFor(req, c);
    auto probe = commandOf(ex->start());
    EXPECT_EQ(probe.script, &store::fetchCandidatesScript());
    EXPECT_EQ(store::fetchCandidatesArgsOf(probe).indexKey, "scim:{acme}:groups:idx:displayName");
    std::vector<FakeReply> none{FakeReply::string("ok")};
    auto r = responseOf(ex->onReply(*FakeReply::array(none)));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(bodyOf(r)["totalResults"].GetInt(), 0);
}

TEST(Discovery, GroupDisplayNameUniquenessFollowsTheDirective) {
    auto uniquenessOf = [](const ServiceConfig &c) {
        auto r = responseOf(
            exchangeFor(request("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group"), c)
                ->start());
        JsonDoc d = bodyOf(r);
        return std::string(d["attributes"][0]["uniqueness"].GetString());
    };
    ServiceConfig c = config();
    EXPECT_EQ(uniquenessOf(c), "server");
    c.groupDisplayNameUnique = false;
    EXPECT_EQ(uniquenessOf(c), "none");
}
