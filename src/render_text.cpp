// Rendering by copying the stored text (see scim/render_text.hpp). A byte
// scanner checks the document as RapidJSON's parser would (stricter in a
// few rare cases, which then take the DOM path) and notes where each known
// attribute's value lies; the writer then emits the resource in schema
// order with those values as raw JSON.
#include "scim/render_text.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "scim/strings.hpp"

namespace scim {

namespace {

// One attribute of one schema: where its value lies in the text.
struct Slot {
    size_t begin = 0, end = 0;  // end == begin: absent or null
    bool seen = false;          // named once already (in any case)
};

// Needs more than a copy once a projection is applied (scim/render.hpp).
bool needsProjection(const Attribute &a) {
    if (a.returned == Returned::Request) return true;
    for (const Attribute &sub : a.subAttributes) {
        if (sub.returned == Returned::Request || sub.returned == Returned::Never) return true;
    }
    return false;
}

}  // namespace

// The schemas whose attributes are copied, each with its first slot.
struct ResourceTextWriter::Layout {
    const ResourceType &rt;
    std::vector<Slot> slots;
    size_t commonAt = 0, coreAt = 0;
    std::vector<size_t> extensionAt;  // by position in rt.extensions
    std::vector<bool> extensionSeen;

    explicit Layout(const ResourceType &r) : rt(r) {
        size_t n = commonSchema().attributes.size();
        coreAt = n;
        n += rt.schema->attributes.size();
        for (const SchemaExtension &e : rt.extensions) {
            extensionAt.push_back(n);
            n += e.schema->attributes.size();
        }
        slots.resize(n);
        extensionSeen.resize(rt.extensions.size());
    }

    void reset() {
        std::fill(slots.begin(), slots.end(), Slot{});
        std::fill(extensionSeen.begin(), extensionSeen.end(), false);
    }

    Slot &slot(size_t at, const Schema &s, const Attribute &a) {
        return slots[at + static_cast<size_t>(&a - s.attributes.data())];
    }
};

namespace {

using Layout = ResourceTextWriter::Layout;

// One pass over the document's bytes. Every check RapidJSON's parser makes
// (with the module's default flags) is made here, so that text it would
// refuse is never copied; nothing is decoded. Returning false sends the
// document to the DOM path, which decides.
class SpanScanner {
public:
    SpanScanner(Layout &layout, std::string_view text)
        : layout_(layout), begin_(text.data()), p_(text.data()), end_(text.data() + text.size()) {}

    bool scan() {
        skipSpace();
        if (!consume('{') || !members(-1, 1)) return false;
        skipSpace();
        return p_ == end_;
    }

private:
    static constexpr int kMaxDepth = 64;
    static constexpr ptrdiff_t kMaxNumberDigits = 60;  // with |exponent| < 100: no overflow

    // What a member's value is to the renderer.
    struct Target {
        enum Kind { Refuse, Skip, Value, Extension } kind = Skip;
        Slot *slot = nullptr;
        const Attribute *attr = nullptr;
        size_t extension = 0;
    };

    // How empty containers are taken: a complex value, and the elements of
    // a multi-valued one, must not be empty (the projection drops those).
    enum class Empty { Allowed, RefusedValue, RefusedElement };

    // The members of an object whose '{' was read: the document's
    // (extension < 0) or an extension's.
    bool members(int extension, int depth) {
        skipSpace();
        if (consume('}')) return true;
        for (;;) {
            std::string_view name;
            if (!key(name)) return false;
            skipSpace();
            if (!consume(':')) return false;
            skipSpace();
            Target t = extension < 0 ? topLevel(name) : inExtension(static_cast<size_t>(extension), name);
            if (!memberValue(t, depth)) return false;
            skipSpace();
            if (consume(',')) {
                skipSpace();
                continue;
            }
            return consume('}');
        }
    }

