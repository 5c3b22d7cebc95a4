// The store's reply readers: each script's reply, as the .lua file's
// "Returns" line describes it, read into named fields.
#include <gtest/gtest.h>

#include "fake_reply.hpp"
#include "scim/store/query_scripts.hpp"
#include "scim/store/token_scripts.hpp"
#include "scim/store/user_scripts.hpp"
#include "scim/store/write_outcome.hpp"

namespace store = scim::store;
using Kind = store::WriteOutcome::Kind;

TEST(WriteOutcome, NamesEveryRefusal) {
    EXPECT_EQ(store::readWriteOutcome(*FakeReply::strings({"ok"})).kind, Kind::Ok);
    EXPECT_EQ(store::readWriteOutcome(*FakeReply::strings({"notfound"})).kind, Kind::NotFound);
    EXPECT_EQ(store::readWriteOutcome(*FakeReply::strings({"exists"})).kind, Kind::Exists);

    auto pre = store::readWriteOutcome(*FakeReply::strings({"precondition", "7"}));
    EXPECT_EQ(pre.kind, Kind::Precondition);
    EXPECT_EQ(pre.version, "7");

    auto name = store::readWriteOutcome(*FakeReply::strings({"uniqueness", "u2"}));
    EXPECT_EQ(name.kind, Kind::Uniqueness);
    EXPECT_EQ(name.holder, "u2");
    EXPECT_EQ(name.attribute, "");  // the resource's own unique name
    auto ext = store::readWriteOutcome(
        *FakeReply::strings({"uniqueness", "u2", "urn:x:badge", "B-1"}));
    EXPECT_EQ(ext.attribute, "urn:x:badge");
    EXPECT_EQ(ext.value, "B-1");

    auto claimed = store::readWriteOutcome(*FakeReply::strings({"claimed", "email", "a@x.org"}));
    EXPECT_EQ(claimed.kind, Kind::Claimed);
    EXPECT_EQ(claimed.attribute, "email");
    EXPECT_EQ(claimed.value, "a@x.org");

    for (auto [status, kind] : {std::pair{"nomember", Kind::NoMember}, std::pair{"cycle", Kind::Cycle},
                                std::pair{"toodeep", Kind::TooDeep}}) {
        auto o = store::readWriteOutcome(*FakeReply::strings({status, "g9"}));
        EXPECT_EQ(o.kind, kind) << status;
        EXPECT_EQ(o.member, "g9") << status;
    }
}

TEST(WriteOutcome, ErrorsAndUnknownShapesFail) {
    auto err = store::readWriteOutcome(*FakeReply::error("OOM command not allowed"));
    EXPECT_EQ(err.kind, Kind::Failed);
    EXPECT_EQ(err.error, "OOM command not allowed");
    EXPECT_EQ(store::readWriteOutcome(*FakeReply::strings({"what"})).kind, Kind::Failed);
    EXPECT_EQ(store::readWriteOutcome(*FakeReply::nil()).kind, Kind::Failed);
    EXPECT_EQ(store::readWriteOutcome(*FakeReply::integer(1)).kind, Kind::Failed);
}

TEST(UserReplies, WriteAndReadCarryNamedFields) {
    auto w = store::readUserWriteReply(*FakeReply::strings({"ok", "4", "t1", "t2"}));
    EXPECT_TRUE(w.outcome.ok());
    EXPECT_EQ(w.version, 4u);
    EXPECT_EQ(w.created, "t1");
    EXPECT_EQ(w.lastModified, "t2");

    FakeReply ids = FakeReply::strings({"g1", "g2"});
    FakeReply user = FakeReply::strings({"{}", "3", "t1", "t2"});
    auto r = store::readUserReplies({&*ids, &*user});
    ASSERT_TRUE(r.record);
    EXPECT_EQ(r.record->version, 3u);
    ASSERT_EQ(r.record->groups.size(), 2u);
    EXPECT_EQ(r.record->groups[0].first, "g1");
    EXPECT_EQ(r.record->groups[0].second, "");  // named by the next batch

    // The names: a group deleted in between is left out.
    FakeReply admins = FakeReply::string("Admins");
    FakeReply gone = FakeReply::nil();
    EXPECT_FALSE(store::readGroupNamesReplies({&*gone, &*admins}, r.record->groups));
    ASSERT_EQ(r.record->groups.size(), 1u);
    EXPECT_EQ(r.record->groups[0].first, "g2");
    EXPECT_EQ(r.record->groups[0].second, "Admins");
    FakeReply oom = FakeReply::error("OOM");
    EXPECT_EQ(store::readGroupNamesReplies({&*oom}, r.record->groups), "OOM");
    EXPECT_TRUE(store::readGroupNamesReplies({}, r.record->groups));  // count mismatch

    FakeReply noIds = FakeReply::array({});
    FakeReply nils = FakeReply::array({FakeReply::nil(), FakeReply::nil(), FakeReply::nil(),
                                       FakeReply::nil()});
    auto none = store::readUserReplies({&*noIds, &*nils});
    EXPECT_FALSE(none.record);
    EXPECT_FALSE(none.error);
    FakeReply loading = FakeReply::error("LOADING");
    auto failed = store::readUserReplies({&*loading, &*nils});
    EXPECT_FALSE(failed.record);
    EXPECT_EQ(failed.error, "LOADING");
}

