// Query planning: which Redis index, if any, narrows a filter's candidates.
//
// The plan is only a narrowing. Candidates are always re-checked against the
// whole filter in the core, so an index may return a superset (time indexes
// have millisecond scores, `emails[type eq "work"].value` is indexed by value
// alone) but never miss a match.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scim/filter.hpp"
#include "scim/schema.hpp"

namespace scim {

// The indexes a resource type keeps (docs/redis-layout.md).
enum class IndexName {
    Id, UserName, ExternalId, Email, DisplayName, Created, LastModified, MemberOf,
    Declared,  // an operator's scim_index: IndexProbe::path names the attribute
};

// An attribute the operator indexes (scim_index, docs/queries.md): a
// single-valued string at the top level of the resource or of one of its
// extension objects. Its index is a lexicographic one like userName's.
struct IndexedAttribute {
    const Schema *schema = nullptr;
    const Attribute *attr = nullptr;
    bool extension = false;  // the value sits under the schema URN key
    // "title", or "<urn>:<name>" for an extension attribute.
    std::string path() const { return extension ? schema->id + ":" + attr->name : attr->name; }
};

// Resolves the directive's `path` against `rt`. nullopt with an empty
// `error` when `rt` has no such attribute; with a lowercase `error` when
// it has one that cannot be indexed (not a single-valued string, never
// returned, or already indexed by the module).
std::optional<IndexedAttribute> indexedAttribute(const ResourceType &rt, std::string_view path,
                                                 std::string &error);

// What the index is asked; the store turns it into Redis range bounds
// (store/query_bounds.hpp).
enum class ProbeKind {
    Id,     // `value` is the id itself
    Lex,    // the "<value>\0<id>" members of a lexicographic index with
            // `value` (or, with `prefix`, starting with it)
    Score,  // the members of a time index scored within [minMillis, maxMillis]
    Set,    // the reverse membership index of the member `value`
    Name,   // the id users:by-name (userName's uniqueness hash) holds for
            // `value`, the folded userName: one HGET, cheaper than a range
};

struct IndexProbe {
    IndexName index;
    ProbeKind kind;
    std::string value = {};  // Id, Set, Lex (already case-folded for a folded index)
    bool prefix = false;     // Lex: `value` is a prefix (sw), not the whole value (eq)
    std::optional<long long> minMillis = {}, maxMillis = {};  // Score: absent is open
    std::string path = {};  // IndexName::Declared: IndexedAttribute::path()
};

// The best probe for `node` against resources of `rt`: an indexed term, or
// the best indexed term of an `and`. nullopt: the filter needs a scan.
// `indexed`: the operator's indexes of `rt` (scim_index).
std::optional<IndexProbe> planProbe(const filter::Node &node, const ResourceType &rt,
                                    const std::vector<IndexedAttribute> &indexed = {});

// The member ids a Group filter compares `members` / `members.value` with
// (`eq`, anywhere in the filter). The store reports, per group, which of
// them it holds, since group records carry no member list.
std::vector<std::string> memberValues(const filter::Node &node, const ResourceType &rt);

}  // namespace scim