    bool memberValue(const Target &t, int depth) {
        switch (t.kind) {
        case Target::Refuse: return false;
        case Target::Skip: return value(depth, Empty::Allowed);
        case Target::Extension:
            if (p_ != end_ && *p_ == '{') {
                ++p_;
                return members(static_cast<int>(t.extension), depth + 1);
            }
            return value(depth, Empty::Allowed);
        case Target::Value: break;
        }
        if (p_ != end_ && *p_ == 'n') return literal("null");  // null is unset
        if (needsProjection(*t.attr)) return false;
        const char *start = p_;
        if (!value(depth, t.attr->isComplex() ? Empty::RefusedValue : Empty::Allowed)) return false;
        t.slot->begin = static_cast<size_t>(start - begin_);
        t.slot->end = static_cast<size_t>(p_ - begin_);
        return true;
    }

    Target topLevel(std::string_view name) {
        const auto &extensions = layout_.rt.extensions;
        for (size_t i = 0; i < extensions.size(); ++i) {
            if (!iequals(extensions[i].schema->id, name)) continue;
            if (layout_.extensionSeen[i]) return {Target::Refuse};  // named twice
            layout_.extensionSeen[i] = true;
            return {Target::Extension, nullptr, nullptr, i};
        }
        const Schema &core = *layout_.rt.schema;
        if (const Attribute *a = core.find(name)) return target(layout_.slot(layout_.coreAt, core, *a), *a);
        const Schema &common = commonSchema();
        const Attribute *a = common.find(name);
        // id and meta are the server's; externalId is the client's.
        if (a && a->mutability != Mutability::ReadOnly) {
            return target(layout_.slot(layout_.commonAt, common, *a), *a);
        }
        return {Target::Skip};
    }

    Target inExtension(size_t extension, std::string_view name) {
        const Schema &s = *layout_.rt.extensions[extension].schema;
        const Attribute *a = s.find(name);
        if (!a) return {Target::Skip};
        return target(layout_.slot(layout_.extensionAt[extension], s, *a), *a);
    }

    static Target target(Slot &slot, const Attribute &a) {
        if (slot.seen) return {Target::Refuse};  // named twice
        slot.seen = true;
        if (a.returned == Returned::Never) return {Target::Skip};  // never copied
        return {Target::Value, &slot, &a};
    }

    bool value(int depth, Empty empty) {
        if (p_ == end_) return false;
        switch (*p_) {
        case '"': return string();
        case '{': return object(depth + 1, empty != Empty::Allowed);
        case '[': return array(depth + 1, empty);
        case 't': return literal("true");
        case 'f': return literal("false");
        case 'n': return literal("null");
        default: return number();
        }
    }

    bool object(int depth, bool refuseEmpty) {
        if (depth > kMaxDepth) return false;
        ++p_;
        skipSpace();
        if (consume('}')) return !refuseEmpty;
        for (;;) {
            if (p_ == end_ || *p_ != '"' || !string()) return false;
            skipSpace();
            if (!consume(':')) return false;
            skipSpace();
            if (!value(depth, Empty::Allowed)) return false;
            skipSpace();
            if (consume(',')) {
                skipSpace();
                continue;
            }
            return consume('}');
        }
    }

    bool array(int depth, Empty empty) {
        if (depth > kMaxDepth) return false;
        ++p_;
        skipSpace();
        if (consume(']')) return empty != Empty::RefusedValue;
        Empty elements = empty == Empty::RefusedValue ? Empty::RefusedElement : Empty::Allowed;
        for (;;) {
            // An element's own arrays may be empty; its objects may not.
            bool emptyObject = elements == Empty::RefusedElement && p_ != end_ && *p_ == '{';
            if (!value(depth, emptyObject ? Empty::RefusedElement : Empty::Allowed)) return false;
            skipSpace();
            if (consume(',')) {
                skipSpace();
                continue;
            }
            return consume(']');
        }
    }

