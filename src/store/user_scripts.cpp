#include "scim/store/user_scripts.hpp"

#include "scim/store/group_scripts.hpp"
#include "scim/store/reply.hpp"
#include "scim/store/scripts.hpp"
#include "scim/strings.hpp"
#include "script_argv.hpp"

namespace scim::store {

namespace {

// (group id, displayName) pairs from element `offset` to the end.
void readGroupPairs(const redisReply &reply, size_t offset,
                    std::vector<std::pair<std::string, std::string>> &groups) {
    for (size_t i = offset; i + 2 <= reply.elements; i += 2) {
        groups.emplace_back(std::string(textAt(reply, i)), std::string(textAt(reply, i + 1)));
    }
}

// ARGV positions, as the scripts' headers list them (1-based there).
struct CreateArgv {
    enum { Id, UserNameLower, UserName, Doc, Time, Password, Active, Token, MaxLen, NowMillis,
           IndexEntries, ClaimedKey, RoleContext, Count };
};
// A replace's usually empty arguments come last, and trailing empty ones
// are not sent: each costs the worker a formatting step and Redis a string.
struct ReplaceArgv {
    enum { Id, UserNameLower, UserName, Doc, Time, Active, ExpectedVersion, Token, MaxLen,
           Changed, NowMillis, IndexEntries, GroupPrefix, MemberOf, Password, ClaimedKey,
           RoleContext, Count };
};
struct DeleteArgv {
    enum { Id, ExpectedVersion, Time, Token, MaxLen, GroupPrefix, NowMillis, Mode, RoleContext,
           Count };
};

// Create and replace place the same fields, at the positions of `P`.
template <class P>
std::vector<std::string> userArgv(const UserFields &u, const WriteStamp &stamp,
                                  const std::string &roleContext) {
    std::vector<std::string> argv(P::Count);
    argv[P::Id] = u.id;
    argv[P::UserNameLower] = lower(u.userName);
    argv[P::UserName] = u.userName;
    argv[P::Doc] = u.doc;
    argv[P::Time] = stamp.time;
    argv[P::Password] = u.passwordHash;
    argv[P::Active] = u.active;
    argv[P::Token] = stamp.token;
    argv[P::MaxLen] = std::to_string(stamp.eventsMaxLen);
    argv[P::NowMillis] = std::to_string(stamp.nowMillis);
    argv[P::IndexEntries] = u.indexEntries;
    argv[P::ClaimedKey] = u.claimedKey;
    argv[P::RoleContext] = roleContext;
    return argv;
}

template <class P>
UserFields userFieldsOf(const Argv &v) {
    return {v[P::Id],     v[P::UserName],     v[P::Doc],       v[P::Password],
            v[P::Active], v[P::IndexEntries], v[P::ClaimedKey]};
}

// The keys a replace touches (replace_user.lua's KEYS): each one sent is a
// string built here, formatted into the command and pushed into Lua.
std::vector<std::string> replaceKeys(const KeySpace &k, std::string_view id) {
    return {k.user(id),           k.usersByName(), k.events(),       k.userNameIndex(),
            k.externalIdIndex(), k.emailIndex(),  k.modifiedIndex()};
}

}  // namespace

Command createUser(const KeySpace &keys, const CreateUserArgs &a) {
    return scriptCall(createUserScript(), userWriteKeys(keys, a.user.id),
                      userArgv<CreateArgv>(a.user, a.stamp, a.roleContext));
}

CreateUserArgs createUserArgsOf(const Command &c) {
    Argv v{c};
    return {userFieldsOf<CreateArgv>(v), stampOf<CreateArgv>(v), v[CreateArgv::RoleContext]};
}

Command replaceUser(const KeySpace &keys, const ReplaceUserArgs &a) {
    std::vector<std::string> argv = userArgv<ReplaceArgv>(a.user, a.stamp, a.roleContext);
    argv[ReplaceArgv::ExpectedVersion] = a.expectedVersion;
    // A leading '=' (no attribute name starts with one) marks a whole list.
    argv[ReplaceArgv::Changed] = a.changedIsComplete ? "=" + a.changed : a.changed;
    if (a.withGroups) {
        argv[ReplaceArgv::GroupPrefix] = keys.groupKeyPrefix();
        argv[ReplaceArgv::MemberOf] = keys.memberOf(a.user.id);
    }
    while (argv.size() > ReplaceArgv::Password && argv.back().empty()) argv.pop_back();
    return scriptCall(replaceUserScript(), replaceKeys(keys, a.user.id), std::move(argv));
}

ReplaceUserArgs replaceUserArgsOf(const Command &c) {
    Argv v{c};
    std::string changed = v[ReplaceArgv::Changed];
    bool complete = !changed.empty() && changed[0] == '=';
    if (complete) changed.erase(0, 1);
    return {userFieldsOf<ReplaceArgv>(v), v[ReplaceArgv::ExpectedVersion], std::move(changed),
            complete, stampOf<ReplaceArgv>(v), v[ReplaceArgv::RoleContext],
            !v[ReplaceArgv::GroupPrefix].empty()};
}

Command deleteUser(const KeySpace &keys, const DeleteUserArgs &a) {
    using P = DeleteArgv;
    std::vector<std::string> argv(P::Count);
    argv[P::Id] = a.id;
    argv[P::ExpectedVersion] = a.expectedVersion;
    argv[P::Time] = a.stamp.time;
    argv[P::Token] = a.stamp.token;
    argv[P::MaxLen] = std::to_string(a.stamp.eventsMaxLen);
    argv[P::GroupPrefix] = keys.groupKeyPrefix();
    argv[P::NowMillis] = std::to_string(a.stamp.nowMillis);
    argv[P::Mode] = a.soft ? "soft" : "hard";
    argv[P::RoleContext] = a.roleContext;
    return scriptCall(deleteUserScript(), userDeleteKeys(keys, a.id), std::move(argv));
}

DeleteUserArgs deleteUserArgsOf(const Command &c) {
    using P = DeleteArgv;
    Argv v{c};
    return {v[P::Id], v[P::ExpectedVersion], v[P::Mode] == "soft", stampOf<P>(v),
            v[P::RoleContext]};
}

Command readUser(const KeySpace &keys, std::string_view id) {
    return scriptCall(readUserWithGroupsScript(), {keys.user(id), keys.memberOf(id)},
                      {keys.groupKeyPrefix()});
}

namespace {

// {doc, version, created, lastModified, (group id, displayName)…} from
// element `offset`; false when there is no document there.
bool readUserAt(const redisReply &reply, size_t offset, UserRecord &u) {
    if (!isArray(reply) || reply.elements < offset + 4) return false;
    const redisReply *doc = element(reply, offset);
    if (!doc || doc->type != REDIS_REPLY_STRING) return false;
    u.doc = std::string(text(*doc));
    u.version = static_cast<uint64_t>(integer(*element(reply, offset + 1)).value_or(1));
    u.created = std::string(textAt(reply, offset + 2));
    u.lastModified = std::string(textAt(reply, offset + 3));
    readGroupPairs(reply, offset + 4, u.groups);
    return true;
}

}  // namespace

// {'ok', version, created, lastModified, (group id, displayName)…} |
// {'precondition', version, doc, version, created, lastModified} | …
UserWriteResult readUserWriteReply(const redisReply &reply) {
    UserWriteResult r;
    r.outcome = readWriteOutcome(reply);
    if (r.outcome.kind == WriteOutcome::Kind::Precondition) {
        UserRecord current;
        if (readUserAt(reply, 2, current)) r.current = std::move(current);
        return r;
    }
    if (!r.outcome.ok()) return r;
    const redisReply *version = element(reply, 1);
    r.version = static_cast<uint64_t>((version ? integer(*version) : std::nullopt).value_or(1));
    r.created = std::string(textAt(reply, 2));
    r.lastModified = std::string(textAt(reply, 3));
    readGroupPairs(reply, 4, r.groups);
    return r;
}

// {doc, version, created, lastModified, (group id, displayName)…} or {}.
ReadOutcome<UserRecord> readUserReply(const redisReply &reply) {
    ReadOutcome<UserRecord> out;
    if (isError(reply)) {
        out.error = std::string(text(reply));
        return out;
    }
    UserRecord u;
    if (readUserAt(reply, 0, u)) out.record = std::move(u);
    return out;
}

}  // namespace scim::store
