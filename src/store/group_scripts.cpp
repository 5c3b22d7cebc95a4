// Groups in Redis (docs/redis-layout.md): the group hash holds the document
// without members; members live in `group:<id>:members` (member id →
// {"type","display"}), and `memberof:<id>` lists the groups a user or a
// nested group is in. Every write is one script (src/store/lua/*_group*.lua): it validates
// everything first (version, uniqueness, members, cycles), then writes, so
// a refused write leaves nothing behind.
#include "scim/store/group_scripts.hpp"

#include <algorithm>
#include <optional>

#include "scim/json.hpp"
#include "scim/store/reply.hpp"
#include "scim/strings.hpp"
#include "script_argv.hpp"

namespace scim::store {

const Script &createGroupScript() {
    static const Script s = embeddedScript("create_group", ScriptAccess::Writes);
    return s;
}

const Script &updateGroupScript() {
    static const Script s = embeddedScript("update_group", ScriptAccess::Writes);
    return s;
}

const Script &deleteGroupScript() {
    static const Script s = embeddedScript("delete_group", ScriptAccess::Writes);
    return s;
}

const Script &ensureSyntheticGroupsScript() {
    static const Script s = embeddedScript("ensure_synthetic_groups", ScriptAccess::Writes);
    return s;
}

const Script &readGroupScript() {
    static const Script s = embeddedScript("read_group", ScriptAccess::ReadOnly);
    return s;
}

const Script &readGroupMembersScript() {
    static const Script s = embeddedScript("read_group_members", ScriptAccess::ReadOnly);
    return s;
}

const std::vector<const Script *> &groupScripts() {
    static const std::vector<const Script *> all{
        &createGroupScript(), &updateGroupScript(),      &deleteGroupScript(),
        &readGroupScript(),   &readGroupMembersScript(), &ensureSyntheticGroupsScript()};
    return all;
}

}  // namespace scim::store

