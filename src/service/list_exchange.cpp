#include "list_exchange.hpp"

#include <algorithm>

#include "query_page.hpp"
#include "query_sort.hpp"
#include "scim/store/query_bounds.hpp"
#include "scim/store/query_scripts.hpp"
#include "scim/store/reply.hpp"
#include "scim/filter_prefilter.hpp"
#include "scim/render_text.hpp"
#include "user_records.hpp"

namespace scim {

namespace {

// One resource as the read scripts return it; nullopt when it is gone.
std::optional<Match> matchOf(store::QueryRecord &record, const Collection &c,
                             const Request &request) {
    if (!record.doc) return std::nullopt;
    Match m;
    m.meta.id = std::move(record.id);
    m.seq = record.seq.value_or(0);
    m.doc = std::move(*record.doc);
    m.meta.version = record.version;
    m.meta.created = std::move(record.created);
    m.meta.lastModified = std::move(record.lastModified);
    m.meta.location = request.baseUrl + c.endpoint + "/" + m.meta.id;
    m.memberships = std::move(record.memberships);
    return m;
}

// Parsing and rendering a record for the filter allocates into a pool
// that is reset after each record: no allocation per record once warm.
class ScratchPool {
public:
    ScratchPool() : pool_(buffer_, sizeof buffer_, sizeof buffer_) {}
    JsonAlloc &get() { return pool_; }
    void reset() { pool_.Clear(); }
    // Resets the pool when it goes out of scope.
    struct Lease {
        ScratchPool &pool;
        ~Lease() { pool.reset(); }
    };

private:
    char buffer_[16384];
    JsonAlloc pool_;
};

class QueryExchange final : public RequestExchange {
public:
    QueryExchange(Collection c, Request &&r, const ServiceConfig &config,
                  Expected<ListRequest> parsed, PageSink sink)
        : RequestExchange(std::move(r), config),
          c_(std::move(c)),
          parsed_(std::move(parsed)),
          sink_(std::move(sink)) {}

    Step start() override {
        if (!parsed_) return errorResponse(parsed_.error());
        list_ = std::move(*parsed_);
        if (!list_.sortBy.empty()) {
            if (auto e = checkSortBy(*c_.type, list_.sortBy)) return errorResponse(*e);
        }
        if (list_.filter) {
            if (auto e = filter::checkAgainst(*list_.filter, *c_.type)) return errorResponse(*e);
        }
        collector_.emplace(list_);
        if (list_.filter && !c_.memberSuffix.empty()) {
            memberProbes_ = memberValues(*list_.filter, *c_.type);
        }
        if (!list_.filter) {
            if (list_.cursorPaging) return cursorCommand();
            if (auto order = indexedOrder()) return pageCommand(order->first, order->second);
            return scanCommand(store::kSeqStart);
        }
        if (auto probe = planProbe(*list_.filter, *c_.type, config_.indexes(*c_.type))) {
            if (auto cmd = candidatesCommand(*probe)) return std::move(*cmd);
        }
        return scanCommand(store::kSeqStart);
    }

    Step onReply(const redisReply &reply) override {
        if (phase_ == Phase::SortPage) return storeFailure("a single reply to a batch");
        if (phase_ == Phase::NameLookup) return onNameLookup(store::readNameLookupReply(reply));
        if (phase_ == Phase::NameRecord) {
            store::RecordsReply record = store::readRecordReply(reply, std::move(namedId_));
            if (record.error) return storeFailure(*record.error);
            return onCandidates(record);
        }
        if (phase_ == Phase::Page && copiesFromText()) return onTextPage(store::readPageView(reply));
        store::RecordsReply records = readReply(reply);
        if (records.error) return storeFailure(*records.error);
        switch (phase_) {
        case Phase::Page:
        case Phase::SortPage: return onPage(records);
        case Phase::Cursor: return onCursorPage(records);
        case Phase::Candidates: return onCandidates(records);
        case Phase::NameLookup:
        case Phase::NameRecord: break;  // answered above
        case Phase::Scan:
        case Phase::ScanDocuments: return onScan(records);
        case Phase::ScanKept: return onKept(records);
        }
        return storeFailure("unexpected phase");
    }

