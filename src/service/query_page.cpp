#include "query_page.hpp"

namespace scim {

void PageCollector::add(Match m) {
    ++total_;
    const long long count = request_.count;
    if (!request_.cursorPaging) {
        long long position = total_ - 1;  // 0-based among matches
        if (position >= request_.startIndex - 1 && position < request_.startIndex - 1 + count) {
            page_.push_back(std::move(m));
        }
        return;
    }
    const std::optional<Cursor> &c = request_.cursor;
    if (!c || c->after) {
        if (c && m.seq <= c->seq) {
            moreBefore_ = true;
            return;
        }
        if (static_cast<long long>(page_.size()) < count) {
            page_.push_back(std::move(m));
        } else {
            moreAfter_ = true;
        }
        return;
    }
    // Backwards from the cursor: keep the last `count` matches before it.
    if (m.seq >= c->seq) {
        moreAfter_ = true;
        return;
    }
    page_.push_back(std::move(m));
    if (static_cast<long long>(page_.size()) > count) {
        page_.pop_front();
        moreBefore_ = true;
    }
}

}  // namespace scim
