// Roles without Redis: the configuration checks, the role context every
// membership write sends as its last argument, the synthetic groups' ids,
// guards and their creation step.
#include <gtest/gtest.h>

#include "exchange_support.hpp"
#include "fake_reply.hpp"
#include "scim/roles.hpp"
#include "scim/store/group_scripts.hpp"
#include "scim/store/user_scripts.hpp"
#include "scim/store/role_scripts.hpp"
#include "scim/store/scripts.hpp"

using namespace scim;
using namespace exchange_test;

namespace {

constexpr const char *kPatchOp = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],)";
constexpr size_t kGroupKeys = 11;

ServiceConfig rolesConfig() {
    ServiceConfig c = config();
    c.roles.groups = {{"Tability Owners", {"owner", 100}}, {"IT", {"itadmin", 40}}};
    c.roles.synthetic = {{"Admins", RoleRule{"admin", 90}}, {"All staff", std::nullopt}};
    c.roles.defaultRole = "user";
    return c;
}

std::string scimType(const Response &r) {
    JsonDoc d = bodyOf(r);
    return d.IsObject() && d.HasMember("scimType") ? d["scimType"].GetString() : "";
}

// The role context (store::roleContext) a write command carries.
std::string roleContextOf(const store::Command &c) {
    if (c.script == &store::createUserScript()) return store::createUserArgsOf(c).roleContext;
    if (c.script == &store::replaceUserScript()) return store::replaceUserArgsOf(c).roleContext;
    if (c.script == &store::deleteUserScript()) return store::deleteUserArgsOf(c).roleContext;
    if (c.script == &store::createGroupScript()) return store::createGroupArgsOf(c).roleContext;
    if (c.script == &store::updateGroupScript()) return store::updateGroupArgsOf(c).roleContext;
    if (c.script == &store::deleteGroupScript()) return store::deleteGroupArgsOf(c).roleContext;
    ADD_FAILURE() << "not a write script";
    return "";
}

JsonDoc roleContextJson(const store::Command &c) {
    std::string context = roleContextOf(c);
    JsonDoc d;
    d.Parse(context.c_str());
    EXPECT_TRUE(d.IsObject()) << context;
    return d;
}

// Runs the creation of the tenant's synthetic groups, so that the next
// exchange goes straight to its own work.
std::unique_ptr<Exchange> ensured(Request r, const ServiceConfig &c) {
    auto first = exchangeFor(r, c);
    first->start();
    first->onReply(*FakeReply::integer(0));
    return exchangeFor(std::move(r), c);
}

}  // namespace

TEST(RoleConfig, ValuesAndDuplicates) {
    EXPECT_FALSE(roleNameError("owner"));
    EXPECT_FALSE(roleNameError("app:admin-2.x_y"));
    EXPECT_TRUE(roleNameError(""));
    EXPECT_TRUE(roleNameError("read only"));
    EXPECT_TRUE(roleNameError(std::string(65, 'a')));
    EXPECT_EQ(parseRolePriority("0"), 0);
    EXPECT_EQ(parseRolePriority("1000000"), 1000000);
    EXPECT_FALSE(parseRolePriority("1000001"));
    EXPECT_FALSE(parseRolePriority("-1"));
    EXPECT_FALSE(parseRolePriority("high"));
    EXPECT_FALSE(parseRolePriority(""));
    EXPECT_FALSE(roleGroupNameError("Tability Owners"));
    EXPECT_TRUE(roleGroupNameError(""));
    EXPECT_TRUE(roleGroupNameError("a\tb"));

    RoleConfig ok = rolesConfig().roles;
    EXPECT_FALSE(roleConfigError(ok));
    RoleConfig twice = ok;
    twice.groups.push_back({"admins", {"admin", 1}});
    ASSERT_TRUE(roleConfigError(twice));
    EXPECT_NE(roleConfigError(twice)->find("\"admins\" is mapped more than once"), std::string::npos);
}