    // ZCARD and SORT_RO answered together (pageCommand).
    Step onReplies(const std::vector<const redisReply *> &replies) override {
        if (phase_ != Phase::SortPage || replies.size() != 2) {
            return storeFailure("replies nobody asked for");
        }
        return onSortPage(*replies[0], *replies[1]);
    }

private:
    // SortPage: an unsorted page read with ZCARD and SORT_RO together;
    // NameLookup, NameRecord: a `userName eq` probe's id, then its record;
    // ScanDocuments: a batch of ids and docs whose text the worker tests;
    // ScanKept: the records of that batch that passed.
    enum class Phase {
        Page, SortPage, Cursor, Candidates, NameLookup, NameRecord, Scan, ScanDocuments, ScanKept
    };

    // Each script has its reply's shape (store/query_scripts.hpp).
    store::RecordsReply readReply(const redisReply &reply) const {
        switch (phase_) {
        case Phase::Page:
        case Phase::SortPage: return store::readPageReply(reply);
        case Phase::Cursor:
        case Phase::Scan: return store::readScanReply(reply);
        case Phase::ScanDocuments: return store::readScanDocumentsReply(reply);
        case Phase::Candidates:
        case Phase::NameLookup:
        case Phase::NameRecord:
        case Phase::ScanKept: break;
        }
        return store::readRecordsReply(reply);
    }

    bool sorting() const { return !list_.sortBy.empty(); }

    // Orders an index keeps, so an unfiltered page needs no scan:
    // creation order, the userName/displayName index, lastModified.
    std::optional<std::pair<std::string, bool>> indexedOrder() const {
        if (!sorting()) return std::make_pair(c_.orderKey, false);
        AttrPath p = resolvePath(*c_.type, list_.sortBy);
        if (!p.attr || p.extension) return std::nullopt;
        const std::string &name = p.attr->name;
        const std::string sub = p.subAttr ? p.subAttr->name : "";
        if (name == "meta" && sub == "created") return std::make_pair(c_.orderKey, false);
        std::optional<IndexName> index;
        if (name == "meta" && sub == "lastModified") index = IndexName::LastModified;
        if (name == "userName" && sub.empty()) index = IndexName::UserName;
        if (name == "displayName" && sub.empty()) index = IndexName::DisplayName;
        if (!index) return std::nullopt;
        auto key = c_.indexKey(c_.keys, *index);
        if (!key) return std::nullopt;
        bool lex = *index != IndexName::LastModified;
        return std::make_pair(*key, lex);
    }

    store::Command pageCommand(const std::string &key, bool lex) {
        pageArgs_ = {key, list_.startIndex - 1, list_.count, list_.descending, c_.recordPrefix, lex};
        if (sortGetUsable() && copiesFromText() && store::sortPageServes(pageArgs_)) {
            phase_ = Phase::SortPage;
            return store::together({store::pageTotal(pageArgs_), store::sortPage(pageArgs_)});
        }
        phase_ = Phase::Page;
        return store::pageRecords(pageArgs_);
    }

    bool sortGetUsable() const {
        return config_.sortGetPages && !(request_.storeFacts && request_.storeFacts->sortGetRefused);
    }

    // ZCARD's and SORT_RO's replies. A refused SORT_RO means this Redis
    // refuses it where the script works (StoreFacts::sortGetRefused): the
    // script reads the page; ZCARD's reply is then of no use.
    Step onSortPage(const redisReply &total, const redisReply &sorted) {
        if (store::isError(sorted)) {
            if (request_.storeFacts) request_.storeFacts->sortGetRefused = true;
            phase_ = Phase::Page;
            return store::pageRecords(pageArgs_);
        }
        if (store::isError(total)) return storeFailure(std::string(store::text(total)));
        auto count = store::integer(total);
        if (!count) return storeFailure("a page total that is no integer");
        return onTextPage(store::readSortPageView(sorted, *count));
    }

    // Unfiltered cursor pages read straight from the creation-order set:
    // one more record than the page tells whether another page follows.
    store::Command cursorCommand() {
        phase_ = Phase::Cursor;
        const auto &cur = list_.cursor;
        bool forwards = !cur || cur->after;
        std::string bound = cur ? store::seqAfter(cur->seq) : store::kSeqStart;
        return store::scanRecords(
            {c_.orderKey, bound, !forwards, list_.count + 1, c_.recordPrefix, {}, std::nullopt});
    }

