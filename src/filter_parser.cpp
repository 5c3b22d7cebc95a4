// The filter grammar of RFC 7644 §3.4.2.2, by recursive descent:
//
//   filter  = or
//   or      = and *("or" and)
//   and     = unary *("and" unary)
//   unary   = "not" "(" filter ")" / "(" filter ")" / attrExp / valuePath
//   attrExp = attrPath "pr" / attrPath compareOp compValue
//   valuePath = attrPath "[" filter "]" ["." subAttr ("pr" / compareOp compValue)]
//
// Keywords and operators are case-insensitive. Chains of `and`/`or` are
// read in a loop and built as balanced trees, and every nesting construct
// (parentheses, `not`, brackets) is counted before the parser recurses into
// it, so neither a long chain nor deep nesting can exhaust the stack here
// or in the recursive evaluator, printer and destructor.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "filter_internal.hpp"
#include "scim/filter.hpp"
#include "scim/input_checks.hpp"
#include "scim/strings.hpp"

namespace scim::filter {

namespace detail {

std::optional<CompareOp> opFromName(std::string_view word) noexcept {
    static constexpr CompareOp kAll[] = {CompareOp::Eq, CompareOp::Ne, CompareOp::Co,
                                         CompareOp::Sw, CompareOp::Ew, CompareOp::Gt,
                                         CompareOp::Ge, CompareOp::Lt, CompareOp::Le,
                                         CompareOp::Pr};
    for (CompareOp op : kAll) {
        if (iequals(word, opName(op))) return op;
    }
    return std::nullopt;
}

}  // namespace detail

namespace {

bool isSpace(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Characters that end a word (attribute path, operator, keyword, bare literal).
bool endsWord(char c) noexcept {
    return isSpace(c) || c == '(' || c == ')' || c == '[' || c == ']' || c == '"';
}

bool isAlpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) noexcept { return c >= '0' && c <= '9'; }

// ATTRNAME characters (RFC 7644 §3.10) plus the ':' and '.' of schema URNs
// ("…:enterprise:2.0:User:employeeNumber") and the '$' of "$ref".
bool isPathChar(char c) noexcept {
    return isAlpha(c) || isDigit(c) || c == '-' || c == '_' || c == ':' || c == '.' || c == '$';
}

// JSON number grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
bool isJsonNumber(std::string_view s) noexcept {
    size_t i = 0;
    auto digits = [&] {
        size_t start = i;
        while (i < s.size() && isDigit(s[i])) ++i;
        return i > start;
    };
    if (i < s.size() && s[i] == '-') ++i;
    if (i < s.size() && s[i] == '0') {
        ++i;
    } else if (!digits()) {
        return false;
    }
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (!digits()) return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (!digits()) return false;
    }
    return i == s.size();
}

int hexValue(char c) noexcept {
    if (isDigit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void appendUtf8(std::string &out, uint32_t cp) {
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

// A parsed sub-expression and its nesting height (see Parser::chain).
struct Parsed {
    NodePtr node;  // null after an error
    unsigned height = 0;
};

NodePtr makeNode(Comparison c) {
    auto n = std::make_unique<Node>();
    n->v = std::move(c);
    return n;
}

class Parser {
public:
    Parser(std::string_view text, const Limits &limits) : text_(text), limits_(limits) {}

    Expected<NodePtr> run() {
        skipSpace();
        if (atEnd()) return invalidFilter("filter: empty filter");
        Parsed p = parseOr();
        if (p.node) {
            skipSpace();
            if (!atEnd()) fail("expected \"and\", \"or\" or the end of the filter");
        }
        if (error_) return std::move(*error_);
        return std::move(p.node);
    }

private:
    std::string_view text_;
    const Limits &limits_;
    size_t pos_ = 0;
    unsigned open_ = 0;       // groups (parentheses, not, brackets) now open
    unsigned brackets_ = 0;   // brackets now open: they do not nest
    std::optional<Error> error_;

    bool atEnd() const noexcept { return pos_ >= text_.size(); }
    char peek() const noexcept { return atEnd() ? '\0' : text_[pos_]; }

    void skipSpace() noexcept {
        while (!atEnd() && isSpace(text_[pos_])) ++pos_;
    }

    std::string_view wordAt(size_t at) const noexcept {
        size_t end = at;
        while (end < text_.size() && !endsWord(text_[end])) ++end;
        return text_.substr(at, end - at);
    }

    std::string_view takeWord() noexcept {
        std::string_view w = wordAt(pos_);
        pos_ += w.size();
        return w;
    }

    Parsed fail(const std::string &what, const std::string &why = {}) {
        return failAt(what, pos_, why);
    }

    // Keeps the first error: "filter: <what> at offset <at><why>".
    Parsed failAt(const std::string &what, size_t at, const std::string &why = {}) {
        if (!error_) {
            error_ = invalidFilter("filter: " + what + " at offset " + std::to_string(at) + why);
        }
        return {};
    }

    // failAt, for the parts that report success as a bool.
    bool reject(const std::string &what, size_t at) {
        failAt(what, at);
        return false;
    }

    Parsed tooDeep() {
        return fail("nesting deeper than " + std::to_string(limits_.maxDepth) + " levels");
    }

    // True (and consumes it) when the next word is `keyword`.
    bool takeKeyword(std::string_view keyword) noexcept {
        skipSpace();
        if (!iequals(wordAt(pos_), keyword)) return false;
        pos_ += keyword.size();
        return true;
    }

    Parsed parseOr() { return chain(Logical::Kind::Or); }

    // `operand *(keyword operand)`, built as a balanced tree whose height
    // counts towards the nesting limit. Since `and` and `or` are
    // associative, the shape does not change the meaning.
    Parsed chain(Logical::Kind kind) {
        const char *keyword = kind == Logical::Kind::Or ? "or" : "and";
        std::vector<Parsed> operands;
        do {
            Parsed p = kind == Logical::Kind::Or ? chain(Logical::Kind::And) : parseUnary();
            if (!p.node) return {};
            operands.push_back(std::move(p));
        } while (takeKeyword(keyword));
        Parsed tree = balance(kind, operands, 0, operands.size());
        if (tree.height > limits_.maxDepth) return tooDeep();
        return tree;
    }

    static Parsed balance(Logical::Kind kind, std::vector<Parsed> &ops, size_t lo, size_t hi) {
        if (hi - lo == 1) return std::move(ops[lo]);
        size_t mid = lo + (hi - lo + 1) / 2;  // leans left: a or b or c = (a or b) or c
        Parsed left = balance(kind, ops, lo, mid);
        Parsed right = balance(kind, ops, mid, hi);
        Parsed out;
        out.height = std::max(left.height, right.height) + 1;
        out.node = std::make_unique<Node>();
        out.node->v = Logical{kind, std::move(left.node), std::move(right.node)};
        return out;
    }

    Parsed parseUnary() {
        skipSpace();
        char c = peek();
        if (atEnd() || c == ')' || c == ']') return fail("expected a filter expression");
        if (c == '(') return group(false);
        if (startsNot()) {
            pos_ += 3;
            skipSpace();
            return group(true);
        }
        return attributeExpression();
    }

    // `not` followed by '(' (a bare word "not" may still name an attribute).
    bool startsNot() const noexcept {
        if (!iequals(wordAt(pos_), "not")) return false;
        size_t at = pos_ + 3;
        while (at < text_.size() && isSpace(text_[at])) ++at;
        return at < text_.size() && text_[at] == '(';
    }

    // "(" filter ")", wrapped in Not when `negate`.
    Parsed group(bool negate) {
        if (open_ >= limits_.maxDepth) return tooDeep();
        size_t start = pos_++;
        ++open_;
        Parsed inner = parseOr();
        --open_;
        if (!inner.node) return {};
        skipSpace();
        if (peek() != ')') {
            return fail("expected ')'", " to close the '(' at offset " + std::to_string(start));
        }
        ++pos_;
        inner.height += 1;
        if (negate) {
            auto n = std::make_unique<Node>();
            n->v = Not{std::move(inner.node)};
            inner.node = std::move(n);
        }
        return inner;
    }

    // An attribute path as written; empty after an error.
    std::string path(const char *what) {
        size_t start = pos_;
        std::string_view p = takeWord();
        if (p.empty() || !(isAlpha(p.front()) || p.front() == '$')) {
            failAt(std::string("expected ") + what, start);
            return {};
        }
        for (size_t i = 0; i < p.size(); ++i) {
            if (!isPathChar(p[i])) {
                failAt("unexpected character in attribute path", start + i);
                return {};
            }
        }
        if (!isAttributePath(p)) {
            failAt("malformed attribute path '" + std::string(p) +
                       "' (expected [urn:…:]name[.subAttribute])",
                   start);
            return {};
        }
        return std::string(p);
    }

    Parsed attributeExpression() {
        std::string attr = path("an attribute path");
        if (attr.empty()) return {};
        if (peek() == '[') return valuePath(std::move(attr));
        Comparison c;
        c.path = std::move(attr);
        if (!comparisonTail(c)) return {};
        return {makeNode(std::move(c)), 0};
    }

    // attr "[" filter "]" ["." sub op value]
    Parsed valuePath(std::string attr) {
        if (brackets_ > 0) return fail("'[' inside '[…]' is not allowed");
        if (open_ >= limits_.maxDepth) return tooDeep();
        size_t start = pos_++;
        ++open_;
        ++brackets_;
        Parsed inner = parseOr();
        --brackets_;
        --open_;
        if (!inner.node) return {};
        skipSpace();
        if (peek() != ']') {
            return fail("expected ']'", " to close the '[' at offset " + std::to_string(start));
        }
        ++pos_;
        ValuePath vp{std::move(attr), std::move(inner.node), nullptr};
        if (peek() == '.') {
            ++pos_;
            auto then = std::make_unique<Comparison>();
            then->path = path("a sub-attribute name after ']'");
            if (then->path.empty() || !comparisonTail(*then)) return {};
            vp.then = std::move(then);
        }
        Parsed out;
        out.height = inner.height + 1;
        out.node = std::make_unique<Node>();
        out.node->v = std::move(vp);
        return out;
    }

    // The operator and value after a path.
    bool comparisonTail(Comparison &c) {
        skipSpace();
        size_t opStart = pos_;
        auto op = detail::opFromName(takeWord());
        if (!op) return reject("expected an operator", opStart);
        c.op = *op;
        if (c.op == CompareOp::Pr) return true;
        skipSpace();
        size_t valueStart = pos_;
        if (!literal(c.value)) return false;
        bool ordered = c.op != CompareOp::Eq && c.op != CompareOp::Ne;
        bool boolOrNull = std::holds_alternative<bool>(c.value) ||
                          std::holds_alternative<std::monostate>(c.value);
        if (ordered && boolOrNull) {
            std::string msg = std::string("operator ") + detail::opName(c.op) +
                              " cannot compare with true, false or null";
            return reject(msg, valueStart);
        }
        return true;
    }

    bool literal(Literal &out) {
        if (peek() == '"') return string(out);
        size_t start = pos_;
        std::string_view w = takeWord();
        if (iequals(w, "true")) return out = true, true;
        if (iequals(w, "false")) return out = false, true;
        if (iequals(w, "null")) return out = std::monostate{}, true;
        if (w.empty()) {
            return reject("expected a value (a string, number, true, false or null)", start);
        }
        if (isJsonNumber(w)) return number(w, start, out);
        return bareWord(w, start, out);
    }

    // Leniency (docs/idp-quirks.md): Microsoft's reference SCIM client sends
    // `userName sw O` and `meta.created gt 2015-10-10T14:38:21.86-07:00`
    // unquoted. A bare word that is not true, false, null or a JSON number
    // is the string it spells; a date-time then compares as one. `and` and
    // `or` there mean a missing value, and 'x' a misquoted string.
    bool bareWord(std::string_view w, size_t start, Literal &out) {
        if (iequals(w, "and") || iequals(w, "or")) {
            return reject("expected a value (a string, number, true, false or null)", start);
        }
        if (w.front() == '\'') {
            return reject("strings are quoted with double quotes, not single quotes", start);
        }
        out = std::string(w);
        return true;
    }

    bool number(std::string_view w, size_t start, Literal &out) {
        if (!isJsonNumber(w)) return reject("malformed number", start);
        double d = 0;
        auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), d);
        if (ec != std::errc() || end != w.data() + w.size() || !std::isfinite(d)) {
            return reject("number out of range", start);
        }
        out = d;
        return true;
    }

    // A JSON string; pos_ is on the opening quote.
    bool string(Literal &out) {
        size_t start = pos_++;
        std::string s;
        while (!atEnd()) {
            char c = text_[pos_];
            if (c == '"') {
                ++pos_;
                out = std::move(s);
                return true;
            }
            if (c != '\\') {
                s += c;
                ++pos_;
            } else if (!escape(s)) {
                return false;
            }
        }
        return reject("unterminated string", start);
    }

    // One escape sequence; pos_ is on the backslash.
    bool escape(std::string &s) {
        size_t start = pos_++;
        if (atEnd()) return reject("unterminated string", start);
        char c = text_[pos_++];
        switch (c) {
            case '"': s += '"'; return true;
            case '\\': s += '\\'; return true;
            case '/': s += '/'; return true;
            case 'b': s += '\b'; return true;
            case 'f': s += '\f'; return true;
            case 'n': s += '\n'; return true;
            case 'r': s += '\r'; return true;
            case 't': s += '\t'; return true;
            case 'u': return unicodeEscape(s, start);
            default: return reject("invalid escape sequence in string", start);
        }
    }

    std::optional<uint32_t> hex4() noexcept {
        if (text_.size() - pos_ < 4) return std::nullopt;
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            int h = hexValue(text_[pos_ + i]);
            if (h < 0) return std::nullopt;
            v = v * 16 + uint32_t(h);
        }
        pos_ += 4;
        return v;
    }

    // \uXXXX, or a surrogate pair \uD83D\uDE00; pos_ is after the 'u'.
    bool unicodeEscape(std::string &s, size_t start) {
        auto unit = hex4();
        if (!unit) return reject("expected four hex digits after \\u", start);
        uint32_t cp = *unit;
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return reject("unpaired low surrogate in \\u escape", start);
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            bool slashU = text_.substr(pos_, 2) == "\\u";
            if (slashU) pos_ += 2;
            auto low = slashU ? hex4() : std::nullopt;
            if (!low || *low < 0xDC00 || *low > 0xDFFF) {
                return reject("unpaired high surrogate in \\u escape", start);
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
        }
        appendUtf8(s, cp);
        return true;
    }
};

}  // namespace

Expected<NodePtr> parse(std::string_view text, const Limits &limits) {
    if (text.size() > limits.maxLength) {
        return invalidFilter("filter: longer than the limit of " +
                             std::to_string(limits.maxLength) + " bytes");
    }
    return Parser(text, limits).run();
}

}  // namespace scim::filter
