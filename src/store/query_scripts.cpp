// Read scripts of the query engine. Each returns whole records, so a page is
// one consistent snapshot and one round trip. A record is six replies:
// id, seq, doc, version, created, lastModified (kRecordFields).
#include "scim/store/query_scripts.hpp"

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