TEST(TokenReplies, RotateAndListCarryNamedFields) {
    auto rotated = store::readTokenWriteReply(*FakeReply::strings({"ok", "okta", "1700"}));
    EXPECT_EQ(rotated.kind, store::TokenWriteOutcome::Kind::Ok);
    EXPECT_EQ(rotated.name, "okta");
    EXPECT_EQ(rotated.oldExpires, "1700");
    EXPECT_EQ(store::readTokenWriteReply(*FakeReply::strings({"revoked"})).kind,
              store::TokenWriteOutcome::Kind::Revoked);

    auto list = store::readTokenList(
        *FakeReply::strings({"0123456789ab", "okta", "1", "0", "0", "0"}));
    ASSERT_TRUE(list.record);
    ASSERT_EQ(list.record->size(), 1u);
    EXPECT_EQ((*list.record)[0].id, "0123456789ab");
    EXPECT_EQ((*list.record)[0].name, "okta");
    EXPECT_EQ((*list.record)[0].revoked, "0");
    EXPECT_TRUE(store::readTokenList(*FakeReply::strings({"a", "b"})).error);
}

TEST(QueryReplies, PagesCarryNoSeqAndNoMemberships) {
    auto page = store::readPageReply(*FakeReply::array(
        {FakeReply::integer(9), FakeReply::string("u1"), FakeReply::string("{}"),
         FakeReply::string("3"), FakeReply::string("t0"), FakeReply::string("t1"),
         FakeReply::string("u2")}));  // a short tail is no record
    EXPECT_EQ(page.total, 9);
    ASSERT_EQ(page.records.size(), 1u);
    EXPECT_EQ(page.records[0].id, "u1");
    EXPECT_FALSE(page.records[0].seq);
    EXPECT_EQ(page.records[0].doc, "{}");
    EXPECT_EQ(page.records[0].version, 3u);
    EXPECT_EQ(page.records[0].created, "t0");
    EXPECT_EQ(page.records[0].lastModified, "t1");
    EXPECT_EQ(page.records[0].memberships, "");
}

TEST(QueryReplies, APageViewPointsIntoTheReply) {
    auto reply = FakeReply::array(
        {FakeReply::integer(9), FakeReply::string("u1"), FakeReply::string("{}"),
         FakeReply::string("3"), FakeReply::string("t0"), FakeReply::string("t1"),
         FakeReply::string("u2"), FakeReply::nil(), FakeReply::nil(), FakeReply::nil(),
         FakeReply::nil(), FakeReply::string("u3")});  // a short tail is no record
    auto page = store::readPageView(*reply);
    EXPECT_FALSE(page.error);
    EXPECT_EQ(page.total, 9);
    ASSERT_EQ(page.records.size(), 2u);
    const auto &r = page.records[0];
    EXPECT_TRUE(r.present);
    EXPECT_EQ(r.id, "u1");
    EXPECT_EQ(r.doc, "{}");
    EXPECT_EQ(r.doc.data(), (*reply).element[2]->str);  // not a copy
    EXPECT_EQ(r.version, 3u);
    EXPECT_EQ(r.created, "t0");
    EXPECT_EQ(r.lastModified, "t1");
    EXPECT_FALSE(page.records[1].present);  // gone
    EXPECT_EQ(store::readPageView(*FakeReply::error("LOADING")).error, "LOADING");
    EXPECT_FALSE(store::readPageView(*FakeReply::array({})).total);
}

