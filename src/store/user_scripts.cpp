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
// A create's optional arguments come last and trailing empty ones are not
// sent (the userName lowercased is one: empty when it is the userName):
// each costs the worker a formatting step (hiredis) and Redis a string.
struct CreateArgv {
    enum { Id, UserName, Doc, Time, Active, Token, MaxLen, NowMillis, IndexEntries,
           UserNameLower, Password, ClaimedKey, RoleContext, Count };
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

// Create and replace place the same fields, at the positions of `P`
// (taken by value: a create moves its fields in, the document uncopied).
template <class P>
std::vector<std::string> userArgv(UserFields u, WriteStamp stamp, std::string roleContext) {
    std::vector<std::string> argv(P::Count);
    argv[P::Id] = std::move(u.id);
    argv[P::UserNameLower] = lower(u.userName);
    argv[P::UserName] = std::move(u.userName);
    argv[P::Doc] = std::move(u.doc);
    argv[P::Time] = std::move(stamp.time);
    argv[P::Password] = std::move(u.passwordHash);
    argv[P::Active] = std::move(u.active);
    argv[P::Token] = std::move(stamp.token);
    argv[P::MaxLen] = std::to_string(stamp.eventsMaxLen);
    argv[P::NowMillis] = std::to_string(stamp.nowMillis);
    argv[P::IndexEntries] = std::move(u.indexEntries);
    argv[P::ClaimedKey] = std::move(u.claimedKey);
    argv[P::RoleContext] = std::move(roleContext);
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

Command createUser(const KeySpace &keys, CreateUserArgs a) {
    std::vector<std::string> keyNames = userWriteKeys(keys, a.user.id);
    std::vector<std::string> argv =
        userArgv<CreateArgv>(std::move(a.user), std::move(a.stamp), std::move(a.roleContext));
    // '' when the userName is lowercase already (the script then uses it).
    if (argv[CreateArgv::UserNameLower] == argv[CreateArgv::UserName]) {
        argv[CreateArgv::UserNameLower].clear();
    }
    while (argv.size() > CreateArgv::UserNameLower && argv.back().empty()) argv.pop_back();
    return scriptCall(createUserScript(), std::move(keyNames), std::move(argv));
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

// SMEMBERS first: the edge copies every reply of a batch but the last,
// and the user's is the large one.
Command readUser(const KeySpace &keys, std::string_view id) {
    std::vector<Command> reads;
    reads.reserve(2);
    reads.push_back(plain({"SMEMBERS", keys.memberOf(id)}));
    reads.push_back(plain({"HMGET", keys.user(id), "doc", "version", "created", "lastModified"}));
    return together(std::move(reads));
}

Command readGroupNames(const KeySpace &keys,
                       const std::vector<std::pair<std::string, std::string>> &groups) {
    std::vector<Command> reads;
    reads.reserve(groups.size());
    const std::string prefix = keys.groupKeyPrefix();
    for (const auto &group : groups) {
        reads.push_back(plain({"HGET", prefix + group.first, "displayName"}));
    }
    return together(std::move(reads));
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

// {SMEMBERS's ids, HMGET's doc, version, created, lastModified}; a nil
// doc: no such user.
ReadOutcome<UserRecord> readUserReplies(const std::vector<const redisReply *> &replies) {
    ReadOutcome<UserRecord> out;
    for (const redisReply *reply : replies) {
        if (isError(*reply)) {
            out.error = std::string(text(*reply));
            return out;
        }
    }
    if (replies.size() != 2 || !isArray(*replies[0])) {
        out.error = "unexpected reply to a user's read";
        return out;
    }
    UserRecord u;
    if (!readUserAt(*replies[1], 0, u)) return out;
    const redisReply &ids = *replies[0];
    u.groups.reserve(ids.elements);
    for (size_t i = 0; i < ids.elements; ++i) u.groups.emplace_back(textAt(ids, i), std::string());
    out.record = std::move(u);
    return out;
}

std::optional<std::string> readGroupNamesReplies(
    const std::vector<const redisReply *> &replies,
    std::vector<std::pair<std::string, std::string>> &groups) {
    if (replies.size() != groups.size()) return std::string("unexpected reply to groups' names");
    size_t kept = 0;
    for (size_t i = 0; i < replies.size(); ++i) {
        const redisReply &name = *replies[i];
        if (isError(name)) return std::string(text(name));
        if (name.type != REDIS_REPLY_STRING) continue;  // the group went away
        if (kept != i) groups[kept].first = std::move(groups[i].first);
        groups[kept].second = std::string(text(name));
        ++kept;
    }
    groups.resize(kept);
    return std::nullopt;
}

}  // namespace scim::store