namespace scim::store {

namespace {

// ARGV positions, as the scripts' headers list them (1-based there).
struct CreateArgv {
    enum { Id, Doc, DisplayName, DisplayNameLower, IndexEntries, Adds, Time, NowMillis, Token,
           MaxLen, Unique, UserPrefix, GroupPrefix, MemberOfPrefix, MemberCap, RoleContext,
           Count };
};
struct UpdateArgv {
    enum { Id, ExpectedVersion, Doc, DisplayName, DisplayNameLower, IndexEntries, ReplaceAll,
           Adds, Removes, Time, NowMillis, Token, MaxLen, Unique, UserPrefix, GroupPrefix,
           MemberOfPrefix, MemberCap, ExpectedDoc, RoleContext, Count };
};
struct DeleteArgv {
    enum { Id, ExpectedVersion, Time, NowMillis, Token, MaxLen, GroupPrefix, MemberOfPrefix,
           RoleContext, Count };
};
struct EnsureArgv {
    enum { Groups, Time, NowMillis, MaxLen, GroupPrefix, Count };
    enum { Token = Count };  // not sent: reads back as ""
};
struct MembersArgv {
    enum { GroupPrefix, MemberCap, FirstId };
};
// One row of EnsureArgv::Groups.
enum SyntheticColumn { RowId, RowDisplayName, RowDisplayNameLower, RowIndexEntries, RowDoc };

std::string stringsJson(const std::vector<std::vector<std::string>> &rows) {
    JsonDoc out(rapidjson::kArrayType);
    auto &a = out.GetAllocator();
    for (const auto &row : rows) {
        Json r(rapidjson::kArrayType);
        for (const std::string &s : row) r.PushBack(jstr(s, a), a);
        out.PushBack(r, a);
    }
    return toString(out);
}

// [[id, display], …]
std::string addsJson(const std::vector<MemberAdd> &members) {
    std::vector<std::vector<std::string>> rows;
    rows.reserve(members.size());
    for (const MemberAdd &m : members) rows.push_back({m.id, m.display});
    return stringsJson(rows);
}

std::string idsJson(const std::vector<std::string> &ids) {
    JsonDoc out(rapidjson::kArrayType);
    for (const std::string &id : ids) out.PushBack(jstr(id, out.GetAllocator()), out.GetAllocator());
    return toString(out);
}

// Rows of strings of a JSON array of arrays (only what the builders wrote).
std::vector<std::vector<std::string>> rowsOf(const std::string &text) {
    std::vector<std::vector<std::string>> rows;
    JsonDoc d;
    d.Parse(text.data(), text.size());
    if (d.HasParseError() || !d.IsArray()) return rows;
    for (const Json &row : d.GetArray()) {
        rows.emplace_back();
        if (!row.IsArray()) continue;
        for (const Json &s : row.GetArray()) rows.back().emplace_back(s.IsString() ? str(s) : "");
    }
    return rows;
}

std::vector<MemberAdd> addsOf(const std::string &text) {
    std::vector<MemberAdd> out;
    for (auto &row : rowsOf(text)) {
        row.resize(2);
        out.push_back({row[0], row[1]});
    }
    return out;
}

std::vector<std::string> idsOf(const std::string &text) {
    std::vector<std::string> out;
    JsonDoc d;
    d.Parse(text.data(), text.size());
    if (d.HasParseError() || !d.IsArray()) return out;
    for (const Json &s : d.GetArray()) out.emplace_back(s.IsString() ? str(s) : "");
    return out;
}

// Create and update place the same fields, at the positions of `P`.
template <class P>
void groupArgv(std::vector<std::string> &argv, const KeySpace &keys, const GroupFields &g,
               bool unique, long long cap, const WriteStamp &stamp,
               const std::string &roleContext) {
    argv[P::Id] = g.id;
    argv[P::Doc] = g.doc;
    argv[P::DisplayName] = g.displayName;
    argv[P::DisplayNameLower] = lower(g.displayName);
    argv[P::IndexEntries] = g.indexEntries;
    argv[P::Time] = stamp.time;
    argv[P::NowMillis] = std::to_string(stamp.nowMillis);
    argv[P::Token] = stamp.token;
    argv[P::MaxLen] = std::to_string(stamp.eventsMaxLen);
    argv[P::Unique] = unique ? "1" : "0";
    argv[P::UserPrefix] = keys.userKeyPrefix();
    argv[P::GroupPrefix] = keys.groupKeyPrefix();
    argv[P::MemberOfPrefix] = keys.memberOfPrefix();
    argv[P::MemberCap] = std::to_string(cap);
    argv[P::RoleContext] = roleContext;
}

template <class P>
GroupFields groupFieldsOf(const Argv &v) {
    return {v[P::Id], v[P::Doc], v[P::DisplayName], v[P::IndexEntries]};
}

// Stored member JSON is {"type":"User"|"Group","display":"…"}.
GroupMember memberFrom(std::string id, std::string_view stored) {
    GroupMember m{std::move(id), "User", ""};
    JsonDoc d;
    d.Parse(stored.data(), stored.size());
    if (d.HasParseError() || !d.IsObject()) return m;
    if (auto t = d.FindMember("type"); t != d.MemberEnd() && t->value.IsString()) {
        m.type = std::string(str(t->value));
    }
    if (auto n = d.FindMember("display"); n != d.MemberEnd() && n->value.IsString()) {
        m.display = std::string(str(n->value));
    }
    return m;
}

// doc, version, created, lastModified from element `offset`; false when
// there is no document (no such group).
bool readHead(const redisReply &reply, size_t offset, GroupRecord &g) {
    const redisReply *doc = element(reply, offset);
    if (!doc || doc->type != REDIS_REPLY_STRING) return false;
    g.doc = std::string(text(*doc));
    const redisReply *version = element(reply, offset + 1);
    g.version = static_cast<uint64_t>(version ? integer(*version).value_or(1) : 1);
    g.created = std::string(textAt(reply, offset + 2));
    g.lastModified = std::string(textAt(reply, offset + 3));
    return true;
}

// "member total, n, n pairs" from element `offset`; the offset past them,
// nullopt when malformed.
std::optional<size_t> readMembers(const redisReply &reply, size_t offset, GroupMembers &g) {
    const redisReply *total = element(reply, offset);
    const redisReply *count = element(reply, offset + 1);
    if (!total || !count) return std::nullopt;
    g.total = integer(*total).value_or(-1);
    long long n = integer(*count).value_or(-1);
    size_t end = offset + 2 + 2 * static_cast<size_t>(std::max(n, 0LL));
    if (n < 0 || end > reply.elements) return std::nullopt;
    g.members.clear();
    g.members.reserve(static_cast<size_t>(n));
    for (size_t i = offset + 2; i < end; i += 2) {
        g.members.push_back(memberFrom(std::string(textAt(reply, i)), textAt(reply, i + 1)));
    }
    return end;
}

bool readRecord(const redisReply &reply, size_t offset, GroupRecord &g) {
    return readHead(reply, offset, g) && readMembers(reply, offset + 4, g.members);
}

// The group `read` finds at element 0, none, or Redis's error.
ReadOutcome<GroupRecord> readGroupAt(const redisReply &reply,
                                     bool (*read)(const redisReply &, size_t, GroupRecord &)) {
    ReadOutcome<GroupRecord> out;
    if (isError(reply)) {
        out.error = std::string(text(reply));
        return out;
    }
    GroupRecord g;
    if (read(reply, 0, g)) out.record = std::move(g);
    return out;
}

}  // namespace

Command createGroup(const KeySpace &keys, const CreateGroupArgs &a) {
    using P = CreateArgv;
    std::vector<std::string> argv(P::Count);
    groupArgv<P>(argv, keys, a.group, a.uniqueDisplayName, a.memberCap, a.stamp, a.roleContext);
    argv[P::Adds] = addsJson(a.members);
    return scriptCall(createGroupScript(), groupWriteKeys(keys, a.group.id), std::move(argv));
}

CreateGroupArgs createGroupArgsOf(const Command &c) {
    using P = CreateArgv;
    Argv v{c};
    return {groupFieldsOf<P>(v), addsOf(v[P::Adds]), v[P::Unique] == "1", v.number(P::MemberCap),
            stampOf<P>(v),       v[P::RoleContext]};
}

Command updateGroup(const KeySpace &keys, const UpdateGroupArgs &a) {
    using P = UpdateArgv;
    std::vector<std::string> argv(P::Count);
    groupArgv<P>(argv, keys, a.group, a.uniqueDisplayName, a.memberCap, a.stamp, a.roleContext);
    argv[P::ExpectedVersion] = a.expectedVersion;
    argv[P::ExpectedDoc] = a.expectedDoc;
    argv[P::ReplaceAll] = a.replaceMembers ? "1" : "0";
    argv[P::Adds] = addsJson(a.add);
    argv[P::Removes] = idsJson(a.remove);
    return scriptCall(updateGroupScript(), groupWriteKeys(keys, a.group.id), std::move(argv));
}

UpdateGroupArgs updateGroupArgsOf(const Command &c) {
    using P = UpdateArgv;
    Argv v{c};
    return {groupFieldsOf<P>(v), v[P::ExpectedVersion],   v[P::ExpectedDoc],
            v[P::ReplaceAll] == "1", addsOf(v[P::Adds]), idsOf(v[P::Removes]),
            v[P::Unique] == "1",  v.number(P::MemberCap), stampOf<P>(v),
            v[P::RoleContext]};
}

Command deleteGroup(const KeySpace &keys, const DeleteGroupArgs &a) {
    using P = DeleteArgv;
    std::vector<std::string> argv(P::Count);
    argv[P::Id] = a.id;
    argv[P::ExpectedVersion] = a.expectedVersion;
    argv[P::Time] = a.stamp.time;
    argv[P::NowMillis] = std::to_string(a.stamp.nowMillis);
    argv[P::Token] = a.stamp.token;
    argv[P::MaxLen] = std::to_string(a.stamp.eventsMaxLen);
    argv[P::GroupPrefix] = keys.groupKeyPrefix();
    argv[P::MemberOfPrefix] = keys.memberOfPrefix();
    argv[P::RoleContext] = a.roleContext;
    return scriptCall(deleteGroupScript(), groupWriteKeys(keys, a.id), std::move(argv));
}

DeleteGroupArgs deleteGroupArgsOf(const Command &c) {
    using P = DeleteArgv;
    Argv v{c};
    return {v[P::Id], v[P::ExpectedVersion], stampOf<P>(v), v[P::RoleContext]};
}

Command ensureSyntheticGroups(const KeySpace &keys, const EnsureSyntheticGroupsArgs &a) {
    using P = EnsureArgv;
    std::vector<std::vector<std::string>> rows;
    for (const SyntheticGroupFields &g : a.groups) {
        rows.push_back({g.id, g.displayName, lower(g.displayName), g.indexEntries, g.doc});
    }
    std::vector<std::string> argv(P::Count);
    argv[P::Groups] = stringsJson(rows);
    argv[P::Time] = a.stamp.time;
    argv[P::NowMillis] = std::to_string(a.stamp.nowMillis);
    argv[P::MaxLen] = std::to_string(a.stamp.eventsMaxLen);
    argv[P::GroupPrefix] = keys.groupKeyPrefix();
    std::string first = a.groups.empty() ? std::string() : a.groups.front().id;
    return scriptCall(ensureSyntheticGroupsScript(), groupWriteKeys(keys, first), std::move(argv));
}

EnsureSyntheticGroupsArgs ensureSyntheticGroupsArgsOf(const Command &c) {
    using P = EnsureArgv;
    Argv v{c};
    EnsureSyntheticGroupsArgs a;
    for (auto &row : rowsOf(v[P::Groups])) {
        row.resize(RowDoc + 1);
        a.groups.push_back({row[RowId], row[RowDisplayName], row[RowIndexEntries], row[RowDoc]});
    }
    a.stamp = stampOf<P>(v);
    return a;
}

Command readGroupHead(const KeySpace &keys, std::string_view id) {
    return plain({"HMGET", keys.group(id), "doc", "version", "created", "lastModified"});
}

Command readGroup(const KeySpace &keys, std::string_view id, long long memberCap) {
    return scriptCall(readGroupScript(), {keys.group(id)}, {std::to_string(memberCap)});
}

Command readGroupMembers(const KeySpace &keys, long long memberCap,
                         const std::vector<std::string> &ids) {
    std::vector<std::string> argv{keys.groupKeyPrefix(), std::to_string(memberCap)};
    argv.insert(argv.end(), ids.begin(), ids.end());
    return scriptCall(readGroupMembersScript(), {keys.groups()}, std::move(argv));
}

ReadGroupMembersArgs readGroupMembersArgsOf(const Command &c) {
    using P = MembersArgv;
    Argv v{c};
    ReadGroupMembersArgs a;
    a.memberCap = v.number(P::MemberCap);
    for (size_t i = P::FirstId; i < v.size(); ++i) a.ids.push_back(v[i]);
    return a;
}

// {doc, version, created, lastModified} (HMGET: nil doc when missing).
ReadOutcome<GroupRecord> readGroupHeadReply(const redisReply &reply) {
    return readGroupAt(reply, readHead);
}

// A group record (kGroupRecordHead) or {}.
ReadOutcome<GroupRecord> readGroupReply(const redisReply &reply) {
    return readGroupAt(reply, readRecord);
}

// For each id asked: member total, n, n (id, member JSON) pairs.
ReadOutcome<std::vector<GroupMembers>> readGroupMembersReply(const redisReply &reply) {
    ReadOutcome<std::vector<GroupMembers>> out;
    if (isError(reply) || !isArray(reply)) {
        out.error = std::string(text(reply));
        return out;
    }
    std::vector<GroupMembers> lists;
    for (size_t offset = 0; offset < reply.elements;) {
        GroupMembers g;
        auto next = readMembers(reply, offset, g);
        if (!next) {
            out.error = "malformed member list";
            return out;
        }
        offset = *next;
        lists.push_back(std::move(g));
    }
    out.record = std::move(lists);
    return out;
}

// {'ok', group record} or a write outcome.
GroupWriteResult readGroupWriteReply(const redisReply &reply) {
    GroupWriteResult r;
    r.outcome = readWriteOutcome(reply);
    GroupRecord current;
    if (r.outcome.kind == WriteOutcome::Kind::Precondition && readHead(reply, 2, current)) {
        r.current = std::move(current);
    }
    if (r.outcome.ok() && !readRecord(reply, 1, r.group)) {
        r.outcome.kind = WriteOutcome::Kind::Failed;
        r.outcome.error = "malformed group record";
    }
    return r;
}

WriteOutcome readGroupDeleteReply(const redisReply &reply) { return readWriteOutcome(reply); }

// How many groups it created.
WriteOutcome readEnsureSyntheticGroupsReply(const redisReply &reply) {
    WriteOutcome o;
    if (isError(reply)) {
        o.error = std::string(text(reply));
    } else {
        o.kind = WriteOutcome::Kind::Ok;
    }
    return o;
}

}  // namespace scim::store
