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
#include <optional>
#include <string>

#include "scim/filter.hpp"
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

// The first `stop` character from `start` outside brackets and the quoted
// strings of a value filter, at bracket depth `depth`; npos when none.
size_t findOutside(std::string_view text, size_t start, char stop, int depth) {
    bool quoted = false;
    int open = 0;
    for (size_t i = start; i < text.size(); i++) {
        char c = text[i];
        if (quoted) {
            if (c == '\\') i++;
            else if (c == '"') quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == '[') {
            open++;
        } else if (c == ']') {
            open--;
        }
        if (!quoted && c == stop && open == depth) return i;
    }
    return std::string_view::npos;
}

// The comma that ends the item starting at `start`; npos at the end.
size_t itemEnd(std::string_view list, size_t start) { return findOutside(list, start, ',', 0); }

Error notNames(std::string_view list, std::string_view param) {
    return invalidValue(std::string(param) +
                        " must be a comma-separated list of attribute names, not '" + clip(list) +
                        "'");
}

// Leniency (docs/idp-quirks.md): `emails[type eq "work"]` or
// `emails[type eq "work"].value` in `attributes`, as Microsoft's reference
// SCIM client sends. Adds the name (with its sub-attribute) and the filter.
std::optional<Error> addValueFilter(std::string_view item, std::string_view list,
                                    std::vector<std::string> &names,
                                    std::vector<ValueFilter> &filters) {
    size_t open = item.find('[');
    size_t close = findOutside(item, open, ']', 0);  // the one closing `open`
    std::string_view attr = item.substr(0, open);
    std::string_view sub = close == std::string_view::npos ? "" : item.substr(close + 1);
    bool subOk = sub.empty() || (sub.front() == '.' && isAttributeName(sub.substr(1)));
    if (!isAttributeName(attr) || close == std::string_view::npos || !subOk) {
        return notNames(list, "attributes");
    }
    auto parsed = filter::parse(item.substr(open + 1, close - open - 1));
    if (!parsed) {
        return invalidFilter("attributes: in the value filter of '" + std::string(attr) +
                             "': " + parsed.error().detail);
    }
    names.push_back(std::string(attr) + std::string(sub));
    filters.push_back(ValueFilter{std::string(attr), std::move(*parsed)});
    return std::nullopt;
}

// `filters` is null where value filters are not accepted.
Expected<std::vector<std::string>> splitNames(std::string_view list, std::string_view param,
                                              std::vector<ValueFilter> *filters) {
    std::vector<std::string> names;
    if (trim(list).empty()) return names;
    for (size_t start = 0;;) {
        size_t comma = itemEnd(list, start);
        std::string_view item = trim(list.substr(start, comma - start));
        if (filters && item.find('[') != std::string_view::npos) {
            if (auto err = addValueFilter(item, list, names, *filters)) return std::move(*err);
        } else if (!isAttributeName(item) || !isAttributePath(item)) {
            return notNames(list, param);
        } else {
            names.emplace_back(item);
        }
        if (comma == std::string_view::npos) return names;
        start = comma + 1;
    }
}

// What a list of names picks: whole attributes, or some sub-attributes.
class Selection {
public:
    Selection(const ResourceType &rt, const std::vector<std::string> &names,
              const std::vector<ValueFilter> &filters = {}) {
        for (const std::string &name : names) add(rt, name);
        for (const ValueFilter &f : filters) addFilter(rt, f);
    }

    // The value filters on `a`; an element is kept when one matches.
    const std::vector<const filter::Node *> *filters(const Attribute &a) const {
        const Entry *e = find(a);
        return e && !e->filters.empty() ? &e->filters : nullptr;
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
        std::vector<const filter::Node *> filters;
    };

    void addFilter(const ResourceType &rt, const ValueFilter &f) {
        AttrPath p = resolvePath(rt, f.attr);
        if (p.attr && !p.subAttr) entry(*p.attr).filters.push_back(f.filter.get());
    }

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
        entries_.push_back(Entry{&a, false, {}, {}});
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
          selection_(rt, including_ ? p.attributes : p.excluded,
                     including_ ? p.valueFilters : std::vector<ValueFilter>{}) {}

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
        if (keep && selection_.filters(a) && !keepMatching(a, value)) return false;
        if (keep && a.isComplex()) return projectSubAttributes(a, value);
        return keep;
    }

    // `attr[filter]`: the values that match one of the attribute's filters;
    // false when none is left.
    bool keepMatching(const Attribute &a, Json &value) const {
        if (!a.isComplex()) return false;  // no sub-attributes to filter on
        const auto &filters = *selection_.filters(a);
        auto matches = [&](const Json &element) {
            return element.IsObject() &&
                   std::any_of(filters.begin(), filters.end(), [&](const filter::Node *f) {
                       return filter::matchesElement(*f, element, a);
                   });
        };
        if (!value.IsArray()) return matches(value);
        for (auto e = value.Begin(); e != value.End();) {
            if (matches(*e))
                ++e;
            else
                e = value.Erase(e);
        }
        return !value.Empty();
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
    std::vector<ValueFilter> filters;
    auto included = splitNames(attributes, "attributes", &filters);
    if (!included) return included.takeError();
    auto left = splitNames(excluded, "excludedAttributes", nullptr);
    if (!left) return left.takeError();
    return Projection{std::move(*included), std::move(*left), std::move(filters)};
}

void applyProjection(Json &resource, const ResourceType &rt, const Projection &p,
                     JsonAlloc &alloc) {
    if (!resource.IsObject()) return;
    Projector(rt, p).projectResource(resource, alloc);
}

}  // namespace scim
