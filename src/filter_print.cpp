// The normalised text of a filter: single spaces, lower-case keywords,
// parentheses around every and/or, JSON literals. Parsing the output gives
// back the same tree, so it prints identically again.
#include <charconv>
#include <cmath>
#include <string>

#include "filter_internal.hpp"
#include "scim/filter.hpp"

namespace scim::filter {

namespace detail {

const char *opName(CompareOp op) noexcept {
    switch (op) {
        case CompareOp::Eq: return "eq";
        case CompareOp::Ne: return "ne";
        case CompareOp::Co: return "co";
        case CompareOp::Sw: return "sw";
        case CompareOp::Ew: return "ew";
        case CompareOp::Gt: return "gt";
        case CompareOp::Ge: return "ge";
        case CompareOp::Lt: return "lt";
        case CompareOp::Le: return "le";
        case CompareOp::Pr: return "pr";
    }
    return "?";
}

std::string quoteJson(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    out += "\\u00";
                    out += kHex[(c >> 4) & 0xF];
                    out += kHex[c & 0xF];
                } else {
                    out += c;
                }
        }
    }
    out += '"';
    return out;
}

std::string formatNumber(double value) {
    if (!std::isfinite(value)) return "null";
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    if (ec != std::errc()) return "null";  // cannot happen: 64 bytes always suffice
    return std::string(buf, end);
}

}  // namespace detail

namespace {

void print(const Node &node, std::string &out);

void printLiteral(const Literal &lit, std::string &out) {
    if (auto s = std::get_if<std::string>(&lit)) {
        out += detail::quoteJson(*s);
    } else if (auto d = std::get_if<double>(&lit)) {
        out += detail::formatNumber(*d);
    } else if (auto b = std::get_if<bool>(&lit)) {
        out += *b ? "true" : "false";
    } else {
        out += "null";
    }
}

void printComparison(const Comparison &c, std::string &out) {
    out += c.path;
    out += ' ';
    out += detail::opName(c.op);
    if (c.op == CompareOp::Pr) return;
    out += ' ';
    printLiteral(c.value, out);
}

void printChild(const NodePtr &child, std::string &out) {
    if (child) {
        print(*child, out);
    } else {
        out += "()";  // only a hand-built tree has holes; never parses back
    }
}

void printLogical(const Logical &l, std::string &out) {
    printChild(l.left, out);
    out += l.kind == Logical::Kind::And ? " and " : " or ";
    printChild(l.right, out);
}

// Inside '(' … ')' or '[' … ']' an and/or needs no parentheses of its own.
void printBare(const NodePtr &child, std::string &out) {
    auto logical = child ? std::get_if<Logical>(&child->v) : nullptr;
    if (logical) return printLogical(*logical, out);
    printChild(child, out);
}

void print(const Node &node, std::string &out) {
    if (auto c = std::get_if<Comparison>(&node.v)) {
        printComparison(*c, out);
    } else if (auto l = std::get_if<Logical>(&node.v)) {
        out += '(';
        printLogical(*l, out);
        out += ')';
    } else if (auto n = std::get_if<Not>(&node.v)) {
        out += "not (";
        printBare(n->operand, out);
        out += ')';
    } else if (auto vp = std::get_if<ValuePath>(&node.v)) {
        out += vp->attr;
        out += '[';
        printBare(vp->filter, out);
        out += ']';
        if (vp->then) {
            out += '.';
            printComparison(*vp->then, out);
        }
    }
}

}  // namespace

std::string toString(const Node &node) {
    std::string out;
    print(node, out);
    return out;
}

}  // namespace scim::filter