    // A member name: a string without escapes (the DOM path takes those).
    bool key(std::string_view &name) {
        if (p_ == end_ || *p_ != '"') return false;
        const char *start = ++p_;
        for (;;) {
            if (p_ == end_) return false;
            auto c = static_cast<unsigned char>(*p_);
            if (c == '"') break;
            if (c == '\\' || c < 0x20) return false;
            if (c < 0x80) {
                ++p_;
            } else if (!utf8()) {
                return false;
            }
        }
        name = std::string_view(start, static_cast<size_t>(p_ - start));
        ++p_;
        return true;
    }

    bool string() {
        ++p_;
        for (;;) {
            if (p_ == end_) return false;
            auto c = static_cast<unsigned char>(*p_);
            if (c == '"') {
                ++p_;
                return true;
            }
            if (c == '\\') {
                if (!escape()) return false;
            } else if (c < 0x20) {
                return false;
            } else if (c < 0x80) {
                ++p_;
            } else if (!utf8()) {
                return false;
            }
        }
    }

    bool escape() {
        if (end_ - p_ < 2) return false;
        char c = p_[1];
        if (std::strchr("\"\\/bfnrt", c) != nullptr && c != '\0') {
            p_ += 2;
            return true;
        }
        unsigned unit = 0;
        if (c != 'u' || !hex4(p_ + 2, unit)) return false;
        p_ += 6;
        if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a lone low surrogate
        if (unit < 0xD800 || unit > 0xDBFF) return true;
        unsigned low = 0;  // a high surrogate needs its low half
        if (end_ - p_ < 6 || p_[0] != '\\' || p_[1] != 'u' || !hex4(p_ + 2, low)) return false;
        if (low < 0xDC00 || low > 0xDFFF) return false;
        p_ += 6;
        return true;
    }

    bool hex4(const char *at, unsigned &unit) const {
        if (end_ - at < 4) return false;
        for (int i = 0; i < 4; ++i) {
            char c = at[i];
            unsigned digit;
            if (c >= '0' && c <= '9') digit = static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') digit = static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') digit = static_cast<unsigned>(c - 'A' + 10);
            else return false;
            unit = unit * 16 + digit;
        }
        return true;
    }

    // One well-formed UTF-8 sequence of two to four bytes (RFC 3629: no
    // overlong forms, no surrogates, nothing above U+10FFFF).
    bool utf8() {
        auto at = [&](ptrdiff_t i) { return static_cast<unsigned char>(p_[i]); };
        auto cont = [&](ptrdiff_t i, unsigned lo = 0x80, unsigned hi = 0xBF) {
            return i < end_ - p_ && at(i) >= lo && at(i) <= hi;
        };
        unsigned c = at(0);
        ptrdiff_t n;
        if (c >= 0xC2 && c <= 0xDF) n = cont(1) ? 2 : 0;
        else if (c == 0xE0) n = cont(1, 0xA0) && cont(2) ? 3 : 0;
        else if (c == 0xED) n = cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
        else if (c >= 0xE1 && c <= 0xEF) n = cont(1) && cont(2) ? 3 : 0;
        else if (c == 0xF0) n = cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
        else if (c >= 0xF1 && c <= 0xF3) n = cont(1) && cont(2) && cont(3) ? 4 : 0;
        else if (c == 0xF4) n = cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
        else n = 0;
        p_ += n;
        return n != 0;
    }

    bool number() {
        const char *start = p_;
        consume('-');
        if (p_ == end_ || !isDigit(*p_)) return false;
        if (*p_ == '0') ++p_;
        else digits();
        if (consume('.')) {
            if (p_ == end_ || !isDigit(*p_)) return false;
            digits();
        }
        if (p_ - start > kMaxNumberDigits) return false;
        if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
            ++p_;
            if (!consume('+')) consume('-');
            const char *exponent = p_;
            digits();
            if (p_ == exponent || p_ - exponent > 2) return false;
        }
        return true;
    }

    static bool isDigit(char c) { return c >= '0' && c <= '9'; }
    void digits() {
        while (p_ != end_ && isDigit(*p_)) ++p_;
    }