    std::optional<store::Command> candidatesCommand(const IndexProbe &probe) {
        std::string key;
        if (probe.kind == ProbeKind::Id) {
            key = c_.recordPrefix + probe.value;
        } else if (probe.kind == ProbeKind::Name) {
            key = c_.keys.usersByName();
        } else if (probe.kind == ProbeKind::Set) {
            key = c_.keys.memberOf(probe.value);
        } else if (probe.index == IndexName::Declared) {
            key = c_.type == &config_.groupType() ? c_.keys.groupIndex(probe.path)
                                                   : c_.keys.userIndex(probe.path);
        } else {
            auto k = c_.indexKey(c_.keys, probe.index);
            if (!k) return std::nullopt;
            key = *k;
        }
        nameProbe_ = probe.kind == ProbeKind::Name;
        store::RangeBounds range = store::rangeBounds(probe);
        if (nameProbe_ && memberProbes_.empty()) {
            phase_ = Phase::NameLookup;
            return store::lookupName(key, range.min);
        }
        phase_ = Phase::Candidates;
        return store::fetchCandidates({key, probe.kind, range.min, range.max,
                                       static_cast<long long>(config_.maxCandidates),
                                       c_.recordPrefix, memberProbe()});
    }

    store::Command scanCommand(const std::string &bound) {
        // Probed members stand in for a group's (they are not in its
        // document), so the document's text says nothing about them.
        if (list_.filter && memberProbes_.empty() && bound == store::kSeqStart) {
            required_ = filter::requiredTexts(*list_.filter, *c_.type);
        }
        // With texts to test, Redis sends each record's document only; the
        // records that pass are read afterwards (onScan, onKept).
        bool documents = !required_.empty();
        phase_ = documents ? Phase::ScanDocuments : Phase::Scan;
        return store::scanRecords({c_.orderKey, bound, false,
                                   static_cast<long long>(config_.scanBatch), c_.recordPrefix,
                                   documents, memberProbe()});
    }

    // The member ids a `members eq` filter probes.
    store::MemberProbe memberProbe() const { return {c_.memberSuffix, memberProbes_}; }

    // Group records carry no members: the probed ids a group holds stand in
    // for its member list while the filter is evaluated.
    static void addProbedMembers(Json &resource, const std::string &held, JsonAlloc &a) {
        JsonDoc ids(&a);
        ids.Parse(held.data(), held.size());
        Json members(rapidjson::kArrayType);
        if (!ids.HasParseError() && ids.IsArray()) {
            for (const Json &id : ids.GetArray()) {
                if (!id.IsString()) continue;
                Json member(rapidjson::kObjectType);
                member.AddMember("value", Json(id, a), a);
                members.PushBack(member, a);
            }
        }
        resource.RemoveMember("members");
        if (!members.Empty()) resource.AddMember("members", members, a);
    }

    Step onPage(store::RecordsReply &reply) {
        if (!reply.total) return storeFailure("a page reply without its total");  // request_fuzz
        total_ = *reply.total;
        for (store::QueryRecord &record : reply.records) {
            auto m = matchAt(record, false);
            if (m) collector_->page().push_back(std::move(*m));
        }
        return listResponse();
    }

    // A page written straight from the reply's text (no sort key, no
    // projection, no sink): no record is copied out of the reply.
    bool copiesFromText() const { return !sink_ && !sorting() && list_.projection.empty(); }

    Step onTextPage(const store::PageView &reply) {
        if (reply.error) return storeFailure(*reply.error);
        if (!reply.total) return storeFailure("a page reply without its total");  // request_fuzz
        total_ = *reply.total;
        size_t estimate = 512, items = 0;
        for (const store::PageRecordView &r : reply.records) {
            if (!r.present) continue;
            ++items;
            estimate += r.doc.size() + request_.baseUrl.size() + r.id.size() + 256;
        }
        JsonOut out(estimate);
        JsonWriter w(out);
        writeListHead(w, items);
        ResourceTextWriter text(*c_.type);
        // One location buffer, its prefix kept: no allocation per record.
        std::string location = request_.baseUrl + c_.endpoint + "/";
        const size_t prefix = location.size();
        for (const store::PageRecordView &r : reply.records) {
            if (!r.present) continue;
            location.resize(prefix);
            location.append(r.id);
            ResourceMetaView meta{r.id, r.created, r.lastModified, r.version, location};
            if (text.write(w, r.doc, meta)) continue;
            ResourceMeta owned{std::string(r.id), std::string(r.created),
                               std::string(r.lastModified), r.version, location};
            writeDomRecord(w, r.doc, owned);
        }
        return listBody(out, w);
    }

