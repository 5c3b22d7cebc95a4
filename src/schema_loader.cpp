// An operator's extension schema file (RFC 7643 §7) read into the schema
// model. Strict: a file the module would honour only in part is refused at
// `nginx -t`, with the problem named, rather than half served.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <initializer_list>

#include "scim/json.hpp"
#include "scim/schema_set.hpp"
#include "scim/strings.hpp"

namespace scim {

namespace {

constexpr size_t kMaxAttributes = 200;     // per schema, and per complex attribute
constexpr size_t kMaxNameLength = 128;
constexpr size_t kMaxUrnLength = 512;
constexpr size_t kMaxFileBytes = 1 << 20;

// Characteristic names the module reads; anything else in an attribute is
// most likely a typo ("mutablity") and refused.
const std::initializer_list<std::string_view> kAttributeKeys = {
    "name",     "type",       "multiValued", "required",        "caseExact",      "mutability",
    "returned", "uniqueness", "description", "canonicalValues", "referenceTypes", "subAttributes"};
const std::initializer_list<std::string_view> kSchemaKeys = {"id", "name", "description",
                                                             "attributes", "schemas", "meta"};

// URNs an extension may not take or nest under: the core schemas, the
// Enterprise User extension and the protocol's message URNs.
const std::initializer_list<std::string_view> kReservedUrns = {
    "urn:ietf:params:scim:schemas:core:", "urn:ietf:params:scim:api:", kEnterpriseUserUrn};

class Failed {
public:
    explicit Failed(std::string message) : message(std::move(message)) {}
    std::string message;
};

// RFC 7643 §2.1 ATTRNAME: ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA.
bool isAttributeName(std::string_view s) {
    if (s.empty() || s.size() > kMaxNameLength || !std::isalpha(static_cast<unsigned char>(s[0]))) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
}

// A URN usable as an attribute path prefix: "urn:", then no space, quote,
// bracket or other filter syntax.
bool isUrn(std::string_view s) {
    if (s.size() > kMaxUrnLength || !istartsWith(s, "urn:") || s.back() == ':') return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '-' || c == '_' ||
               c == '.';
    });
}

void checkKeys(const Json &object, std::initializer_list<std::string_view> known,
               const std::string &where) {
    for (auto &m : object.GetObject()) {
        std::string_view key = str(m.name);
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            throw Failed(where + " has an unknown member \"" + std::string(key) + "\"");
        }
    }
}

const Json *member(const Json &object, const char *name) {
    auto m = object.FindMember(name);
    return m == object.MemberEnd() ? nullptr : &m->value;
}

std::string stringMember(const Json &object, const char *name, const std::string &where,
                         bool required) {
    const Json *v = member(object, name);
    if (!v) {
        if (required) throw Failed(where + " has no \"" + name + "\"");
        return "";
    }
    if (!v->IsString()) throw Failed(where + ": \"" + name + "\" must be a string");
    return std::string(str(*v));
}

bool boolMember(const Json &object, const char *name, const std::string &where) {
    const Json *v = member(object, name);
    if (!v) return false;
    if (!v->IsBool()) throw Failed(where + ": \"" + name + "\" must be true or false");
    return v->GetBool();
}

std::vector<std::string> stringsMember(const Json &object, const char *name,
                                       const std::string &where) {
    std::vector<std::string> out;
    const Json *v = member(object, name);
    if (!v) return out;
    if (!v->IsArray()) throw Failed(where + ": \"" + name + "\" must be an array of strings");
    for (const Json &e : v->GetArray()) {
        if (!e.IsString()) throw Failed(where + ": \"" + name + "\" must be an array of strings");
        out.emplace_back(str(e));
    }
    return out;
}

// An enumerated characteristic: `names[i]` maps to `values[i]`.
template <class E>
E enumMember(const Json &object, const char *name, const std::string &where, E fallback,
             std::initializer_list<std::pair<std::string_view, E>> choices) {
    const Json *v = member(object, name);
    if (!v) return fallback;
    std::string allowed;
    for (const auto &[text, value] : choices) {
        if (v->IsString() && str(*v) == text) return value;
        allowed += (allowed.empty() ? "" : ", ") + std::string(text);
    }
    std::string got = v->IsString() ? "\"" + std::string(str(*v)) + "\"" : "a non-string";
    throw Failed(where + ": unknown " + name + " " + got + " (expected one of " + allowed + ")");
}

AttrType typeOf(const Json &object, const std::string &where) {
    if (!member(object, "type")) throw Failed(where + " has no \"type\"");
    return enumMember<AttrType>(object, "type", where, AttrType::String,
                                {{"string", AttrType::String},
                                 {"boolean", AttrType::Boolean},
                                 {"decimal", AttrType::Decimal},
                                 {"integer", AttrType::Integer},
                                 {"dateTime", AttrType::DateTime},
                                 {"binary", AttrType::Binary},
                                 {"reference", AttrType::Reference},
                                 {"complex", AttrType::Complex}});
}

std::vector<Attribute> readAttributes(const Json &list, const std::string &where, bool top);

// What the module cannot honour is refused rather than served in part.
void checkSupported(const Attribute &a, const std::string &where, bool top) {
    if (a.mutability == Mutability::WriteOnly) {
        throw Failed(where + ": mutability writeOnly is not supported for extension attributes "
                             "(use returned \"never\")");
    }
    if (a.required && a.mutability == Mutability::ReadOnly) {
        throw Failed(where + " is required and readOnly: no client could ever set it");
    }
    if (a.uniqueness == Uniqueness::Global) {
        throw Failed(where + ": uniqueness global is not supported (use \"server\", unique per "
                             "tenant)");
    }
    if (a.uniqueness == Uniqueness::Server &&
        (!top || a.multiValued || a.type != AttrType::String)) {
        throw Failed(where + ": uniqueness server is supported only on a single-valued, "
                             "top-level string attribute");
    }
}

