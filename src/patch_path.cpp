#include "patch_path.hpp"

#include "patch_status.hpp"
#include "scim/input_checks.hpp"
#include "scim/strings.hpp"

namespace scim::patch {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string quoted(std::string_view s) { return "'" + clipForDetail(s) + "'"; }

// Index of the ']' closing the '[' at `open`, skipping quoted strings (a
// filter value may contain ']'); npos when there is none.
size_t closingBracket(std::string_view s, size_t open) {
    bool inString = false;
    for (size_t i = open + 1; i < s.size(); ++i) {
        char c = s[i];
        if (inString) {
            if (c == '\\') ++i;
            else if (c == '"') inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == ']') {
            return i;
        }
    }
    return std::string_view::npos;
}

const Schema *extensionNamed(const ResourceType &rt, std::string_view urn) {
    for (const SchemaExtension &e : rt.extensions) {
        if (iequals(e.schema->id, urn)) return e.schema;
    }
    return nullptr;
}

// Entra ID sends the enterprise "manager" without its URN. A name that the
// core schema lacks may name an attribute of exactly one extension.
AttrPath resolveInExtensions(const ResourceType &rt, std::string_view text) {
    AttrPath found;
    if (istartsWith(text, "urn:")) return found;
    for (const SchemaExtension &e : rt.extensions) {
        AttrPath p = resolvePath(rt, e.schema->id + ":" + std::string(text));
        if (!p.attr) continue;
        if (found.attr) return AttrPath{};  // ambiguous
        found = p;
    }
    return found;
}

Expected<PatchPath> attributePath(const ResourceType &rt, std::string_view text) {
    PatchPath p;
    p.text = clipForDetail(text);
    if (const Schema *ext = extensionNamed(rt, text)) {
        p.schema = ext;
        p.extension = true;
        return p;
    }
    if (!isAttributePath(text)) {
        return invalidPath("malformed path " + quoted(text) +
                           " (expected [urn:…:]name[.subAttribute])");
    }
    AttrPath resolved = resolvePath(rt, text);
    if (!resolved.attr) resolved = resolveInExtensions(rt, text);
    if (!resolved.attr) return invalidPath("unknown attribute " + quoted(text));
    p.schema = resolved.schema;
    p.attr = resolved.attr;
    p.subAttr = resolved.subAttr;
    p.extension = resolved.extension;
    return p;
}

Expected<PatchPath> valuePath(const ResourceType &rt, std::string_view text, size_t open) {
    size_t close = closingBracket(text, open);
    if (close == std::string_view::npos) return invalidPath("unterminated '[' in " + quoted(text));
    auto p = attributePath(rt, trim(text.substr(0, open)));
    if (!p) return p.takeError();
    if (!p->attr || p->subAttr || !p->attr->multiValued) {
        return invalidPath("a value filter needs a multi-valued attribute before '[' in " +
                           quoted(text));
    }
    auto node = filter::parse(text.substr(open + 1, close - open - 1));
    if (!node) {
        Error e = node.takeError();
        e.detail = "in path " + quoted(text) + ": " + e.detail;
        return e;
    }
    p->filter = std::move(*node);
    p->text = clipForDetail(text);
    std::string_view rest = text.substr(close + 1);
    if (rest.empty()) return p;
    if (rest.front() != '.' || !p->attr->isComplex())
        return invalidPath("unexpected text after ']' in " + quoted(text));
    p->subAttr = p->attr->sub(rest.substr(1));
    if (!p->subAttr) {
        return invalidPath("unknown sub-attribute " + quoted(rest.substr(1)) + " of " +
                           p->attr->name);
    }
    return p;
}

}  // namespace

Expected<PatchPath> parsePath(const ResourceType &rt, std::string_view text) {
    text = trim(text);
    if (text.empty()) return invalidPath("empty path");
    size_t open = text.find('[');
    if (open != std::string_view::npos) return valuePath(rt, text, open);
    if (text.find(']') != std::string_view::npos) return invalidPath("unbalanced ']' in " + quoted(text));
    return attributePath(rt, text);
}

bool underUnknownSchema(const ResourceType &rt, std::string_view text) noexcept {
    text = trim(text);
    if (!istartsWith(text, "urn:")) return false;
    auto under = [&](const Schema &s) {
        return istartsWith(text, s.id) &&
               (text.size() == s.id.size() || text[s.id.size()] == ':' || text[s.id.size()] == '.');
    };
    if (under(*rt.schema)) return false;
    for (const SchemaExtension &e : rt.extensions) {
        if (under(*e.schema)) return false;
    }
    return true;
}

const Attribute *readOnlyPart(const PatchPath &p) noexcept {
    if (p.attr && p.attr->mutability == Mutability::ReadOnly) return p.attr;
    if (p.subAttr && p.subAttr->mutability == Mutability::ReadOnly) return p.subAttr;
    return nullptr;
}

}  // namespace scim::patch
