// Rendering by copying the stored text (see scim/render_text.hpp). One SAX
// pass validates the document as the DOM parse would and notes where each
// known attribute's value lies; the writer then emits the resource in
// schema order with those values as raw JSON.
#include "scim/render_text.hpp"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <vector>

#include "scim/strings.hpp"

namespace scim {

namespace {

// One attribute of one schema: where its value lies in the text.
struct Slot {
    size_t begin = 0, end = 0;  // end == begin: absent or null
    bool seen = false;          // named once already (in any case)
};

// The schemas whose attributes are copied, each with its first slot.
struct Layout {
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

    Slot &slot(size_t at, const Schema &s, const Attribute &a) {
        return slots[at + static_cast<size_t>(&a - s.attributes.data())];
    }
};

// Needs more than a copy once a projection is applied (scim/render.hpp).
bool needsProjection(const Attribute &a) {
    if (a.returned == Returned::Request) return true;
    for (const Attribute &sub : a.subAttributes) {
        if (sub.returned == Returned::Request || sub.returned == Returned::Never) return true;
    }
    return false;
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// SAX handler: depth 1 is the document object, depth 2 an extension object.
// Returning false stops the parse, and the caller takes the DOM path.
class SpanFinder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, SpanFinder> {
public:
    SpanFinder(Layout &layout, std::string_view text, const rapidjson::MemoryStream &in)
        : layout_(layout), text_(text), in_(in) {}

    bool Key(const char *s, rapidjson::SizeType n, bool) {
        std::string_view name(s, n);
        if (depth_ == 1) return topLevelKey(name);
        if (depth_ == 2 && extension_ >= 0) {
            const Schema &s = *layout_.rt.extensions[static_cast<size_t>(extension_)].schema;
            const Attribute *a = s.find(name);
            if (!a) return true;
            return target(layout_.slot(layout_.extensionAt[static_cast<size_t>(extension_)], s, *a),
                          *a);
        }
        return true;
    }

    bool Null() {
        if (depth_ == 1) pendingExtension_ = -1;
        if (slot_ && depth_ == targetDepth_) slot_ = nullptr;  // null is unset
        return depth_ > 0;
    }
    bool Default() {  // every other scalar
        if (depth_ == 1) pendingExtension_ = -1;
        if (slot_ && depth_ == targetDepth_) return valueEnds();
        return depth_ > 0;
    }
    bool StartObject() { return start(false); }
    bool StartArray() { return start(true); }

    bool EndObject(rapidjson::SizeType members) {
        if (slot_ && attr_->isComplex() && members == 0 &&
            (depth_ == targetDepth_ + 1 || (depth_ == targetDepth_ + 2 && valueIsArray_))) {
            return false;  // an empty complex value or element: the projection drops it
        }
        return end();
    }
    bool EndArray(rapidjson::SizeType elements) {
        if (slot_ && attr_->isComplex() && elements == 0 && depth_ == targetDepth_ + 1) {
            return false;
        }
        return end();
    }

private:
    bool topLevelKey(std::string_view name) {
        pendingExtension_ = -1;
        const auto &extensions = layout_.rt.extensions;
        for (size_t i = 0; i < extensions.size(); ++i) {
            if (!iequals(extensions[i].schema->id, name)) continue;
            if (layout_.extensionSeen[i]) return false;  // named twice
            layout_.extensionSeen[i] = true;
            pendingExtension_ = static_cast<int>(i);
            return true;
        }
        const Schema &core = *layout_.rt.schema;
        if (const Attribute *a = core.find(name)) return target(layout_.slot(layout_.coreAt, core, *a), *a);
        const Schema &common = commonSchema();
        const Attribute *a = common.find(name);
        // id and meta are the server's; externalId is the client's.
        if (a && a->mutability != Mutability::ReadOnly) {
            return target(layout_.slot(layout_.commonAt, common, *a), *a);
        }
        return true;
    }

    bool target(Slot &slot, const Attribute &a) {
        if (slot.seen) return false;  // named twice
        slot.seen = true;
        if (a.returned == Returned::Never) return true;  // never copied
        slot_ = &slot;
        attr_ = &a;
        targetDepth_ = depth_;
        keyEnd_ = in_.Tell();
        valueIsArray_ = false;
        return true;
    }

    bool start(bool array) {
        if (depth_ == 0 && array) return false;  // not an object
        if (slot_ && depth_ == targetDepth_) {
            if (needsProjection(*attr_)) return false;
            valueIsArray_ = array;
        }
        if (depth_ == 1) {
            if (!array) extension_ = pendingExtension_;
            pendingExtension_ = -1;
        }
        ++depth_;
        return true;
    }

    bool end() {
        --depth_;
        if (depth_ == 1) extension_ = -1;
        if (slot_ && depth_ == targetDepth_) return valueEnds();
        return true;
    }

    bool valueEnds() {
        if (needsProjection(*attr_)) return false;
        size_t begin = keyEnd_;
        while (begin < text_.size() && (isSpace(text_[begin]) || text_[begin] == ':')) ++begin;
        slot_->begin = begin;
        slot_->end = in_.Tell();
        slot_ = nullptr;
        return true;
    }

    Layout &layout_;
    std::string_view text_;
    const rapidjson::MemoryStream &in_;
    int depth_ = 0;
    int extension_ = -1;         // inside this extension's object (depth 2)
    int pendingExtension_ = -1;  // its key was read, its value not yet
    Slot *slot_ = nullptr;       // the attribute whose value is being read
    const Attribute *attr_ = nullptr;
    int targetDepth_ = 0;
    size_t keyEnd_ = 0;
    bool valueIsArray_ = false;
};

bool findSpans(Layout &layout, std::string_view text) {
    // The reader's stack lives here unless a string is longer than this.
    char buffer[1024];
    rapidjson::MemoryPoolAllocator<> stackAlloc(buffer, sizeof buffer);
    rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>>
        reader(&stackAlloc, 256);
    rapidjson::MemoryStream in(text.data(), text.size());
    SpanFinder finder(layout, text, in);
    return !reader.Parse(in, finder).IsError();
}

class TextRenderer {
public:
    TextRenderer(JsonWriter &w, const Layout &layout, std::string_view text,
                 const DerivedAttribute *derived)
        : w_(w), layout_(layout), text_(text), derived_(derived) {}

    void write(const ResourceMeta &meta) {
        const ResourceType &rt = layout_.rt;
        w_.StartObject();
        w_.Key("schemas");
        w_.StartArray();
        writeString(w_, rt.schema->id);
        for (size_t i = 0; i < rt.extensions.size(); ++i) {
            if (anyValue(layout_.extensionAt[i], *rt.extensions[i].schema)) {
                writeString(w_, rt.extensions[i].schema->id);
            }
        }
        w_.EndArray();
        w_.Key("id");
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
            w_.RawValue(value.data(), value.size(), rapidjson::kObjectType);
        }
    }

    void writeMeta(const ResourceMeta &meta) {
        w_.Key("meta");
        w_.StartObject();
        writeMember("resourceType", layout_.rt.name);
        writeMember("created", meta.created);
        writeMember("lastModified", meta.lastModified);
        writeMember("location", meta.location);
        writeMember("version", etagFor(meta.version));
        w_.EndObject();
    }

    void writeKey(std::string_view name) {
        w_.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    }

    void writeMember(const char *name, std::string_view value) {
        if (value.empty()) return;
        w_.Key(name);
        writeString(w_, value);
    }

    JsonWriter &w_;
    const Layout &layout_;
    std::string_view text_;
    const DerivedAttribute *derived_;
};

}  // namespace

bool renderResourceText(JsonWriter &w, const ResourceType &rt, std::string_view doc,
                        const ResourceMeta &meta, const DerivedAttribute *derived) {
    Layout layout(rt);
    if (!findSpans(layout, doc)) return false;
    TextRenderer(w, layout, doc, derived).write(meta);
    return true;
}

}  // namespace scim
