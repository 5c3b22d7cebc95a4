// The user lifecycle in the exchanges: soft or hard delete, the claim
// guard and what PUT tells the change event (the scripts do the rest; the
// integration test t/085-lifecycle.t runs them against Redis).
#include <gtest/gtest.h>

#include "exchange_support.hpp"
#include "fake_reply.hpp"
#include "scim/service/service.hpp"
#include "scim/store/user_scripts.hpp"
#include "scim/store/scripts.hpp"

using namespace scim;
using namespace exchange_test;

namespace {

constexpr size_t kUserKeys = 10;    // store::userWriteKeys
constexpr size_t kReplaceKeys = 7;  // replace_user.lua's KEYS
constexpr size_t kDeleteKeys = 14;

store::Command startOf(Exchange &ex) { return std::get<store::Command>(ex.start()); }

}  // namespace

TEST(DeleteUser, SoftByDefaultNamesTheTombstone) {
    ServiceConfig c = config();
    auto ex = exchangeFor(request("DELETE", "/Users/u1"), c);
    auto cmd = startOf(*ex);
    ASSERT_EQ(cmd.numKeys, kDeleteKeys);
    EXPECT_EQ(cmd.args[12], "scim:{acme}:deleted-user:u1");
    EXPECT_EQ(cmd.args[13], "scim:{acme}:users:deleted");
    EXPECT_TRUE(store::deleteUserArgsOf(cmd).soft);
    EXPECT_EQ(cmd.args.size(), kDeleteKeys + 9);  // then the role context
}

TEST(DeleteUser, HardWhenConfigured) {
    ServiceConfig c = config();
    c.userDelete = UserDelete::Hard;
    auto ex = exchangeFor(request("DELETE", "/Users/u1"), c);
    EXPECT_FALSE(store::deleteUserArgsOf(startOf(*ex)).soft);
}

TEST(ClaimGuard, OffByDefault) {
    ServiceConfig c = config();
    auto create = exchangeFor(request("POST", "/Users", R"({"userName":"a"})"), c);
    EXPECT_EQ(store::createUserArgsOf(startOf(*create)).user.claimedKey, "");
    auto put = exchangeFor(request("PUT", "/Users/u1", R"({"userName":"a"})"), c);
    EXPECT_EQ(store::replaceUserArgsOf(startOf(*put)).user.claimedKey, "");
}

TEST(ClaimGuard, WritesNameTheTenantsClaimedSet) {
    ServiceConfig c = config();
    c.claimGuard = true;
    auto create = exchangeFor(request("POST", "/Users", R"({"userName":"a"})"), c);
    auto cmd = startOf(*create);
    // Nine arguments, the userName lowercased ('': "a" is), the password
    // hash ('') and the claimed set; no role context (trailing empty
    // arguments are not sent).
    EXPECT_EQ(cmd.args.size(), kUserKeys + 12);
    EXPECT_EQ(store::createUserArgsOf(cmd).user.claimedKey, "scim:{acme}:claimed");
    auto put = exchangeFor(request("PUT", "/Users/u1", R"({"userName":"a"})"), c);
    auto putCmd = startOf(*put);
    // The claimed set is the last: the role context ('') is not sent.
    EXPECT_EQ(putCmd.args.size(), kReplaceKeys + 16);
    EXPECT_EQ(store::replaceUserArgsOf(putCmd).user.claimedKey, "scim:{acme}:claimed");
}

TEST(ClaimGuard, PatchWritesNameTheClaimedSet) {
    ServiceConfig c = config();
    c.claimGuard = true;
    auto ex = exchangeFor(
        request("PATCH", "/Users/u1",
                R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations":[{"op":"add","path":"emails","value":[{"value":"x@example.com"}]}]})"),
        c);
    startOf(*ex);
    auto write = commandOf(answerUserRead(*ex, {R"({"userName":"a"})", "3", "t1", "t2"}));
    EXPECT_EQ(write.script, &store::replaceUserScript());
    auto args = store::replaceUserArgsOf(write);
    EXPECT_EQ(args.changed, "emails");  // the changed attributes it knows
    EXPECT_EQ(args.user.claimedKey, "scim:{acme}:claimed");
}

// Okta's deactivation: no password, no claim guard, no role context, so
// those trailing arguments are not sent (replace_user.lua reads them as '').
TEST(ClaimGuard, PatchOfActiveSendsNoEmptyTrailingArguments) {
    ServiceConfig c = config();
    auto ex = exchangeFor(
        request("PATCH", "/Users/u1",
                R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations":[{"op":"replace","value":{"active":false}}]})"),
        c);
    startOf(*ex);
    auto write =
        commandOf(answerUserRead(*ex, {R"({"userName":"a","active":true})", "3", "t1", "t2"}));
    ASSERT_EQ(write.script, &store::replaceUserScript());
    EXPECT_EQ(write.numKeys, kReplaceKeys);
    EXPECT_EQ(write.args.size(), kReplaceKeys + 14);  // up to the memberof key
    auto args = store::replaceUserArgsOf(write);
    EXPECT_EQ(args.changed, "active");
    EXPECT_TRUE(args.changedIsComplete);
    EXPECT_EQ(args.expectedVersion, "3");
    EXPECT_EQ(args.user.active, "0");
    EXPECT_EQ(args.user.passwordHash, "");
    EXPECT_EQ(args.user.claimedKey, "");
    EXPECT_EQ(args.roleContext, "");
    EXPECT_TRUE(args.withGroups);
}

TEST(ClaimGuard, ClaimedAnswers409UniquenessNamingTheIdentifier) {
    ServiceConfig c = config();
    c.claimGuard = true;
    auto create = exchangeFor(request("POST", "/Users", R"({"userName":"a"})"), c);
    startOf(*create);
    auto r = std::get<Response>(
        create->onReply(*FakeReply::strings({"claimed", "email", "ceo@example.com"})));
    EXPECT_EQ(r.status, 409);
    JsonDoc d = bodyOf(r);
    EXPECT_STREQ(d["scimType"].GetString(), "uniqueness");
    EXPECT_STREQ(d["detail"].GetString(),
                 "email 'ceo@example.com' belongs to an account this organisation does not manage");

    auto put = exchangeFor(request("PUT", "/Users/u1", R"({"userName":"boss"})"), c);
    startOf(*put);
    auto r2 = std::get<Response>(put->onReply(*FakeReply::strings({"claimed", "userName", "boss"})));
    EXPECT_EQ(r2.status, 409);
    EXPECT_STREQ(bodyOf(r2)["scimType"].GetString(), "uniqueness");
}

TEST(ReplaceUser, TellsTheEventAboutAPasswordTheDocumentDoesNotHold) {
    ServiceConfig c = config();
    auto plain = exchangeFor(request("PUT", "/Users/u1", R"({"userName":"a"})"), c);
    EXPECT_EQ(store::replaceUserArgsOf(startOf(*plain)).changed, "");
    c.storePasswords = false;  // not kept, but still a change the app may care about
    auto withPassword =
        exchangeFor(request("PUT", "/Users/u1", R"({"userName":"a","password":"p"})"), c);
    EXPECT_EQ(store::replaceUserArgsOf(startOf(*withPassword)).changed, "password");
}
