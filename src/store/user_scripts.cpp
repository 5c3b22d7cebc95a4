#include "scim/store/user_scripts.hpp"

#include <cstdlib>

#include "scim/store/reply.hpp"
#include "scim/store/group_scripts.hpp"
#include "scim/store/scripts.hpp"
#include "scim/strings.hpp"

namespace scim::store {

namespace {

// ARGV positions, as the scripts' headers list them (1-based there).
namespace create_argv {
enum { Id, UserNameLower, UserName, Doc, Time, Password, Active, Token, MaxLen, NowMillis,
       IndexEntries, ClaimedKey, RoleContext, Count };
}
namespace replace_argv {
enum { Id, UserNameLower, UserName, Doc, Time, Password, Active, ExpectedVersion, Token, MaxLen,
       Changed, NowMillis, IndexEntries, ClaimedKey, RoleContext, Count };
}
namespace delete_argv {
enum { Id, ExpectedVersion, Time, Token, MaxLen, GroupPrefix, NowMillis, Mode, RoleContext,
       Count };
}

// The ARGV of a script call (after its KEYS); empty strings past the end.
struct Argv {
    const Command &command;
    std::string operator[](size_t i) const {
        size_t at = command.numKeys + i;
        return at < command.args.size() ? command.args[at] : std::string();
    }
    long long number(size_t i) const { return std::strtoll((*this)[i].c_str(), nullptr, 10); }
};

}  // namespace

Command createUser(const KeySpace &keys, const CreateUserArgs &a) {
    using namespace create_argv;
    std::vector<std::string> argv(Count);
    argv[Id] = a.user.id;
    argv[UserNameLower] = lower(a.user.userName);
    argv[UserName] = a.user.userName;
    argv[Doc] = a.user.doc;
    argv[Time] = a.stamp.time;
    argv[Password] = a.user.passwordHash;
    argv[Active] = a.user.active;
    argv[Token] = a.stamp.token;
    argv[MaxLen] = std::to_string(a.stamp.eventsMaxLen);
    argv[NowMillis] = std::to_string(a.stamp.nowMillis);
    argv[IndexEntries] = a.user.indexEntries;
    argv[ClaimedKey] = a.user.claimedKey;
    argv[RoleContext] = a.roleContext;
    return scriptCall(createUserScript(), userWriteKeys(keys, a.user.id), std::move(argv));
}

CreateUserArgs createUserArgsOf(const Command &c) {
    using namespace create_argv;
    Argv v{c};
    CreateUserArgs a;
    a.user = {v[Id], v[UserName], v[Doc], v[Password], v[Active], v[IndexEntries], v[ClaimedKey]};
    a.stamp = {v[Time], v.number(NowMillis), v[Token], v.number(MaxLen)};
    a.roleContext = v[RoleContext];
    return a;
}

Command replaceUser(const KeySpace &keys, const ReplaceUserArgs &a) {
    using namespace replace_argv;
    std::vector<std::string> argv(Count);
    argv[Id] = a.user.id;
    argv[UserNameLower] = lower(a.user.userName);
    argv[UserName] = a.user.userName;
    argv[Doc] = a.user.doc;
    argv[Time] = a.stamp.time;
    argv[Password] = a.user.passwordHash;
    argv[Active] = a.user.active;
    argv[ExpectedVersion] = a.expectedVersion;
    argv[Token] = a.stamp.token;
    argv[MaxLen] = std::to_string(a.stamp.eventsMaxLen);
    argv[Changed] = a.changed;
    argv[NowMillis] = std::to_string(a.stamp.nowMillis);
    argv[IndexEntries] = a.user.indexEntries;
    argv[ClaimedKey] = a.user.claimedKey;
    argv[RoleContext] = a.roleContext;
    return scriptCall(replaceUserScript(), userWriteKeys(keys, a.user.id), std::move(argv));
}

ReplaceUserArgs replaceUserArgsOf(const Command &c) {
    using namespace replace_argv;
    Argv v{c};
    ReplaceUserArgs a;
    a.user = {v[Id], v[UserName], v[Doc], v[Password], v[Active], v[IndexEntries], v[ClaimedKey]};
    a.expectedVersion = v[ExpectedVersion];
    a.changed = v[Changed];
    a.stamp = {v[Time], v.number(NowMillis), v[Token], v.number(MaxLen)};
    a.roleContext = v[RoleContext];
    return a;
}

Command deleteUser(const KeySpace &keys, const DeleteUserArgs &a) {
    using namespace delete_argv;
    std::vector<std::string> argv(Count);
    argv[Id] = a.id;
    argv[ExpectedVersion] = a.expectedVersion;
    argv[Time] = a.stamp.time;
    argv[Token] = a.stamp.token;
    argv[MaxLen] = std::to_string(a.stamp.eventsMaxLen);
    argv[GroupPrefix] = keys.groupKeyPrefix();
    argv[NowMillis] = std::to_string(a.stamp.nowMillis);
    argv[Mode] = a.soft ? "soft" : "hard";
    argv[RoleContext] = a.roleContext;
    return scriptCall(deleteUserScript(), userDeleteKeys(keys, a.id), std::move(argv));
}

DeleteUserArgs deleteUserArgsOf(const Command &c) {
    using namespace delete_argv;
    Argv v{c};
    DeleteUserArgs a;
    a.id = v[Id];
    a.expectedVersion = v[ExpectedVersion];
    a.soft = v[Mode] == "soft";
    a.stamp = {v[Time], v.number(NowMillis), v[Token], v.number(MaxLen)};
    a.roleContext = v[RoleContext];
    return a;
}

Command readUser(const KeySpace &keys, std::string_view id) {
    return scriptCall(readUserWithGroupsScript(), {keys.user(id), keys.memberOf(id)},
                      {keys.groupKeyPrefix()});
}

// {'ok', version, created, lastModified}
UserWriteResult readUserWriteReply(const redisReply &reply) {
    UserWriteResult r;
    r.outcome = readWriteOutcome(reply);
    if (!r.outcome.ok()) return r;
    const redisReply *version = element(reply, 1);
    r.version = static_cast<uint64_t>((version ? integer(*version) : std::nullopt).value_or(1));
    r.created = std::string(textAt(reply, 2));
    r.lastModified = std::string(textAt(reply, 3));
    return r;
}

// {doc, version, created, lastModified, (group id, displayName)…} or {}.
ReadOutcome<UserRecord> readUserReply(const redisReply &reply) {
    ReadOutcome<UserRecord> out;
    if (isError(reply)) {
        out.error = std::string(text(reply));
        return out;
    }
    if (!isArray(reply) || reply.elements < 4) return out;
    const redisReply *doc = element(reply, 0);
    if (!doc || doc->type != REDIS_REPLY_STRING) return out;
    UserRecord u;
    u.doc = std::string(text(*doc));
    u.version = static_cast<uint64_t>(integer(*element(reply, 1)).value_or(1));
    u.created = std::string(textAt(reply, 2));
    u.lastModified = std::string(textAt(reply, 3));
    for (size_t i = 4; i + 2 <= reply.elements; i += 2) {
        u.groups.emplace_back(std::string(textAt(reply, i)), std::string(textAt(reply, i + 1)));
    }
    out.record = std::move(u);
    return out;
}

}  // namespace scim::store
