// The query engine's read scripts (src/store/lua/fetch_candidates.lua,
// page_records.lua, scan_records.lua). Each argument is a named field here,
// placed in KEYS and ARGV only by the builders, and each reply is read into
// named fields only by readRecordsReply.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scim/query_plan.hpp"
#include "scim/store/command.hpp"
#include "scim/store/scripts.hpp"

struct redisReply;

namespace scim::store {

// id, seq, doc, version, created, lastModified, memberships
inline constexpr size_t kRecordFields = 7;
// page_records: id, doc, version, created, lastModified (an index page
// needs no seq and probes no members)
inline constexpr size_t kPageFields = 5;

const Script &fetchCandidatesScript();
const Script &scanRecordsScript();
const Script &pageRecordsScript();

// Member ids a `members eq` filter probes: a record then says which of them
// its resource holds (QueryRecord::memberships).
struct MemberProbe {
    std::string keySuffix;  // the members' key suffix (":members")
    std::vector<std::string> ids;
};

// One page by rank of an ordering set.
struct PageRecordsArgs {
    std::string orderKey;  // creation order, a lexicographic or a time index
    long long start = 0;   // 0-based
    long long count = 0;
    bool descending = false;
    std::string recordPrefix;  // the resource key prefix
    bool lex = false;          // members are "<value>\0<id>"
};

// A batch of records in creation order past a bound.
struct ScanRecordsArgs {
    std::string orderKey;  // the creation-order set
    std::string bound;     // store::seqAfter or store::kSeqStart
    bool descending = false;
    long long batch = 0;
    std::string recordPrefix;
    // Only each record's id and doc (readScanDocumentsReply): the caller
    // tests the text (filter::mayMatch) and reads the records it keeps
    // (fetchRecords). Reading the document in Redis costs a third of
    // testing it there in Lua.
    bool documentsOnly = false;
    std::optional<MemberProbe> probe;  // none: nothing sent after the flag
};

// Whole records by id (fetch_candidates' 'id' mode, one key per id),
// answered as readRecordsReply reads them.
struct FetchRecordsArgs {
    std::string recordPrefix;
    std::vector<std::string> ids;
};

// The records an index probe can match.
struct FetchCandidatesArgs {
    std::string indexKey;  // Id: the resource key itself; Set: the memberof set
    ProbeKind mode = ProbeKind::Id;
    std::string min, max;  // store::rangeBounds
    long long limit = 0;   // more than this answers `tooMany`
    std::string recordPrefix;
    MemberProbe probe;
};

Command pageRecords(const PageRecordsArgs &args);

// The same page without a script, in two plain commands: ZCARD for the
// total, then SORT_RO <order> BY nosort LIMIT start count GET # GET
// <prefix>*->doc … (a sorted set keeps its order under BY nosort), which
// reads every record's fields in one command at about half the
// instructions of page_records.lua's 100 HMGETs from Lua. Each command is
// atomic, so a record is never broken; one deleted or created between the
// two moves only the total. Only for sets of plain ids (not `lex`) and a
// prefix without '*' (the GET pattern's wildcard); Redis Cluster 7.0
// refuses SORT's GET (ServiceConfig::sortGetPages).
bool sortPageServes(const PageRecordsArgs &args);
Command pageTotal(const PageRecordsArgs &args);
Command sortPage(const PageRecordsArgs &args);
// Whether an error reply is a Redis refusing sortPage's command where the
// script would serve: no SORT_RO before 7.0, or an ACL user that may not
// use SORT's GET (limited to some keys).
bool isSortGetRefusal(std::string_view errorText);
Command scanRecords(const ScanRecordsArgs &args);
Command fetchCandidates(const FetchCandidatesArgs &args);
Command fetchRecords(const FetchRecordsArgs &args);

// A `userName eq` probe without a script, in two plain reads: HGET of
// users:by-name for the id, then (when there is one) HMGET of that user's
// record. Inside Redis the pair takes under a tenth of fetch_candidates'
// time (0.44 against 5.0 µs per request, INFO commandstats); the worker
// pays one more round trip (bench/README.md, session 9).
// Only without member probes (users have none).
Command lookupName(const std::string &usersByNameKey, const std::string &foldedName);
Command readRecord(const std::string &recordPrefix, const std::string &id);

// The arguments a command above carries (tests, logs).
PageRecordsArgs pageRecordsArgsOf(const Command &command);
ScanRecordsArgs scanRecordsArgsOf(const Command &command);
FetchCandidatesArgs fetchCandidatesArgsOf(const Command &command);

struct QueryRecord {
    std::string id;
    std::optional<long long> seq;
    std::optional<std::string> doc;  // none: the resource is gone
    uint64_t version = 1;
    std::string created, lastModified;
    std::string memberships;  // JSON array of the probed ids it holds, or ""
};

// What the three scripts return: a head, then records. fetch_candidates:
// 'ok' or 'toomany', then kRecordFields per record (readRecordsReply);
// page_records: the total, then kPageFields per record (readPageReply);
// scan_records: the total, how many records it examined and the last
// sequence among them, then kRecordFields per record it kept
// (readScanReply), or, with documentsOnly, an id and a doc per record
// (readScanDocumentsReply: only id and doc are set).
struct RecordsReply {
    std::optional<std::string> error;  // Redis's error, or a reply that is no array
    std::optional<long long> total;    // none when the head is missing
    bool tooMany = false;
    long long examined = 0;           // scan_records: records read, kept or not
    std::optional<long long> lastSeq;  // scan_records: the last one's sequence
    std::vector<QueryRecord> records;
};
RecordsReply readRecordsReply(const redisReply &reply);
RecordsReply readPageReply(const redisReply &reply);

// A page_records record as views of the reply's text: valid while the reply
// is, so a page is written from the reply without copying its records.
struct PageRecordView {
    std::string_view id, doc, created, lastModified;
    bool present = false;  // false: the resource is gone (no doc)
    uint64_t version = 1;
};
struct PageView {
    std::optional<std::string> error;  // as RecordsReply::error
    std::optional<long long> total;
    std::vector<PageRecordView> records;
};
PageView readPageView(const redisReply &reply);
// SORT_RO's reply (sortPage): kPageFields per record, no head; `total`
// is what ZCARD answered.
PageView readSortPageView(const redisReply &reply, long long total);
// lookupName's reply: the id (none: no such userName), or Redis's error.
struct NameLookup {
    std::optional<std::string> error;
    std::optional<std::string> id;
};
NameLookup readNameLookupReply(const redisReply &reply);
// readRecord's reply: the record of `id` (none when it is gone), as
// readRecordsReply reads fetch_candidates' (no memberships).
RecordsReply readRecordReply(const redisReply &reply, std::string id);
RecordsReply readScanReply(const redisReply &reply);
RecordsReply readScanDocumentsReply(const redisReply &reply);

}  // namespace scim::store
