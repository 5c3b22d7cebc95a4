// Read scripts of the query engine. Each returns whole records, so a page is
// one consistent snapshot and one round trip. A record is kRecordFields
// replies: id, seq, doc, version, created, lastModified, memberships.
#include "scim/store/query_scripts.hpp"

#include <algorithm>

#include "scim/store/reply.hpp"
#include "script_argv.hpp"

namespace scim::store {

const Script &fetchCandidatesScript() {
    static const Script s = embeddedScript("fetch_candidates", ScriptAccess::ReadOnly);
    return s;
}

const Script &scanRecordsScript() {
    static const Script s = embeddedScript("scan_records", ScriptAccess::ReadOnly);
    return s;
}

const Script &pageRecordsScript() {
    static const Script s = embeddedScript("page_records", ScriptAccess::ReadOnly);
    return s;
}

const std::vector<const Script *> &queryScripts() {
    static const std::vector<const Script *> all{&fetchCandidatesScript(), &scanRecordsScript(),
                                                 &pageRecordsScript()};
    return all;
}

}  // namespace scim::store

namespace scim::store {

namespace {

// ARGV positions, as the scripts' headers list them (1-based there).
struct PageArgv {
    enum { Start, Count, Descending, RecordPrefix, Order, Size };
};
struct ScanArgv {
    enum { Bound, Direction, Batch, RecordPrefix, DocumentsOnly, MemberSuffix };
};
struct CandidatesArgv {
    enum { Mode, Min, Max, Limit, RecordPrefix, MemberSuffix, FirstProbe };
};

const char *modeName(ProbeKind kind) {
    switch (kind) {
    case ProbeKind::Id: return "id";
    case ProbeKind::Lex: return "lex";
    case ProbeKind::Score: return "score";
    case ProbeKind::Set: return "set";
    case ProbeKind::Name: return "name";
    }
    return "id";
}

ProbeKind modeOf(const std::string &name) {
    for (ProbeKind k : {ProbeKind::Id, ProbeKind::Lex, ProbeKind::Score, ProbeKind::Set,
                        ProbeKind::Name}) {
        if (name == modeName(k)) return k;
    }
    return ProbeKind::Id;
}

void appendProbe(std::vector<std::string> &argv, const MemberProbe &probe) {
    argv.push_back(probe.keySuffix);
    argv.insert(argv.end(), probe.ids.begin(), probe.ids.end());
}

// The probe from ARGV position `suffix` on: the key suffix, then the ids.
MemberProbe probeAt(const Argv &v, size_t suffix) {
    MemberProbe probe{v[suffix], {}};
    for (size_t i = suffix + 1; i < v.size(); ++i) probe.ids.push_back(v[i]);
    return probe;
}

}  // namespace

Command pageRecords(const PageRecordsArgs &a) {
    using P = PageArgv;
    std::vector<std::string> argv(P::Size);
    argv[P::Start] = std::to_string(a.start);
    argv[P::Count] = std::to_string(a.count);
    argv[P::Descending] = a.descending ? "1" : "0";
    argv[P::RecordPrefix] = a.recordPrefix;
    argv[P::Order] = a.lex ? "lex" : "id";
    return scriptCall(pageRecordsScript(), {a.orderKey}, std::move(argv));
}

bool sortPageServes(const PageRecordsArgs &a) {
    return !a.lex && a.count > 0 && a.start >= 0 &&
           a.recordPrefix.find('*') == std::string::npos;
}

Command pageTotal(const PageRecordsArgs &a) { return plain({"ZCARD", a.orderKey}); }

// The GETs follow kPageFields' order: id, doc, version, created, lastModified.
bool isSortGetRefusal(std::string_view errorText) {
    return errorText.find("unknown command 'SORT_RO'") != std::string_view::npos ||
           errorText.find("GET option of SORT denied") != std::string_view::npos;
}

Command sortPage(const PageRecordsArgs &a) {
    std::vector<std::string> argv{"SORT_RO", a.orderKey, "BY", "nosort", "LIMIT",
                                  std::to_string(a.start), std::to_string(a.count),
                                  a.descending ? "DESC" : "ASC", "GET", "#"};
    const std::string pattern = a.recordPrefix + "*->";
    for (const char *field : {"doc", "version", "created", "lastModified"}) {
        argv.emplace_back("GET");
        argv.push_back(pattern + field);
    }
    return plain(std::move(argv));
}

PageRecordsArgs pageRecordsArgsOf(const Command &c) {
    using P = PageArgv;
    Argv v{c};
    return {c.args.empty() ? "" : c.args[0], v.number(P::Start),      v.number(P::Count),
            v[P::Descending] == "1",        v[P::RecordPrefix],       v[P::Order] == "lex"};
}

Command scanRecords(const ScanRecordsArgs &a) {
    using P = ScanArgv;
    std::vector<std::string> argv(P::MemberSuffix);
    argv[P::Bound] = a.bound;
    argv[P::Direction] = a.descending ? "desc" : "asc";
    argv[P::Batch] = std::to_string(a.batch);
    argv[P::RecordPrefix] = a.recordPrefix;
    argv[P::DocumentsOnly] = a.documentsOnly ? "1" : "0";
    if (a.probe) appendProbe(argv, *a.probe);
    return scriptCall(scanRecordsScript(), {a.orderKey}, std::move(argv));
}

ScanRecordsArgs scanRecordsArgsOf(const Command &c) {
    using P = ScanArgv;
    Argv v{c};
    ScanRecordsArgs a{c.args.empty() ? "" : c.args[0], v[P::Bound], v[P::Direction] == "desc",
                      v.number(P::Batch), v[P::RecordPrefix], v[P::DocumentsOnly] == "1",
                      std::nullopt};
    if (v.size() > P::MemberSuffix) a.probe = probeAt(v, P::MemberSuffix);
    return a;
}

Command fetchCandidates(const FetchCandidatesArgs &a) {
    using P = CandidatesArgv;
    std::vector<std::string> argv(P::MemberSuffix);
    argv[P::Mode] = modeName(a.mode);
    argv[P::Min] = a.min;
    argv[P::Max] = a.max;
    argv[P::Limit] = std::to_string(a.limit);
    argv[P::RecordPrefix] = a.recordPrefix;
    appendProbe(argv, a.probe);
    return scriptCall(fetchCandidatesScript(), {a.indexKey}, std::move(argv));
}

Command fetchRecords(const FetchRecordsArgs &a) {
    using P = CandidatesArgv;
    std::vector<std::string> keys;
    keys.reserve(a.ids.size());
    for (const std::string &id : a.ids) keys.push_back(a.recordPrefix + id);
    std::vector<std::string> argv(P::FirstProbe);
    argv[P::Mode] = modeName(ProbeKind::Id);
    argv[P::Limit] = "0";
    argv[P::RecordPrefix] = a.recordPrefix;
    return scriptCall(fetchCandidatesScript(), std::move(keys), std::move(argv));
}

Command lookupName(const std::string &usersByNameKey, const std::string &foldedName) {
    return plain({"HGET", usersByNameKey, foldedName});
}

// The fields in fetch_candidates' order (lib/query_record.lua).
Command readRecord(const std::string &recordPrefix, const std::string &id) {
    return plain({"HMGET", recordPrefix + id, "seq", "doc", "version", "created", "lastModified"});
}

FetchCandidatesArgs fetchCandidatesArgsOf(const Command &c) {
    using P = CandidatesArgv;
    Argv v{c};
    return {c.args.empty() ? "" : c.args[0], modeOf(v[P::Mode]), v[P::Min], v[P::Max],
            v.number(P::Limit), v[P::RecordPrefix], probeAt(v, P::MemberSuffix)};
}

namespace {

// Where a reply's records start and which element holds each field
// (none: the script does not send it).
struct RecordLayout {
    size_t head;    // elements before the first record
    size_t fields;  // elements per record
    std::optional<size_t> seq, memberships;
    size_t doc, version, created, lastModified;
};
constexpr RecordLayout kFullRecords{1, kRecordFields, 1, 6, 2, 3, 4, 5};
constexpr RecordLayout kPageRecords{1, kPageFields, std::nullopt, std::nullopt, 1, 2, 3, 4};
constexpr RecordLayout kScanRecords{3, kRecordFields, 1, 6, 2, 3, 4, 5};

RecordsReply readRecords(const redisReply &reply, const RecordLayout &l) {
    RecordsReply out;
    if (isError(reply) || !isArray(reply)) {
        out.error = std::string(text(reply));
        return out;
    }
    if (const redisReply *head = element(reply, 0)) {
        out.total = integer(*head).value_or(0);
        out.tooMany = text(*head) == "toomany";
    }
    for (size_t i = l.head; i + l.fields <= reply.elements; i += l.fields) {
        QueryRecord r;
        r.id = std::string(textAt(reply, i));
        if (l.seq) r.seq = integer(*element(reply, i + *l.seq));
        const redisReply *doc = element(reply, i + l.doc);
        if (doc->type == REDIS_REPLY_STRING) r.doc = std::string(text(*doc));
        r.version = static_cast<uint64_t>(integer(*element(reply, i + l.version)).value_or(1));
        r.created = std::string(textAt(reply, i + l.created));
        r.lastModified = std::string(textAt(reply, i + l.lastModified));
        if (l.memberships) r.memberships = std::string(textAt(reply, i + *l.memberships));
        out.records.push_back(std::move(r));
    }
    return out;
}

}  // namespace

// {'ok' or 'toomany', (id, seq, doc, version, created, lastModified, memberships)...}
RecordsReply readRecordsReply(const redisReply &reply) { return readRecords(reply, kFullRecords); }

NameLookup readNameLookupReply(const redisReply &reply) {
    NameLookup out;
    if (isError(reply)) {
        out.error = std::string(text(reply));
    } else if (reply.type == REDIS_REPLY_STRING) {
        out.id = std::string(text(reply));
    }
    return out;
}

// {seq, doc, version, created, lastModified}: a nil doc is a record gone.
RecordsReply readRecordReply(const redisReply &reply, std::string id) {
    RecordsReply out;
    if (isError(reply) || !isArray(reply) || reply.elements != 5) {
        out.error = isError(reply) ? std::string(text(reply)) : "unexpected reply to a record's read";
        return out;
    }
    const redisReply *doc = element(reply, 1);
    if (doc->type != REDIS_REPLY_STRING) return out;
    QueryRecord r;
    r.id = std::move(id);
    r.seq = integer(*element(reply, 0));
    r.doc = std::string(text(*doc));
    r.version = static_cast<uint64_t>(integer(*element(reply, 2)).value_or(1));
    r.created = std::string(textAt(reply, 3));
    r.lastModified = std::string(textAt(reply, 4));
    out.records.push_back(std::move(r));
    return out;
}

// {total, (id, doc, version, created, lastModified)...}
RecordsReply readPageReply(const redisReply &reply) { return readRecords(reply, kPageRecords); }

// Views of the records from element `head` on (kPageRecords' fields).
static PageView readPageViewFrom(const redisReply &reply, size_t head) {
    constexpr RecordLayout l = kPageRecords;
    PageView out;
    if (isError(reply) || !isArray(reply)) {
        out.error = std::string(text(reply));
        return out;
    }
    out.records.reserve(reply.elements / l.fields);
    for (size_t i = head; i + l.fields <= reply.elements; i += l.fields) {
        PageRecordView r;
        r.id = textAt(reply, i);
        const redisReply *doc = element(reply, i + l.doc);
        r.present = doc->type == REDIS_REPLY_STRING;
        if (r.present) r.doc = text(*doc);
        r.version = static_cast<uint64_t>(integer(*element(reply, i + l.version)).value_or(1));
        r.created = textAt(reply, i + l.created);
        r.lastModified = textAt(reply, i + l.lastModified);
        out.records.push_back(r);
    }
    return out;
}

PageView readPageView(const redisReply &reply) {
    PageView out = readPageViewFrom(reply, kPageRecords.head);
    if (out.error) return out;
    if (const redisReply *head = element(reply, 0)) out.total = integer(*head);
    return out;
}

PageView readSortPageView(const redisReply &reply, long long total) {
    PageView out = readPageViewFrom(reply, 0);
    if (!out.error) out.total = total;
    return out;
}

// {total, examined, last seq or '', (id, seq, doc, version, created, lastModified,
// memberships)...}
RecordsReply readScanReply(const redisReply &reply) {
    RecordsReply out = readRecords(reply, kScanRecords);
    if (out.error) return out;
    if (const redisReply *examined = element(reply, 1)) out.examined = integer(*examined).value_or(0);
    if (const redisReply *last = element(reply, 2)) out.lastSeq = integer(*last);
    return out;
}

// {total, examined, last seq or '', (id, doc)...}
RecordsReply readScanDocumentsReply(const redisReply &reply) {
    constexpr size_t head = kScanRecords.head;
    RecordsReply out;
    if (isError(reply) || !isArray(reply)) {
        out.error = std::string(text(reply));
        return out;
    }
    if (const redisReply *total = element(reply, 0)) out.total = integer(*total).value_or(0);
    if (const redisReply *examined = element(reply, 1)) out.examined = integer(*examined).value_or(0);
    if (const redisReply *last = element(reply, 2)) out.lastSeq = integer(*last);
    out.records.reserve((reply.elements - std::min(reply.elements, head)) / 2);
    for (size_t i = head; i + 2 <= reply.elements; i += 2) {
        QueryRecord r;
        r.id = std::string(textAt(reply, i));
        const redisReply *doc = element(reply, i + 1);
        if (doc->type == REDIS_REPLY_STRING) r.doc = std::string(text(*doc));
        out.records.push_back(std::move(r));
    }
    return out;
}

}  // namespace scim::store
