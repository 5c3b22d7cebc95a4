// Group commit behind WAIT (scim_redis_wait_replicas): which writes one
// WAIT covers, and how its reply is judged.
#include "scim/metrics.hpp"
#include "scim/store/group_commit.hpp"
#include "scim/store/group_scripts.hpp"
#include "scim/store/query_scripts.hpp"
#include "scim/store/scripts.hpp"
#include "scim/store/token_scripts.hpp"

#include <gtest/gtest.h>

#include "fake_reply.hpp"

using scim::store::GroupCommit;

TEST(GroupCommit, TheFirstHeldWriteSendsAWaitTheNextOnesJoinIt) {
    GroupCommit<int> commits;
    EXPECT_FALSE(commits.waiting());
    EXPECT_TRUE(commits.hold(1));
    EXPECT_TRUE(commits.waiting());
    EXPECT_FALSE(commits.hold(2));  // replied before WAIT's reply: covered by it
    EXPECT_FALSE(commits.hold(3));
    EXPECT_EQ(commits.held(), 3u);
    EXPECT_EQ(commits.release(), (std::vector<int>{1, 2, 3}));
    EXPECT_FALSE(commits.waiting());
    EXPECT_EQ(commits.held(), 0u);
}

TEST(GroupCommit, AWriteAfterTheWaitAnsweredNeedsANewWait) {
    GroupCommit<int> commits;
    ASSERT_TRUE(commits.hold(1));
    EXPECT_EQ(commits.release().size(), 1u);
    EXPECT_TRUE(commits.hold(2));
    EXPECT_EQ(commits.release(), std::vector<int>{2});
}

TEST(GroupCommit, ReleasingWithNothingHeldIsEmpty) {
    GroupCommit<int> commits;
    EXPECT_TRUE(commits.release().empty());
    EXPECT_FALSE(commits.waiting());
}

TEST(GroupCommit, ReadScriptsAreNeverHeldWriteScriptsAre) {
    using namespace scim::store;
    for (const Script *read : {&fetchCandidatesScript(), &scanRecordsScript(), &pageRecordsScript(),
                               &readGroupScript(), &readGroupMembersScript()}) {
        EXPECT_TRUE(read->readOnly) << read->name;
    }
    for (const Script *write : {&createUserScript(), &replaceUserScript(), &deleteUserScript(),
                                &createGroupScript(), &updateGroupScript(), &deleteGroupScript(),
                                &ensureSyntheticGroupsScript(), &createTokenScript(),
                                &rotateTokenScript(), &revokeTokenScript(), &touchTokenScript(),
                                &listTokensScript()}) {
        EXPECT_FALSE(write->readOnly) << write->name;
    }
}

TEST(WaitCommand, NamesReplicasAndTimeout) {
    EXPECT_EQ(scim::store::waitCommand(2, 500), (std::vector<std::string>{"WAIT", "2", "500"}));
}

TEST(WaitConfirms, EnoughReplicasOnly) {
    EXPECT_TRUE(scim::store::waitConfirms(*FakeReply::integer(1), 1));
    EXPECT_TRUE(scim::store::waitConfirms(*FakeReply::integer(3), 2));
    EXPECT_FALSE(scim::store::waitConfirms(*FakeReply::integer(0), 1));
    EXPECT_FALSE(scim::store::waitConfirms(*FakeReply::integer(1), 2));
    EXPECT_FALSE(scim::store::waitConfirms(*FakeReply::integer(-1), 1));
    EXPECT_FALSE(scim::store::waitConfirms(
        *FakeReply::error("ERR WAIT cannot be used with replica instances"), 1));
    EXPECT_FALSE(scim::store::waitConfirms(*FakeReply::string("1"), 1));
}

TEST(UnconfirmedWrite, TextSaysWhatWaitSaidAndIsRecognised) {
    std::string text = scim::store::unconfirmedWriteText(*FakeReply::integer(0), 1, 500);
    EXPECT_EQ(text, "UNCONFIRMED WAIT: 0 of 1 replicas acknowledged the write within 500ms");
    EXPECT_TRUE(scim::store::isUnconfirmedWrite(text));
    std::string failed = scim::store::unconfirmedWriteText(
        *FakeReply::error("ERR WAIT cannot be used with replica instances"), 1, 500);
    EXPECT_EQ(failed, "UNCONFIRMED WAIT failed: ERR WAIT cannot be used with replica instances");
    EXPECT_FALSE(scim::store::isUnconfirmedWrite("NOREPLICAS Not enough good replicas"));
    EXPECT_FALSE(scim::store::isUnconfirmedWrite("UNCONFIRMED"));
    EXPECT_EQ(scim::metrics::replyErrorKind(text), scim::metrics::RedisError::Unconfirmed);
    EXPECT_STREQ(scim::metrics::label(scim::metrics::RedisError::Unconfirmed), "unconfirmed");
}