    Step onCursorPage(store::RecordsReply &reply) {
        total_ = reply.total.value_or(0);
        auto &page = collector_->page();
        const auto &cur = list_.cursor;
        bool forwards = !cur || cur->after;
        for (store::QueryRecord &record : reply.records) {
            auto m = matchAt(record, false);
            if (!m) continue;
            if (static_cast<long long>(page.size()) == list_.count) {
                (forwards ? moreAfter_ : moreBefore_) = true;
                break;
            }
            if (forwards) page.push_back(std::move(*m));
            else page.push_front(std::move(*m));
        }
        // Something lies on the other side of the cursor we came from.
        if (cur) (forwards ? moreBefore_ : moreAfter_) = true;
        return listResponse();
    }

    Step onCandidates(store::RecordsReply &reply) {
        if (reply.tooMany) return scanCommand(store::kSeqStart);
        std::vector<Match> matches;
        auto texts = nameAnswers() ? filter::requiredTexts(*list_.filter, *c_.type)
                                   : std::vector<filter::RequiredText>{};
        for (store::QueryRecord &record : reply.records) {
            bool answered = !texts.empty() && record.doc && filter::mayMatch(*record.doc, texts);
            auto m = matchAt(record, !answered);
            if (m) matches.push_back(std::move(*m));
        }
        std::sort(matches.begin(), matches.end(),
                  [](const Match &a, const Match &b) { return a.seq < b.seq; });
        for (Match &m : matches) {
            if (auto e = take(std::move(m))) return errorResponse(*e);
        }
        return finish();
    }

    // No such userName: no candidate. Else the record it names.
    Step onNameLookup(store::NameLookup lookup) {
        if (lookup.error) return storeFailure(*lookup.error);
        if (!lookup.id) return finish();
        namedId_ = std::move(*lookup.id);
        phase_ = Phase::NameRecord;
        return store::readRecord(c_.recordPrefix, namedId_);
    }

    // users:by-name names the one user whose folded userName is the
    // filter's (the same folding as the comparison's): when that
    // comparison is the whole filter, a record whose text holds the name
    // (filter::mayMatch, a check against a stale index) is an answer
    // without being rendered and evaluated.
    bool nameAnswers() const {
        return nameProbe_ && std::holds_alternative<filter::Comparison>(list_.filter->v);
    }

    // A batch counts every record the script examined, kept or not.
    Step onScan(store::RecordsReply &reply) {
        scanned_ += static_cast<size_t>(std::max<long long>(reply.examined, 0));
        if (scanned_ > config_.maxScan) return errorResponse(scanBudgetExceeded());
        nextBound_.reset();
        if (static_cast<size_t>(reply.examined) == config_.scanBatch && reply.lastSeq) {
            nextBound_ = store::seqAfter(*reply.lastSeq);
        }
        if (phase_ == Phase::Scan) return onKept(reply);
        // Only records whose text may match are read whole, in one round trip.
        store::FetchRecordsArgs kept{c_.recordPrefix, {}};
        for (store::QueryRecord &record : reply.records) {
            if (record.doc && filter::mayMatch(*record.doc, required_)) {
                kept.ids.push_back(std::move(record.id));
            }
        }
        if (kept.ids.empty()) return nextBatch();
        phase_ = Phase::ScanKept;
        return store::fetchRecords(kept);
    }

    // The whole records of a batch that may match: the core decides.
    Step onKept(store::RecordsReply &reply) {
        for (store::QueryRecord &record : reply.records) {
            auto m = matchAt(record, true);
            if (!m) continue;
            if (auto e = take(std::move(*m))) return errorResponse(*e);
        }
        return nextBatch();
    }

    // The batch after the last one, or the end of the scan.
    Step nextBatch() {
        if (nextBound_) return scanCommand(*nextBound_);
        return finish();
    }