TEST(RoleConfig, SyntheticIdsAreUuid5OfTenantAndLowercasedName) {
    // Python: uuid.uuid5(uuid.UUID('523a7f5b-bb0a-49b3-9a10-c153977ec14b'), 'acme/admins')
    EXPECT_EQ(syntheticGroupId("acme", "Admins"), "02bde892-95b8-573b-a8a7-14d7c02500a4");
    EXPECT_EQ(syntheticGroupId("acme", "ADMINS"), syntheticGroupId("acme", "admins"));
    EXPECT_NE(syntheticGroupId("globex", "Admins"), syntheticGroupId("acme", "Admins"));
    RoleConfig roles = rolesConfig().roles;
    EXPECT_EQ(roles.syntheticById("acme", "02bde892-95b8-573b-a8a7-14d7c02500a4"),
              &roles.synthetic[0]);
    EXPECT_EQ(roles.syntheticById("globex", "02bde892-95b8-573b-a8a7-14d7c02500a4"), nullptr);
    EXPECT_EQ(roles.syntheticByName("all STAFF"), &roles.synthetic[1]);
    EXPECT_EQ(roles.syntheticByName("IT"), nullptr);  // mapped, not synthetic
}

TEST(RoleContext, NamesTheTenantKeysTheMappingAndTheEventFields) {
    store::KeySpace keys("scim:", "acme");
    std::string json =
        store::roleContext(keys, rolesConfig().roles, {500, "2026-11-23T00:00:00.000Z", "okta"});
    JsonDoc d;
    d.Parse(json.c_str());
    ASSERT_TRUE(d.IsObject()) << json;
    EXPECT_STREQ(d["rolesKey"].GetString(), "scim:{acme}:roles");
    EXPECT_STREQ(d["mapKey"].GetString(), "scim:{acme}:roles:map");
    EXPECT_STREQ(d["users"].GetString(), "scim:{acme}:user:");
    EXPECT_STREQ(d["groups"].GetString(), "scim:{acme}:group:");
    EXPECT_STREQ(d["memberof"].GetString(), "scim:{acme}:memberof:");
    EXPECT_STREQ(d["events"].GetString(), "scim:{acme}:events");
    EXPECT_STREQ(d["maxlen"].GetString(), "500");
    EXPECT_STREQ(d["time"].GetString(), "2026-11-23T00:00:00.000Z");
    EXPECT_STREQ(d["token"].GetString(), "okta");
    EXPECT_STREQ(d["default"].GetString(), "user");
    // Lowercased names → [role, priority]; a synthetic group without a role
    // maps nothing.
    EXPECT_STREQ(d["conf"]["tability owners"][0].GetString(), "owner");
    EXPECT_EQ(d["conf"]["tability owners"][1].GetInt(), 100);
    EXPECT_STREQ(d["conf"]["it"][0].GetString(), "itadmin");
    EXPECT_EQ(d["synthetic"].MemberCount(), 1u);
    EXPECT_EQ(d["synthetic"]["admins"][1].GetInt(), 90);

    std::string none = store::roleContext(keys, RoleConfig{}, {});
    d.Parse(none.c_str());
    EXPECT_STREQ(d["default"].GetString(), "");
    EXPECT_TRUE(d["conf"].IsObject() && d["conf"].ObjectEmpty());  // never a JSON array
    EXPECT_TRUE(d["synthetic"].IsObject() && d["synthetic"].ObjectEmpty());
}

TEST(RoleContext, IsTheLastArgumentOfEveryMembershipWrite) {
    ServiceConfig c = config();
    c.roles.defaultRole = "user";
    std::vector<std::pair<Request, const store::Script *>> writes{
        {request("POST", "/Users", R"({"userName":"a"})"), &store::createUserScript()},
        {request("DELETE", "/Users/u1"), &store::deleteUserScript()},
        {request("POST", "/Groups", R"({"displayName":"Eng"})"), &store::createGroupScript()},
        {request("PUT", "/Groups/g1", R"({"displayName":"Eng"})"), &store::updateGroupScript()},
        {request("DELETE", "/Groups/g1"), &store::deleteGroupScript()},
    };
    for (auto &[req, script] : writes) {
        auto cmd = commandOf(exchangeFor(req, c)->start());
        EXPECT_EQ(cmd.script, script) << req.method << " " << req.path;
        JsonDoc d = roleContextJson(cmd);
        EXPECT_STREQ(d["rolesKey"].GetString(), "scim:{acme}:roles") << req.path;
        EXPECT_STREQ(d["default"].GetString(), "user") << req.path;
        EXPECT_STREQ(d["token"].GetString(), "okta") << req.path;
    }
    // A membership PATCH too, after reading the document.
    auto patch = exchangeFor(
        request("PATCH", "/Groups/g1",
                std::string(kPatchOp) + R"("Operations":[{"op":"add","path":"members","value":[{"value":"u1"}]}]})"),
        c);
    patch->start();
    auto write = commandOf(
        patch->onReply(*FakeReply::strings({R"({"displayName":"Eng"})", "7", "t0", "t1"})));
    EXPECT_EQ(write.script, &store::updateGroupScript());
    EXPECT_STREQ(roleContextJson(write)["mapKey"].GetString(), "scim:{acme}:roles:map");
}

