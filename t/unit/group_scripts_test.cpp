// The typed group script calls: builders and their `*ArgsOf` decoders agree
// field by field, the builders add what the scripts derive (lowercased
// names, key prefixes), and the readers name every reply field.
#include <gtest/gtest.h>

#include "fake_reply.hpp"
#include "scim/store/group_scripts.hpp"

using namespace scim;

namespace {

const store::KeySpace kKeys("scim:", "acme");
const store::WriteStamp kStamp{"2026-11-28T13:44:18.123Z", 1795873458123LL, "okta", 500};

// The ARGV of a script call, after its KEYS.
std::vector<std::string> argvOf(const store::Command &c) {
    return {c.args.begin() + static_cast<long>(c.numKeys), c.args.end()};
}

bool carries(const store::Command &c, const std::string &value) {
    auto argv = argvOf(c);
    return std::find(argv.begin(), argv.end(), value) != argv.end();
}

}  // namespace

TEST(GroupScripts, CreateAndUpdateArgumentsComeBackByName) {
    store::CreateGroupArgs create{{"g1", R"({"displayName":"Eng"})", "Eng", "[]"},
                                  {{"u1", "Ann"}},
                                  true,
                                  25,
                                  kStamp,
                                  "{}"};
    auto cmd = store::createGroup(kKeys, create);
    EXPECT_EQ(cmd.script, &store::createGroupScript());
    EXPECT_EQ(cmd.args[0], "scim:{acme}:group:g1");
    auto back = store::createGroupArgsOf(cmd);
    EXPECT_EQ(back.group.id, "g1");
    EXPECT_EQ(back.group.doc, create.group.doc);
    EXPECT_EQ(back.group.displayName, "Eng");
    EXPECT_EQ(back.members, create.members);
    EXPECT_TRUE(back.uniqueDisplayName);
    EXPECT_EQ(back.memberCap, 25);
    EXPECT_EQ(back.stamp.time, kStamp.time);
    EXPECT_EQ(back.stamp.nowMillis, kStamp.nowMillis);
    EXPECT_EQ(back.stamp.token, "okta");
    EXPECT_EQ(back.stamp.eventsMaxLen, 500);
    EXPECT_EQ(back.roleContext, "{}");
    // What the script derives is placed by the builder.
    EXPECT_TRUE(carries(cmd, "eng"));
    EXPECT_TRUE(carries(cmd, "scim:{acme}:user:"));
    EXPECT_TRUE(carries(cmd, "scim:{acme}:group:"));
    EXPECT_TRUE(carries(cmd, "scim:{acme}:memberof:"));

    store::UpdateGroupArgs update;
    update.group = {"g1", "", "", "[]"};
    update.expectedVersion = "4";
    update.expectedDoc = R"({"displayName":"Old"})";
    update.add = {{"u2", ""}};
    update.remove = {"u9", "u8"};
    update.stamp = kStamp;
    auto u = store::updateGroupArgsOf(store::updateGroup(kKeys, update));
    EXPECT_EQ(u.group.doc, "");
    EXPECT_EQ(u.group.indexEntries, "[]");
    EXPECT_EQ(u.expectedVersion, "4");
    EXPECT_EQ(u.expectedDoc, update.expectedDoc);
    EXPECT_FALSE(u.replaceMembers);
    EXPECT_EQ(u.add, update.add);
    EXPECT_EQ(u.remove, update.remove);
    EXPECT_EQ(u.memberCap, -1);
}

