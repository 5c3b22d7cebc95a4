// A cheap test on a stored document's JSON text that can only say "this
// record cannot match the filter" (issue 12: full scans). A filter's
// `eq`, `co`, `sw` and `ew` on a string attribute stored in the document
// need the literal inside the value of a member of that name; when the
// text holds no escape sequence, every name and string in it is spelled
// as is, so a record where no such value holds the literal is ruled out
// before any parse. Anything else (a record that may match) goes on to
// the real evaluation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scim/filter.hpp"
#include "scim/schema.hpp"

namespace scim::filter {

struct RequiredText {
    std::string quotedName;  // the attribute's (or sub-attribute's) name, folded, in quotes
    std::string text;        // printable ASCII without '"' or '\'
    bool caseExact = false;
};

// What every matching document must contain, from the comparisons joined
// by `and` at the top of `node` (`or`, `not` and value paths add nothing).
// Only attributes the rendering copies from the document count: not id,
// meta or schemas. Empty: no test.
std::vector<RequiredText> requiredTexts(const Node &node, const ResourceType &rt);

// False only when `doc` has no escape sequence and, for one of `texts`, no
// member of that name (at any depth, in any case) has a value that is not
// a string or is a string holding the text (ASCII case-insensitively
// unless caseExact, as the evaluator compares).
bool mayMatch(std::string_view doc, const std::vector<RequiredText> &texts);

}  // namespace scim::filter
