// SCIM filters (RFC 7644 §3.4.2.2): parser, AST and evaluator.
//
// The AST is public so that the store can plan fast paths (an `eq` on an
// indexed attribute, an `and` with one indexed term) and so that PATCH can
// evaluate value-path filters (`members[value eq "x"]`) against the
// elements of a multi-valued attribute.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "scim/error.hpp"
#include "scim/json.hpp"
#include "scim/schema.hpp"

namespace scim::filter {

enum class CompareOp { Eq, Ne, Co, Sw, Ew, Gt, Ge, Lt, Le, Pr };

// A literal from the filter text. std::monostate is `null`.
using Literal = std::variant<std::monostate, bool, double, std::string>;

struct Node;
using NodePtr = std::unique_ptr<Node>;

// `path op value`, or `path pr`. `path` is the attribute path as written,
// e.g. "userName", "name.familyName", "emails.value", "meta.lastModified",
// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber".
struct Comparison {
    std::string path;
    CompareOp op = CompareOp::Eq;
    Literal value;
};

// `attr[filter]` optionally followed by `.sub op value` in a larger filter,
// e.g. emails[type eq "work" and value co "@x.org"] or
// emails[type eq "work"].value eq "a@x.org" (then `then` holds the
// comparison on the sub-attribute, relative to the element).
struct ValuePath {
    std::string attr;       // "emails"
    NodePtr filter;         // evaluated against each element
    std::unique_ptr<Comparison> then;  // optional comparison on the element
};

struct Logical {
    enum class Kind { And, Or } kind;
    NodePtr left, right;
};

struct Not {
    NodePtr operand;
};

struct Node {
    std::variant<Comparison, ValuePath, Logical, Not> v;
};

struct Limits {
    size_t maxLength = 4096;  // bytes of filter text
    unsigned maxDepth = 32;   // nesting of parentheses, not, and/or chains, brackets
};

// Parses `text`. Errors are 400 invalidFilter whose detail says where
// (character offset) and what was expected.
Expected<NodePtr> parse(std::string_view text, const Limits &limits = {});

// 400 invalidFilter for what parses but the resource type makes
// meaningless: a "[…]" on a simple attribute, a dateTime compared with a
// string that is no RFC 3339 date-time.
std::optional<Error> checkAgainst(const Node &node, const ResourceType &rt);

// Evaluates `node` against a rendered resource (with "id", "meta" etc. as
// the client sees it). Attribute names are resolved against `rt`; string
// comparison follows each attribute's caseExact; an unknown attribute
// matches nothing; a complex attribute without sub-attribute means its
// `value` sub-attribute; a multi-valued attribute matches when any element
// matches; dateTime attributes compare as instants.
bool matches(const Node &node, const Json &resource, const ResourceType &rt);

// Evaluates `node` against one element of the multi-valued complex
// attribute `parent` (paths in `node` name its sub-attributes).
bool matchesElement(const Node &node, const Json &element, const Attribute &parent);

// Textual form, for diagnostics and tests (normalised spacing).
std::string toString(const Node &node);

}  // namespace scim::filter