TEST(GroupScripts, DeleteEnsureAndMemberReadsComeBackByName) {
    auto del = store::deleteGroup(kKeys, {"g1", "3", kStamp, "{}"});
    EXPECT_EQ(del.script, &store::deleteGroupScript());
    auto d = store::deleteGroupArgsOf(del);
    EXPECT_EQ(d.id, "g1");
    EXPECT_EQ(d.expectedVersion, "3");
    EXPECT_EQ(d.stamp.token, "okta");
    EXPECT_TRUE(carries(del, "scim:{acme}:memberof:"));

    auto ensure = store::ensureSyntheticGroups(
        kKeys, {{{"s1", "Admins", "[]", "{}"}, {"s2", "Staff", "[]", "{}"}}, kStamp});
    EXPECT_EQ(ensure.args[0], "scim:{acme}:group:s1");
    auto e = store::ensureSyntheticGroupsArgsOf(ensure);
    ASSERT_EQ(e.groups.size(), 2u);
    EXPECT_EQ(e.groups[1].id, "s2");
    EXPECT_EQ(e.groups[1].displayName, "Staff");
    EXPECT_EQ(e.stamp.time, kStamp.time);
    EXPECT_EQ(e.stamp.token, "");  // not sent

    auto members = store::readGroupMembersArgsOf(store::readGroupMembers(kKeys, 7, {"g1", "g2"}));
    EXPECT_EQ(members.memberCap, 7);
    EXPECT_EQ(members.ids, (std::vector<std::string>{"g1", "g2"}));
}

TEST(GroupReplies, RecordsMembersAndWritesCarryNamedFields) {
    std::vector<FakeReply> record{FakeReply::string("ok"),         FakeReply::string("{}"),
                                  FakeReply::string("5"),          FakeReply::string("t0"),
                                  FakeReply::string("t1"),         FakeReply::integer(3),
                                  FakeReply::integer(1),           FakeReply::string("g9"),
                                  FakeReply::string(R"({"type":"Group","display":"Ops"})")};
    auto w = store::readGroupWriteReply(*FakeReply::array(record));
    ASSERT_TRUE(w.outcome.ok());
    EXPECT_EQ(w.group.version, 5u);
    EXPECT_EQ(w.group.lastModified, "t1");
    EXPECT_EQ(w.group.members.total, 3);
    ASSERT_EQ(w.group.members.members.size(), 1u);
    EXPECT_EQ(w.group.members.members[0].id, "g9");
    EXPECT_EQ(w.group.members.members[0].type, "Group");
    EXPECT_EQ(w.group.members.members[0].display, "Ops");

    record.pop_back();  // n says 1 pair, the reply holds half of one
    auto malformed = store::readGroupWriteReply(*FakeReply::array(record));
    EXPECT_EQ(malformed.outcome.kind, store::WriteOutcome::Kind::Failed);

    auto head = store::readGroupHeadReply(*FakeReply::strings({"{}", "2", "t0", "t1"}));
    ASSERT_TRUE(head.record);
    EXPECT_EQ(head.record->version, 2u);
    EXPECT_EQ(head.record->members.total, -1);  // not read
    std::vector<FakeReply> nils(4, FakeReply::nil());
    EXPECT_FALSE(store::readGroupHeadReply(*FakeReply::array(nils)).record);
    EXPECT_FALSE(store::readGroupReply(*FakeReply::array({})).record);
    EXPECT_EQ(store::readGroupReply(*FakeReply::error("LOADING")).error, "LOADING");

    std::vector<FakeReply> lists{FakeReply::integer(0), FakeReply::integer(0),
                                 FakeReply::integer(-1), FakeReply::integer(0)};
    auto read = store::readGroupMembersReply(*FakeReply::array(lists));
    ASSERT_TRUE(read.record);
    ASSERT_EQ(read.record->size(), 2u);
    EXPECT_EQ((*read.record)[1].total, -1);
    lists.push_back(FakeReply::integer(1));  // a count with no pairs
    EXPECT_EQ(store::readGroupMembersReply(*FakeReply::array(lists)).error,
              "malformed member list");
}

TEST(GroupReplies, ALostUpdateCarriesTheCurrentHead) {
    auto lost = store::readGroupWriteReply(*FakeReply::strings(
        {"precondition", "9", R"({"displayName":"Eng"})", "9", "t0", "t8"}));
    EXPECT_EQ(lost.outcome.kind, store::WriteOutcome::Kind::Precondition);
    ASSERT_TRUE(lost.current);
    EXPECT_EQ(lost.current->doc, R"({"displayName":"Eng"})");
    EXPECT_EQ(lost.current->version, 9u);
    EXPECT_EQ(lost.current->lastModified, "t8");
    EXPECT_EQ(lost.current->members.total, -1);  // the head only
    EXPECT_FALSE(store::readGroupWriteReply(*FakeReply::strings({"precondition", "9"})).current);
}