Attribute readAttribute(const Json &in, const std::string &where, bool top) {
    if (!in.IsObject()) throw Failed(where + " must be an object");
    checkKeys(in, kAttributeKeys, where);
    Attribute a;
    a.name = stringMember(in, "name", where, true);
    std::string named = where + " \"" + a.name + "\"";
    if (!isAttributeName(a.name)) {
        throw Failed(named + ": an attribute name is a letter, then letters, digits, '-' or '_'");
    }
    a.type = typeOf(in, named);
    a.multiValued = boolMember(in, "multiValued", named);
    a.required = boolMember(in, "required", named);
    a.caseExact = boolMember(in, "caseExact", named);
    a.mutability = enumMember<Mutability>(in, "mutability", named, Mutability::ReadWrite,
                                          {{"readOnly", Mutability::ReadOnly},
                                           {"readWrite", Mutability::ReadWrite},
                                           {"immutable", Mutability::Immutable},
                                           {"writeOnly", Mutability::WriteOnly}});
    a.returned = enumMember<Returned>(in, "returned", named, Returned::Default,
                                      {{"always", Returned::Always},
                                       {"never", Returned::Never},
                                       {"default", Returned::Default},
                                       {"request", Returned::Request}});
    a.uniqueness = enumMember<Uniqueness>(in, "uniqueness", named, Uniqueness::None,
                                          {{"none", Uniqueness::None},
                                           {"server", Uniqueness::Server},
                                           {"global", Uniqueness::Global}});
    a.description = stringMember(in, "description", named, false);
    a.canonicalValues = stringsMember(in, "canonicalValues", named);
    a.referenceTypes = stringsMember(in, "referenceTypes", named);
    const Json *subs = member(in, "subAttributes");
    if (a.isComplex()) {
        if (!top) throw Failed(named + ": a sub-attribute cannot be complex (RFC 7643 §2.3.8)");
        if (!subs) throw Failed(named + " is complex but has no \"subAttributes\"");
        a.subAttributes = readAttributes(*subs, named + " sub-attribute", false);
    } else if (subs) {
        throw Failed(named + " has \"subAttributes\" but is not complex");
    }
    checkSupported(a, named, top);
    return a;
}

std::vector<Attribute> readAttributes(const Json &list, const std::string &where, bool top) {
    if (!list.IsArray() || list.Empty()) {
        throw Failed(where + "s must be a non-empty array");
    }
    if (list.Size() > kMaxAttributes) {
        throw Failed("more than " + std::to_string(kMaxAttributes) + " " + where + "s");
    }
    std::vector<Attribute> out;
    for (const Json &in : list.GetArray()) {
        Attribute a = readAttribute(in, where, top);
        for (const Attribute &earlier : out) {
            if (iequals(earlier.name, a.name)) {
                throw Failed("duplicate " + where + " \"" + a.name + "\" (names are "
                             "case-insensitive)");
            }
        }
        out.push_back(std::move(a));
    }
    return out;
}

// The last URN segment names the extended resource type, as in Entra's
// urn:ietf:params:scim:schemas:extension:<Name>:2.0:User.
ExtendedType extendedTypeOf(std::string_view urn) {
    std::string_view last = urn.substr(urn.rfind(':') + 1);
    if (last == "User") return ExtendedType::User;
    if (last == "Group") return ExtendedType::Group;
    throw Failed("schema id \"" + std::string(urn) +
                 "\" must end in \":User\" or \":Group\", the resource type it extends");
}

std::string readUrn(const Json &doc) {
    std::string urn = stringMember(doc, "id", "the schema", true);
    if (!isUrn(urn)) {
        throw Failed("schema id \"" + urn + "\" is not a URN (\"urn:\", then letters, digits, "
                     "':', '-', '_' or '.')");
    }
    for (std::string_view reserved : kReservedUrns) {
        if (istartsWith(urn, reserved)) {
            throw Failed("schema id \"" + urn + "\" clashes with the core schema " +
                         std::string(reserved));
        }
    }
    return urn;
}

}  // namespace

std::optional<DeclaredExtension> parseSchemaExtension(std::string_view text, std::string &error) {
    auto parsed = parseJson(text, ParseLimits{kMaxFileBytes, 16});
    if (!parsed) {
        error = "invalid JSON: " + parsed.error().detail;
        return std::nullopt;
    }
    try {
        const Json &doc = *parsed;
        if (!doc.IsObject()) throw Failed("the schema must be a JSON object");
        checkKeys(doc, kSchemaKeys, "the schema");
        DeclaredExtension e;
        e.schema.id = readUrn(doc);
        e.extends = extendedTypeOf(e.schema.id);
        e.schema.name = stringMember(doc, "name", "the schema", false);
        e.schema.description = stringMember(doc, "description", "the schema", false);
        const Json *attributes = member(doc, "attributes");
        if (!attributes) throw Failed("the schema has no \"attributes\"");
        e.schema.attributes = readAttributes(*attributes, "attribute", true);
        return e;
    } catch (const Failed &f) {
        error = f.message;
        return std::nullopt;
    }
}

std::optional<DeclaredExtension> loadSchemaExtension(const std::string &path, bool required,
                                                     std::string &error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot be read";
        return std::nullopt;
    }
    std::string text;
    text.resize(kMaxFileBytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) {
        error = "cannot be read";
        return std::nullopt;
    }
    text.resize(static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) {
        error = "is larger than " + std::to_string(kMaxFileBytes) + " bytes";
        return std::nullopt;
    }
    auto e = parseSchemaExtension(text, error);
    if (!e) return e;
    e->required = required;
    e->source = path;
    return e;
}

}  // namespace scim