// A create's only role work is the default role: without one (even with
// mapped groups) it sends an empty context, which the script never decodes.
TEST(RoleContext, CreateUserSendsNoneWithoutADefaultRole) {
    ServiceConfig c = rolesConfig();
    c.roles.defaultRole.clear();
    auto cmd = commandOf(ensured(request("POST", "/Users", R"({"userName":"a"})"), c)->start());
    ASSERT_EQ(cmd.script, &store::createUserScript());
    EXPECT_EQ(store::createUserArgsOf(cmd).roleContext, "");
    c.roles.defaultRole = "user";
    cmd = commandOf(ensured(request("POST", "/Users", R"({"userName":"a"})"), c)->start());
    EXPECT_STREQ(roleContextJson(cmd)["default"].GetString(), "user");
}

// A replace's only role work is scim_role_on_deactivate drop: without it the
// context is empty, which the script never decodes.
TEST(RoleContext, ReplaceUserSendsOneOnlyWhenDeactivationDropsTheRole) {
    ServiceConfig c = rolesConfig();
    auto put = [&] {
        return commandOf(
            ensured(request("PUT", "/Users/u1", R"({"userName":"a","active":false})"), c)->start());
    };
    store::Command cmd = put();
    ASSERT_EQ(cmd.script, &store::replaceUserScript());
    EXPECT_EQ(store::replaceUserArgsOf(cmd).roleContext, "");
    // A PUT has not read the stored document: the script compares the two.
    EXPECT_FALSE(store::replaceUserArgsOf(cmd).changedIsComplete);
    c.roles.dropOnDeactivate = true;
    cmd = put();
    EXPECT_TRUE(roleContextJson(cmd)["dropInactive"].GetBool());
    // lib/roles.lua reads the role context as the last ARGV.
    EXPECT_EQ(cmd.args.back(), store::replaceUserArgsOf(cmd).roleContext);
}

TEST(SyntheticGroups, FirstRequestOfATenantCreatesThemThenGoesOn) {
    onStoreConnected();
    ServiceConfig c = rolesConfig();
    auto ex = exchangeFor(request("GET", "/Users/u1"), c);
    auto ensure = commandOf(ex->start());
    EXPECT_EQ(ensure.script, &store::ensureSyntheticGroupsScript());
    ASSERT_EQ(ensure.numKeys, kGroupKeys);
    std::string admins = syntheticGroupId("acme", "Admins");
    EXPECT_EQ(ensure.args[0], "scim:{acme}:group:" + admins);  // KEYS of the first group
    EXPECT_EQ(ensure.args[2], "scim:{acme}:groups:by-name");
    auto args = store::ensureSyntheticGroupsArgsOf(ensure);
    ASSERT_EQ(args.groups.size(), 2u);
    EXPECT_EQ(args.groups[0].id, admins);
    EXPECT_EQ(args.groups[0].displayName, "Admins");
    EXPECT_EQ(args.groups[0].indexEntries, "[[0,\"admins\\u0000" + admins + "\"]]");
    EXPECT_EQ(args.groups[0].doc, R"({"displayName":"Admins"})");
    EXPECT_EQ(args.groups[1].displayName, "All staff");
    EXPECT_EQ(args.stamp.time, "2026-11-28T13:44:18.123Z");

    // Then the request itself.
    auto read = commandOf(ex->onReply(*FakeReply::integer(2)));
    EXPECT_TRUE(isUserRead(read));
    // The worker remembers the tenant; another tenant still needs them.
    EXPECT_NE(commandOf(exchangeFor(request("GET", "/Groups"), c)->start()).script,
              &store::ensureSyntheticGroupsScript());
    Request other = request("GET", "/Users/u1");
    other.tenant = "globex";
    EXPECT_EQ(commandOf(exchangeFor(other, c)->start()).script, &store::ensureSyntheticGroupsScript());
    // Discovery does not need them.
    onStoreConnected();
    EXPECT_EQ(responseOf(exchangeFor(request("GET", "/ServiceProviderConfig"), c)->start()).status,
              200);
}