    // The record; nullopt when it is gone or, with `filtered`, does not
    // match. Sorting keeps its key, taken from the rendering.
    std::optional<Match> matchAt(store::QueryRecord &record, bool filtered) {
        auto m = matchOf(record, c_, request_);
        if (!m || (!filtered && !sorting())) return m;
        ScratchPool::Lease lease{scratch_};
        Json resource;
        if (!renderRecord(*m, scratch_.get(), resource)) return std::nullopt;
        if (!memberProbes_.empty()) addProbedMembers(resource, m->memberships, scratch_.get());
        if (filtered && list_.filter && !filter::matches(*list_.filter, resource, *c_.type)) {
            return std::nullopt;
        }
        if (sorting()) m->key = sortKeyOf(resource, resolvePath(*c_.type, list_.sortBy));
        return m;
    }

    // False when the stored document is unreadable (then it is skipped).
    bool renderRecord(const Match &m, JsonAlloc &alloc, Json &out) {
        return renderRecord(m.doc, m.meta, alloc, out);
    }
    bool renderRecord(std::string_view doc, const ResourceMeta &meta, JsonAlloc &alloc, Json &out) {
        JsonDoc parsed(&scratch_.get());
        parsed.Parse(doc.data(), doc.size());
        if (parsed.HasParseError() || !parsed.IsObject()) return false;
        out = renderResource(*c_.type, parsed, meta, alloc);
        return true;
    }

    // scim_max_scan: a filter no index narrows examines every record.
    Error scanBudgetExceeded() const {
        return tooMany("this filter examines more than " + std::to_string(config_.maxScan) +
                       " records (scim_max_scan); filter with eq, sw or a range on an indexed "
                       "attribute (Users: id, userName, externalId, emails.value; Groups: id, "
                       "displayName, externalId, members.value; both: meta.created, "
                       "meta.lastModified), alone or joined by and");
    }

    std::optional<Error> take(Match m) {
        if (!sorting()) {
            collector_->add(std::move(m));
            return std::nullopt;
        }
        if (sorted_.size() >= config_.maxSortResults) {
            return tooMany("sorting by '" + list_.sortBy + "' is done in memory and is limited to " +
                           std::to_string(config_.maxSortResults) +
                           " results; narrow the filter or sort by userName, displayName, "
                           "meta.created or meta.lastModified");
        }
        sorted_.push_back(std::move(m));
        return std::nullopt;
    }

    Step finish() {
        if (!sorting()) {
            total_ = collector_->total();
            moreAfter_ = collector_->moreAfter();
            moreBefore_ = collector_->moreBefore();
            return listResponse();
        }
        sortMatches(sorted_, list_.descending);
        total_ = static_cast<long long>(sorted_.size());
        size_t first = static_cast<size_t>(std::min<long long>(list_.startIndex - 1, total_));
        size_t last = static_cast<size_t>(std::min<long long>(first + list_.count, total_));
        for (size_t i = first; i < last; ++i) collector_->page().push_back(std::move(sorted_[i]));
        return listResponse();
    }

    // Written straight to text: each record is copied from its stored text
    // (scim/render_text.hpp) when no projection is asked and the record
    // allows it, else rendered and projected in the scratch pool. A page
    // that goes on to a sink (groups whose members are wanted) is a document.
    Step listResponse() {
        if (sink_) return sink_(pageDocument());
        auto &page = collector_->page();
        // Sized for the whole body at once: no regrowth while writing.
        size_t estimate = 512;
        for (const Match &m : page) estimate += m.doc.size() + m.meta.location.size() + 256;
        JsonOut out(estimate);
        JsonWriter w(out);
        writeListHead(w, page.size());
        for (const Match &m : page) writeRecord(w, m);
        return listBody(out, w);
    }

    // The ListResponse up to the opening of its Resources.
    void writeListHead(JsonWriter &w, size_t items) {
        auto &page = collector_->page();
        w.StartObject();
        w.Key("schemas");
        w.StartArray();
        writeString(w, kListResponseUrn);
        w.EndArray();
        w.Key("totalResults");
        w.Int64(total_);
        w.Key("itemsPerPage");
        w.Int64(static_cast<int64_t>(items));
        if (!list_.cursorPaging) {
            w.Key("startIndex");
            w.Int64(list_.startIndex);
        } else {
            if (moreAfter_ && !page.empty()) writeCursor(w, "nextCursor", {true, page.back().seq});
            if (moreBefore_ && !page.empty()) {
                writeCursor(w, "previousCursor", {false, page.front().seq});
            }
        }
        w.Key("Resources");
        w.StartArray();
    }

    static Response listBody(JsonOut &out, JsonWriter &w) {
        w.EndArray();
        w.EndObject();
        Response r;
        r.body = out.take();
        return r;
    }