    bool literal(std::string_view word) {
        if (static_cast<size_t>(end_ - p_) < word.size() ||
            std::memcmp(p_, word.data(), word.size()) != 0) {
            return false;
        }
        p_ += word.size();
        return true;
    }

    bool consume(char c) {
        if (p_ == end_ || *p_ != c) return false;
        ++p_;
        return true;
    }

    void skipSpace() {
        while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
    }

    Layout &layout_;
    const char *begin_, *p_, *end_;
};

class TextRenderer {
public:
    TextRenderer(JsonWriter &w, const Layout &layout, std::string_view text,
                 const DerivedAttribute *derived)
        : w_(w), layout_(layout), text_(text), derived_(derived) {}

    void write(const ResourceMetaView &meta) {
        const ResourceType &rt = layout_.rt;
        w_.StartObject();
        w_.PlainString("schemas");
        w_.StartArray();
        writeString(w_, rt.schema->id);
        for (size_t i = 0; i < rt.extensions.size(); ++i) {
            if (anyValue(layout_.extensionAt[i], *rt.extensions[i].schema)) {
                writeString(w_, rt.extensions[i].schema->id);
            }
        }
        w_.EndArray();
        w_.PlainString("id");
        writeString(w_, meta.id);
        writeValues(layout_.commonAt, commonSchema());
        writeValues(layout_.coreAt, *rt.schema, derived_);
        for (size_t i = 0; i < rt.extensions.size(); ++i) {
            const Schema &s = *rt.extensions[i].schema;
            if (!anyValue(layout_.extensionAt[i], s)) continue;
            writeKey(s.id);
            w_.StartObject();
            writeValues(layout_.extensionAt[i], s);
            w_.EndObject();
        }
        writeMeta(meta);
        w_.EndObject();
    }

private:
    bool anyValue(size_t at, const Schema &s) const {
        for (size_t i = 0; i < s.attributes.size(); ++i) {
            if (layout_.slots[at + i].end > layout_.slots[at + i].begin) return true;
        }
        return false;
    }

    void writeValues(size_t at, const Schema &s, const DerivedAttribute *derived = nullptr) {
        for (size_t i = 0; i < s.attributes.size(); ++i) {
            const Attribute &a = s.attributes[i];
            const Slot &slot = layout_.slots[at + i];
            std::string_view value = text_.substr(slot.begin, slot.end - slot.begin);
            if (derived && a.name == derived->name) value = derived->json;
            if (value.empty()) continue;
            writeKey(a.name);
            w_.RawText(value);
        }
    }

    void writeMeta(const ResourceMetaView &meta) {
        w_.PlainString("meta");
        w_.StartObject();
        writeMember("resourceType", layout_.rt.name);
        writeMember("created", meta.created);
        writeMember("lastModified", meta.lastModified);
        writeMember("location", meta.location);
        writeMember("version", etagFor(meta.version));
        w_.EndObject();
    }

    void writeKey(std::string_view name) {
        writeString(w_, name);
    }

    void writeMember(const char *name, std::string_view value) {
        if (value.empty()) return;
        w_.PlainString(name);  // one of the literals above
        writeString(w_, value);
    }

    JsonWriter &w_;
    const Layout &layout_;
    std::string_view text_;
    const DerivedAttribute *derived_;
};

}  // namespace

ResourceTextWriter::ResourceTextWriter(const ResourceType &rt) : layout_(std::make_unique<Layout>(rt)) {}

ResourceTextWriter::~ResourceTextWriter() = default;

bool ResourceTextWriter::write(JsonWriter &w, std::string_view doc, const ResourceMetaView &meta,
                               const DerivedAttribute *derived) {
    layout_->reset();
    if (!SpanScanner(*layout_, doc).scan()) return false;
    TextRenderer(w, *layout_, doc, derived).write(meta);
    return true;
}

bool renderResourceText(JsonWriter &w, const ResourceType &rt, std::string_view doc,
                        const ResourceMetaView &meta, const DerivedAttribute *derived) {
    return ResourceTextWriter(rt).write(w, doc, meta, derived);
}

}  // namespace scim