TEST(SyntheticGroups, RememberedUntilReconnectOrAMinuteLater) {
    onStoreConnected();
    ServiceConfig c = rolesConfig();
    auto first = exchangeFor(request("GET", "/Users/u1"), c);
    first->start();
    first->onReply(*FakeReply::integer(2));
    EXPECT_TRUE(isUserRead(commandOf(exchangeFor(request("GET", "/Users/u1"), c)->start())));
    Request later = request("GET", "/Users/u1");
    later.nowMillis += 60001;
    EXPECT_EQ(commandOf(exchangeFor(later, c)->start()).script, &store::ensureSyntheticGroupsScript());
    onStoreConnected();
    EXPECT_EQ(commandOf(exchangeFor(request("GET", "/Users/u1"), c)->start()).script,
              &store::ensureSyntheticGroupsScript());

    // A failed creation fails the request, and is tried again next time.
    auto failed = exchangeFor(request("GET", "/Users/u1"), c);
    failed->start();
    EXPECT_EQ(responseOf(failed->onReply(*FakeReply::error("OOM"))).status, 503);
    EXPECT_EQ(commandOf(exchangeFor(request("GET", "/Users/u1"), c)->start()).script,
              &store::ensureSyntheticGroupsScript());
}

TEST(SyntheticGroups, CannotBeCreatedRenamedOrDeleted) {
    onStoreConnected();
    ServiceConfig c = rolesConfig();
    std::string admins = syntheticGroupId("acme", "Admins");

    auto create = ensured(request("POST", "/Groups", R"({"displayName":"ADMINS"})"), c);
    auto r = responseOf(create->start());
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(scimType(r), "uniqueness");
    EXPECT_NE(r.body.find("built-in group"), std::string::npos) << r.body;

    r = responseOf(exchangeFor(request("DELETE", "/Groups/" + admins), c)->start());
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(scimType(r), "mutability");
    EXPECT_NE(r.body.find("cannot be deleted"), std::string::npos) << r.body;

    r = responseOf(
        exchangeFor(request("PUT", "/Groups/" + admins, R"({"displayName":"Root"})"), c)->start());
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(scimType(r), "mutability");
    EXPECT_NE(r.body.find("cannot be renamed"), std::string::npos) << r.body;

    // Its members may change, and its name be re-sent in another case.
    auto put = exchangeFor(
        request("PUT", "/Groups/" + admins, R"({"displayName":"admins","members":[{"value":"u1"}]})"), c);
    EXPECT_EQ(commandOf(put->start()).script, &store::updateGroupScript());

    // PATCH finds out after applying the operations to the stored document.
    auto patch = exchangeFor(
        request("PATCH", "/Groups/" + admins,
                std::string(kPatchOp) + R"("Operations":[{"op":"replace","path":"displayName","value":"Root"}]})"),
        c);
    patch->start();
    r = responseOf(patch->onReply(*FakeReply::strings({R"({"displayName":"Admins"})", "2", "t0", "t1"})));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(scimType(r), "mutability");

    // Another group may not take a synthetic group's name.
    auto rename = exchangeFor(
        request("PATCH", "/Groups/g1",
                std::string(kPatchOp) + R"("Operations":[{"op":"replace","value":{"displayName":"all staff"}}]})"),
        c);
    rename->start();
    r = responseOf(rename->onReply(*FakeReply::strings({R"({"displayName":"Eng"})", "2", "t0", "t1"})));
    EXPECT_EQ(r.status, 409);
    r = responseOf(
        exchangeFor(request("PUT", "/Groups/g1", R"({"displayName":"All Staff"})"), c)->start());
    EXPECT_EQ(r.status, 409);
    // An ordinary group is deleted as before.
    EXPECT_EQ(commandOf(exchangeFor(request("DELETE", "/Groups/g1"), c)->start()).script,
              &store::deleteGroupScript());
}