// SORT_RO's reply has no head: the total comes from ZCARD.
TEST(QueryReplies, ASortPageViewHasNoHead) {
    auto reply = FakeReply::array(
        {FakeReply::string("u1"), FakeReply::string("{}"), FakeReply::string("3"),
         FakeReply::string("t0"), FakeReply::string("t1"), FakeReply::string("u2"),
         FakeReply::nil(), FakeReply::nil(), FakeReply::nil(), FakeReply::nil()});
    auto page = store::readSortPageView(*reply, 7);
    EXPECT_FALSE(page.error);
    EXPECT_EQ(page.total, 7);
    ASSERT_EQ(page.records.size(), 2u);
    EXPECT_EQ(page.records[0].id, "u1");
    EXPECT_EQ(page.records[0].doc.data(), (*reply).element[1]->str);
    EXPECT_EQ(page.records[0].version, 3u);
    EXPECT_EQ(page.records[0].lastModified, "t1");
    EXPECT_FALSE(page.records[1].present);
    auto error = store::readSortPageView(*FakeReply::error("ERR GET option of SORT denied"), 7);
    EXPECT_TRUE(error.error);
    EXPECT_FALSE(error.total);
    EXPECT_TRUE(store::readSortPageView(*FakeReply::array({}), 0).records.empty());
}

// SORT_RO GET's patterns are the record prefix with `*`; a prefix that
// holds a `*` itself, a `lex` index and an empty page keep the script.
TEST(QueryReplies, SortPagesServePlainIdSets) {
    store::PageRecordsArgs a{"scim:{t}:users", 0, 10, false, "scim:{t}:user:", false};
    EXPECT_TRUE(store::sortPageServes(a));
    auto lex = a;
    lex.lex = true;
    EXPECT_FALSE(store::sortPageServes(lex));
    auto star = a;
    star.recordPrefix = "scim:{a*b}:user:";
    EXPECT_FALSE(store::sortPageServes(star));
    auto empty = a;
    empty.count = 0;
    EXPECT_FALSE(store::sortPageServes(empty));
}

TEST(QueryReplies, ScansSayWhatTheyExamined) {
    auto scan = store::readScanReply(*FakeReply::array(
        {FakeReply::integer(100), FakeReply::integer(500), FakeReply::string("812"),
         FakeReply::string("u1"), FakeReply::integer(4), FakeReply::string("{}"),
         FakeReply::string("2"), FakeReply::string("t0"), FakeReply::string("t1"),
         FakeReply::string("")}));
    EXPECT_EQ(scan.total, 100);
    EXPECT_EQ(scan.examined, 500);
    EXPECT_EQ(scan.lastSeq, 812);
    ASSERT_EQ(scan.records.size(), 1u);
    EXPECT_EQ(scan.records[0].seq, 4);
    EXPECT_EQ(scan.records[0].version, 2u);
    auto none = store::readScanReply(*FakeReply::array(
        {FakeReply::integer(0), FakeReply::integer(0), FakeReply::string("")}));
    EXPECT_EQ(none.examined, 0);
    EXPECT_FALSE(none.lastSeq);  // nothing examined: no sequence
    EXPECT_TRUE(none.records.empty());
    EXPECT_EQ(store::readScanReply(*FakeReply::error("LOADING")).error, "LOADING");
}

TEST(QueryReplies, ScanDocumentsAreIdsAndDocs) {
    auto scan = store::readScanDocumentsReply(*FakeReply::array(
        {FakeReply::integer(100), FakeReply::integer(500), FakeReply::string("812"),
         FakeReply::string("u1"), FakeReply::string("{}"), FakeReply::string("u2"),
         FakeReply::nil()}));
    EXPECT_EQ(scan.total, 100);
    EXPECT_EQ(scan.examined, 500);
    EXPECT_EQ(scan.lastSeq, 812);
    ASSERT_EQ(scan.records.size(), 2u);
    EXPECT_EQ(scan.records[0].id, "u1");
    EXPECT_EQ(scan.records[0].doc, "{}");
    EXPECT_FALSE(scan.records[1].doc);
    EXPECT_EQ(store::readScanDocumentsReply(*FakeReply::error("LOADING")).error, "LOADING");
}

TEST(QueryReplies, RecordsCarryNamedFieldsAndGoneOnesStay) {
    std::vector<FakeReply> items{FakeReply::integer(7),
                                 FakeReply::string("u1"), FakeReply::integer(4),
                                 FakeReply::string("{}"), FakeReply::string("2"),
                                 FakeReply::string("t0"), FakeReply::string("t1"),
                                 FakeReply::string(R"(["g1"])"),
                                 FakeReply::string("u2"), FakeReply::integer(5),
                                 FakeReply::nil(),        FakeReply::nil(),
                                 FakeReply::nil(),        FakeReply::nil(),
                                 FakeReply::string("")};
    auto page = store::readRecordsReply(*FakeReply::array(items));
    EXPECT_FALSE(page.error);
    EXPECT_EQ(page.total, 7);
    EXPECT_FALSE(page.tooMany);
    ASSERT_EQ(page.records.size(), 2u);
    EXPECT_EQ(page.records[0].id, "u1");
    EXPECT_EQ(page.records[0].seq, 4);
    EXPECT_EQ(page.records[0].doc, "{}");
    EXPECT_EQ(page.records[0].version, 2u);
    EXPECT_EQ(page.records[0].lastModified, "t1");
    EXPECT_EQ(page.records[0].memberships, R"(["g1"])");
    EXPECT_EQ(page.records[1].seq, 5);  // a scan still advances past it
    EXPECT_FALSE(page.records[1].doc);  // gone

    EXPECT_TRUE(store::readRecordsReply(*FakeReply::strings({"toomany"})).tooMany);
    EXPECT_EQ(store::readPageReply(*FakeReply::error("LOADING")).error, "LOADING");
    EXPECT_FALSE(store::readRecordsReply(*FakeReply::array({})).total);
    EXPECT_EQ(store::readRecordsReply(*FakeReply::error("LOADING")).error, "LOADING");
}

