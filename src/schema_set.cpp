#include "scim/schema_set.hpp"

#include "scim/strings.hpp"

namespace scim {

namespace {

// `a` equals `b` or one is the other's path prefix ("urn:x:User" and
// "urn:x:User:y"): attribute paths could not tell them apart.
bool urnsClash(std::string_view a, std::string_view b) {
    if (a.size() > b.size()) std::swap(a, b);
    if (!istartsWith(b, a)) return false;
    return a.size() == b.size() || b[a.size()] == ':' || b[a.size()] == '.';
}

}  // namespace

SchemaSet::SchemaSet() : user_(userResourceType()), group_(groupResourceType()) {
    types_ = {&user_, &group_};
    schemas_ = scim::schemas();
}

std::shared_ptr<const SchemaSet> SchemaSet::builtin() {
    static const std::shared_ptr<const SchemaSet> set(new SchemaSet());
    return set;
}

void SchemaSet::attach(const DeclaredExtension &e) {
    bool group = e.extends == ExtendedType::Group;
    ResourceType &rt = group ? group_ : user_;
    rt.extensions.push_back({&e.schema, e.required});
    schemas_.push_back(&e.schema);
    for (const Attribute &a : e.schema.attributes) {
        if (a.uniqueness != Uniqueness::Server) continue;
        (group ? groupUnique_ : userUnique_).push_back({&e.schema, &a});
    }
}

std::shared_ptr<const SchemaSet> SchemaSet::build(std::vector<DeclaredExtension> extensions,
                                                  std::string &error) {
    if (extensions.empty()) return builtin();
    std::shared_ptr<SchemaSet> set(new SchemaSet());
    for (DeclaredExtension &e : extensions) {
        for (const auto &earlier : set->declared_) {
            if (urnsClash(earlier->schema.id, e.schema.id)) {
                error = "schema \"" + e.schema.id + "\" in \"" + e.source +
                        "\" clashes with schema \"" + earlier->schema.id + "\" in \"" +
                        earlier->source + "\"";
                return nullptr;
            }
        }
        set->declared_.push_back(std::make_unique<DeclaredExtension>(std::move(e)));
        set->attach(*set->declared_.back());
    }
    return set;
}

}  // namespace scim
