#include "remembered_documents.hpp"

namespace scim {

namespace {

// The location's configuration stands for its store: two locations may use
// different Redis servers or key prefixes.
DocumentCache::Key keyOf(const Request &request, const ServiceConfig &config, DocumentKind kind,
                         const std::string &id) {
    return {&config, request.tenant, kind, id};
}

}  // namespace

std::optional<CachedDocument> rememberedForPatch(const Request &request,
                                                 const ServiceConfig &config, DocumentKind kind,
                                                 const std::string &id) {
    if (!request.documentCache || !request.ifMatch.empty() || !request.ifNoneMatch.empty()) {
        return std::nullopt;
    }
    return request.documentCache->find(keyOf(request, config, kind, id));
}

void rememberDocument(const Request &request, const ServiceConfig &config, DocumentKind kind,
                      const std::string &id, const std::string &doc, uint64_t version,
                      const std::string &created, const std::string &lastModified) {
    if (!request.documentCache) return;
    request.documentCache->remember(keyOf(request, config, kind, id),
                                    {doc, version, created, lastModified});
}

void forgetDocument(const Request &request, const ServiceConfig &config, DocumentKind kind,
                    const std::string &id) {
    if (request.documentCache) request.documentCache->forget(keyOf(request, config, kind, id));
}

}  // namespace scim
