// Read scripts of the query engine. Each returns whole records, so a page is
// one consistent snapshot and one round trip. A record is kRecordFields
// replies: id, seq, doc, version, created, lastModified, memberships.
#include "scim/store/query_scripts.hpp"

#include "scim/store/reply.hpp"
#include "script_argv.hpp"

namespace scim::store {

const Script &fetchCandidatesScript() {
    static const Script s = embeddedScript("fetch_candidates");
    return s;
}

const Script &scanRecordsScript() {
    static const Script s = embeddedScript("scan_records");
    return s;
}

const Script &pageRecordsScript() {
    static const Script s = embeddedScript("page_records");
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
    enum { Bound, Direction, Batch, RecordPrefix, MemberSuffix, FirstProbe };
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
    }
    return "id";
}

ProbeKind modeOf(const std::string &name) {
    for (ProbeKind k : {ProbeKind::Id, ProbeKind::Lex, ProbeKind::Score, ProbeKind::Set}) {
        if (name == modeName(k)) return k;
    }
    return ProbeKind::Id;
}

void appendProbe(std::vector<std::string> &argv, const MemberProbe &probe) {
    argv.push_back(probe.keySuffix);
    argv.insert(argv.end(), probe.ids.begin(), probe.ids.end());
}

template <class P>
MemberProbe probeOf(const Argv &v) {
    MemberProbe probe{v[P::MemberSuffix], {}};
    for (size_t i = P::FirstProbe; i < v.size(); ++i) probe.ids.push_back(v[i]);
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
    if (a.probe) appendProbe(argv, *a.probe);
    return scriptCall(scanRecordsScript(), {a.orderKey}, std::move(argv));
}

ScanRecordsArgs scanRecordsArgsOf(const Command &c) {
    using P = ScanArgv;
    Argv v{c};
    ScanRecordsArgs a{c.args.empty() ? "" : c.args[0], v[P::Bound], v[P::Direction] == "desc",
                      v.number(P::Batch), v[P::RecordPrefix], std::nullopt};
    if (v.size() > P::MemberSuffix) a.probe = probeOf<P>(v);
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

FetchCandidatesArgs fetchCandidatesArgsOf(const Command &c) {
    using P = CandidatesArgv;
    Argv v{c};
    return {c.args.empty() ? "" : c.args[0], modeOf(v[P::Mode]), v[P::Min], v[P::Max],
            v.number(P::Limit), v[P::RecordPrefix], probeOf<P>(v)};
}

// {head, (id, seq, doc, version, created, lastModified, memberships)...}
RecordsReply readRecordsReply(const redisReply &reply) {
    RecordsReply out;
    if (isError(reply) || !isArray(reply)) {
        out.error = std::string(text(reply));
        return out;
    }
    if (const redisReply *head = element(reply, 0)) {
        out.total = integer(*head).value_or(0);
        out.tooMany = text(*head) == "toomany";
    }
    for (size_t i = 1; i + kRecordFields <= reply.elements; i += kRecordFields) {
        QueryRecord r;
        r.id = std::string(textAt(reply, i));
        r.seq = integer(*element(reply, i + 1));
        const redisReply *doc = element(reply, i + 2);
        if (doc->type == REDIS_REPLY_STRING) r.doc = std::string(text(*doc));
        r.version = static_cast<uint64_t>(integer(*element(reply, i + 3)).value_or(1));
        r.created = std::string(textAt(reply, i + 4));
        r.lastModified = std::string(textAt(reply, i + 5));
        r.memberships = std::string(textAt(reply, i + 6));
        out.records.push_back(std::move(r));
    }
    return out;
}

}  // namespace scim::store