    static void writeCursor(JsonWriter &w, const char *name, const Cursor &cursor) {
        w.Key(name);
        writeString(w, encodeCursor(cursor));
    }

    void writeRecord(JsonWriter &w, const Match &m) {
        if (list_.projection.empty() && renderResourceText(w, *c_.type, m.doc, m.meta)) return;
        writeDomRecord(w, m.doc, m.meta);
    }

    void writeDomRecord(JsonWriter &w, std::string_view doc, const ResourceMeta &meta) {
        ScratchPool::Lease lease{scratch_};
        Json resource;
        if (!renderRecord(doc, meta, scratch_.get(), resource)) return;
        // Even when empty: it drops what is returned only on request.
        applyProjection(resource, *c_.type, list_.projection, scratch_.get());
        resource.Accept(w);
    }

    JsonDoc pageDocument() {
        auto &page = collector_->page();
        JsonDoc out(rapidjson::kObjectType);
        auto &a = out.GetAllocator();
        Json schemas(rapidjson::kArrayType);
        schemas.PushBack(jstr(kListResponseUrn, a), a);
        out.AddMember("schemas", schemas, a);
        out.AddMember("totalResults", Json(static_cast<int64_t>(total_)), a);
        out.AddMember("itemsPerPage", Json(static_cast<int64_t>(page.size())), a);
        if (!list_.cursorPaging) {
            out.AddMember("startIndex", Json(static_cast<int64_t>(list_.startIndex)), a);
        } else {
            if (moreAfter_ && !page.empty()) {
                out.AddMember("nextCursor", jstr(encodeCursor({true, page.back().seq}), a), a);
            }
            if (moreBefore_ && !page.empty()) {
                out.AddMember("previousCursor", jstr(encodeCursor({false, page.front().seq}), a), a);
            }
        }
        Json resources(rapidjson::kArrayType);
        for (const Match &m : page) {
            ScratchPool::Lease lease{scratch_};
            Json resource;
            if (!renderRecord(m, a, resource)) continue;
            // Even when empty: it drops what is returned only on request.
            applyProjection(resource, *c_.type, list_.projection, a);
            resources.PushBack(resource, a);
        }
        out.AddMember("Resources", resources, a);
        return out;
    }

    Collection c_;
    Expected<ListRequest> parsed_;  // until start()
    PageSink sink_;
    ListRequest list_;
    size_t scanned_ = 0;  // records examined by scan batches
    Phase phase_ = Phase::Page;
    store::PageRecordsArgs pageArgs_;  // Page and SortPage
    std::optional<PageCollector> collector_;
    std::vector<Match> sorted_;
    ScratchPool scratch_;
    std::vector<std::string> memberProbes_;
    std::vector<filter::RequiredText> required_;  // scanned documents are tested for them
    std::optional<std::string> nextBound_;  // where the next scan batch starts, if any
    bool nameProbe_ = false;                // the candidates came from users:by-name
    std::string namedId_;                   // the id users:by-name gave (NameRecord)
    long long total_ = 0;
    bool moreAfter_ = false;
    bool moreBefore_ = false;
};

}  // namespace

ListLimits listLimits(const ServiceConfig &config) {
    return ListLimits{config.defaultPageSize, config.maxPageSize,
                      filter::Limits{config.maxFilterLength, config.maxFilterDepth}};
}

Expected<ListRequest> parseListRequest(const Request &request, const ServiceConfig &config,
                                       bool search) {
    if (!search) return listRequestFromQuery(request.query, listLimits(config));
    auto body = parseJson(request.body, config.json);
    if (!body) return body.takeError();
    return listRequestFromSearch(*body, listLimits(config));
}

std::unique_ptr<Exchange> queryExchange(Collection collection, Request &&request,
                                        const ServiceConfig &config, bool search,
                                        PageSink sink) {
    auto parsed = parseListRequest(request, config, search);
    return queryExchange(std::move(collection), std::move(request), config, std::move(parsed),
                         std::move(sink));
}

std::unique_ptr<Exchange> queryExchange(Collection collection, Request &&request,
                                        const ServiceConfig &config, Expected<ListRequest> parsed,
                                        PageSink sink) {
    return std::make_unique<QueryExchange>(std::move(collection), std::move(request), config,
                                           std::move(parsed), std::move(sink));
}

}  // namespace scim
