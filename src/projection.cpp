// `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) applied
// to a rendered resource, honouring each attribute's `returned`
// characteristic (RFC 7643 §2.2).
//
// The RFC makes the two parameters mutually exclusive in one request; when
// a client sends both, `attributes` wins and `excludedAttributes` is
// ignored (the stricter list, and the one that names what the client
// expects to read).
#include <algorithm>
#include <cctype>
#include <string>

#include "scim/input_checks.hpp"
#include "scim/render.hpp"

namespace scim {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Attribute names, "$ref", sub-attribute dots and URN prefixes.
bool isNameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '$' ||
           c == ':' || c == '.';
}

bool isAttributeName(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), isNameChar);
}

std::string clip(std::string_view s) {
    constexpr size_t kMax = 100;
    return s.size() <= kMax ? std::string(s) : std::string(s.substr(0, kMax)) + "…";
}

Expected<std::vector<std::string>> splitNames(std::string_view list, std::string_view param) {
    std::vector<std::string> names;
    if (trim(list).empty()) return names;
    for (size_t start = 0;;) {
        size_t comma = list.find(',', start);
        std::string_view item = trim(list.substr(start, comma - start));
        if (!isAttributeName(item) || !isAttributePath(item)) {
            return invalidValue(std::string(param) +
                                " must be a comma-separated list of attribute names, not '" +
                                clip(list) + "'");
        }
        names.emplace_back(item);
        if (comma == std::string_view::npos) return names;
        start = comma + 1;
    }
}

// What a list of names picks: whole attributes, or some sub-attributes.
class Selection {
public:
    Selection(const ResourceType &rt, const std::vector<std::string> &names) {
        for (const std::string &name : names) add(rt, name);
    }

    bool whole(const Attribute &a) const { return find(a) && find(a)->whole; }
    bool named(const Attribute &a) const { return find(a) != nullptr; }
    bool namedSub(const Attribute &a, const Attribute &sub) const {
        const Entry *e = find(a);
        return e && std::find(e->subs.begin(), e->subs.end(), &sub) != e->subs.end();
    }

private:
    struct Entry {
        const Attribute *attr;
        bool whole = false;
        std::vector<const Attribute *> subs;
    };

    // Unknown names select nothing. A bare schema URN selects all of that
    // schema's attributes.
    void add(const ResourceType &rt, std::string_view name) {
        if (const Schema *s = rt.schemaByUrn(name)) {
            for (const Attribute &a : s->attributes) entry(a).whole = true;
            return;
        }
        AttrPath p = resolvePath(rt, name);
        if (!p.attr) return;
        if (p.subAttr)
            entry(*p.attr).subs.push_back(p.subAttr);
        else
            entry(*p.attr).whole = true;
    }
    Entry &entry(const Attribute &a) {
        for (Entry &e : entries_) {
            if (e.attr == &a) return e;
        }
        entries_.push_back(Entry{&a, false, {}});
        return entries_.back();
    }
    const Entry *find(const Attribute &a) const {
        for (const Entry &e : entries_) {
            if (e.attr == &a) return &e;
        }
        return nullptr;
    }

    std::vector<Entry> entries_;
};

class Projector {
public:
    Projector(const ResourceType &rt, const Projection &p)
        : rt_(rt),
          including_(!p.attributes.empty()),
          selection_(rt, including_ ? p.attributes : p.excluded) {}

    void projectResource(Json &resource, JsonAlloc &alloc) {
        for (auto m = resource.MemberBegin(); m != resource.MemberEnd();) {
            if (keepTopLevel(str(m->name), m->value))
                ++m;
            else
                m = resource.EraseMember(m);
        }
        listPresentSchemas(resource, alloc);
    }

private:
    bool keepTopLevel(std::string_view key, Json &value) {
        if (key == "schemas") return true;  // returned=always
        const Schema *s = rt_.schemaByUrn(key);
        if (s && s != rt_.schema) return value.IsObject() && projectObject(value, *s);
        const Attribute *a = rt_.schema->find(key);
        if (!a) a = commonSchema().find(key);
        return a ? keepAttribute(*a, value) : !including_;
    }

    // An extension object; true when something is left in it.
    bool projectObject(Json &object, const Schema &s) {
        for (auto m = object.MemberBegin(); m != object.MemberEnd();) {
            const Attribute *a = s.find(str(m->name));
            if (a ? keepAttribute(*a, m->value) : !including_)
                ++m;
            else
                m = object.EraseMember(m);
        }
        return !object.ObjectEmpty();
    }

    bool keepAttribute(const Attribute &a, Json &value) {
        if (a.returned == Returned::Never) return false;
        if (a.returned == Returned::Always) return true;
        bool keep = including_ ? selection_.named(a)
                               : !selection_.whole(a) && a.returned != Returned::Request;
        if (keep && a.isComplex()) return projectSubAttributes(a, value);
        return keep;
    }

    bool keepSub(const Attribute &a, const Attribute &sub) const {
        if (sub.returned == Returned::Never) return false;
        if (sub.returned == Returned::Always) return true;
        bool named = selection_.namedSub(a, sub);
        if (!including_) return !named && sub.returned != Returned::Request;
        return named || (selection_.whole(a) && sub.returned != Returned::Request);
    }

    // A complex value or each element of a multi-valued one; elements left
    // empty go, and so does the attribute when nothing is left.
    bool projectSubAttributes(const Attribute &a, Json &value) {
        if (value.IsObject()) return projectElement(a, value);
        if (!value.IsArray()) return true;
        for (auto e = value.Begin(); e != value.End();) {
            if (!e->IsObject() || projectElement(a, *e))
                ++e;
            else
                e = value.Erase(e);
        }
        return !value.Empty();
    }

    bool projectElement(const Attribute &a, Json &element) {
        for (auto m = element.MemberBegin(); m != element.MemberEnd();) {
            const Attribute *sub = a.sub(str(m->name));
            bool keep = sub ? keepSub(a, *sub) : (!including_ || selection_.whole(a));
            if (keep)
                ++m;
            else
                m = element.EraseMember(m);
        }
        return !element.ObjectEmpty();
    }

    // "schemas" names the core schema and each extension still present.
    void listPresentSchemas(Json &resource, JsonAlloc &alloc) const {
        auto schemas = resource.FindMember("schemas");
        if (schemas == resource.MemberEnd()) return;
        Json list(rapidjson::kArrayType);
        list.PushBack(jstr(rt_.schema->id, alloc), alloc);
        for (const SchemaExtension &e : rt_.extensions) {
            if (findMember(resource, e.schema->id)) list.PushBack(jstr(e.schema->id, alloc), alloc);
        }
        schemas->value = list;
    }

    const ResourceType &rt_;
    bool including_;  // `attributes` given: keep only what it names
    Selection selection_;
};

}  // namespace

Expected<Projection> parseProjection(std::string_view attributes, std::string_view excluded) {
    auto included = splitNames(attributes, "attributes");
    if (!included) return included.takeError();
    auto left = splitNames(excluded, "excludedAttributes");
    if (!left) return left.takeError();
    return Projection{std::move(*included), std::move(*left)};
}

void applyProjection(Json &resource, const ResourceType &rt, const Projection &p,
                     JsonAlloc &alloc) {
    if (!resource.IsObject()) return;
    Projector(rt, p).projectResource(resource, alloc);
}

}  // namespace scim
