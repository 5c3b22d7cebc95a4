// The service's side of the worker's DocumentCache: reads and writes fill
// it, DELETE and "not found" empty it, and only a PATCH takes from it (the
// write it sends is conditional on what it took, so a stale entry costs a
// lost race, never a wrong answer). Each call is a no-op when the cache is
// off.
#pragma once

#include <optional>
#include <string>

#include "scim/document_cache.hpp"
#include "scim/service/service.hpp"

namespace scim {

using DocumentKind = DocumentCache::Kind;

// The entry a PATCH may start from instead of a read; none when the client
// sent If-Match or If-None-Match (those are decided on a read).
std::optional<CachedDocument> rememberedForPatch(const Request &request,
                                                 const ServiceConfig &config, DocumentKind kind,
                                                 const std::string &id);
// The store holds `doc` at `version` (a read found it or a write stored it).
void rememberDocument(const Request &request, const ServiceConfig &config, DocumentKind kind,
                      const std::string &id, const std::string &doc, uint64_t version,
                      const std::string &created, const std::string &lastModified);
void forgetDocument(const Request &request, const ServiceConfig &config, DocumentKind kind,
                    const std::string &id);

}  // namespace scim