TEST(UserReplies, ALostReplaceCarriesTheCurrentUserAndAnOkItsGroups) {
    auto lost = store::readUserWriteReply(
        *FakeReply::strings({"precondition", "6", R"({"userName":"a"})", "6", "t0", "t5"}));
    EXPECT_EQ(lost.outcome.kind, Kind::Precondition);
    EXPECT_EQ(lost.outcome.version, "6");
    ASSERT_TRUE(lost.current);
    EXPECT_EQ(lost.current->doc, R"({"userName":"a"})");
    EXPECT_EQ(lost.current->version, 6u);
    EXPECT_EQ(lost.current->created, "t0");
    EXPECT_EQ(lost.current->lastModified, "t5");
    EXPECT_TRUE(lost.current->groups.empty());
    // The older reply (a script of a previous release) has no document.
    auto bare = store::readUserWriteReply(*FakeReply::strings({"precondition", "6"}));
    EXPECT_EQ(bare.outcome.kind, Kind::Precondition);
    EXPECT_FALSE(bare.current);

    auto ok = store::readUserWriteReply(
        *FakeReply::strings({"ok", "7", "t0", "t6", "g1", "Admins", "g2", "Eng"}));
    EXPECT_TRUE(ok.outcome.ok());
    EXPECT_EQ(ok.version, 7u);
    ASSERT_EQ(ok.groups.size(), 2u);
    EXPECT_EQ(ok.groups[1].first, "g2");
    EXPECT_EQ(ok.groups[1].second, "Eng");
    EXPECT_FALSE(ok.current);
}

// scan_records' ARGV: the documents-only flag, then the member probe.
TEST(QueryBuilders, ScanCarriesTheFlagThenProbes) {
    store::ScanRecordsArgs a{"scim:{t}:users", "(41", false, 500, "scim:{t}:user:", true,
                             store::MemberProbe{":members", {"u1", "u2"}}};
    auto c = store::scanRecords(a);
    EXPECT_EQ(c.script, &store::scanRecordsScript());
    EXPECT_EQ(c.numKeys, 1u);
    EXPECT_EQ(c.args[5], "1");  // KEYS[1], then ARGV: bound, direction, batch, prefix, flag
    auto back = store::scanRecordsArgsOf(c);
    EXPECT_EQ(back.orderKey, "scim:{t}:users");
    EXPECT_EQ(back.bound, "(41");
    EXPECT_EQ(back.batch, 500);
    EXPECT_TRUE(back.documentsOnly);
    ASSERT_TRUE(back.probe);
    EXPECT_EQ(back.probe->keySuffix, ":members");
    EXPECT_EQ(back.probe->ids, (std::vector<std::string>{"u1", "u2"}));

    a.documentsOnly = false;
    a.probe.reset();
    auto plain = store::scanRecordsArgsOf(store::scanRecords(a));
    EXPECT_FALSE(plain.documentsOnly);
    EXPECT_FALSE(plain.probe);  // nothing after the flag: no probe
}

// The records a scan kept, one key per id, in the order given.
TEST(QueryBuilders, FetchRecordsNamesEachKey) {
    auto c = store::fetchRecords({"scim:{t}:user:", {"u2", "u1"}});
    EXPECT_EQ(c.script, &store::fetchCandidatesScript());
    EXPECT_EQ(c.numKeys, 2u);
    EXPECT_EQ(c.args[0], "scim:{t}:user:u2");
    EXPECT_EQ(c.args[1], "scim:{t}:user:u1");
    auto back = store::fetchCandidatesArgsOf(c);
    EXPECT_EQ(back.mode, scim::ProbeKind::Id);
    EXPECT_EQ(back.recordPrefix, "scim:{t}:user:");
    EXPECT_TRUE(back.probe.ids.empty());
}
