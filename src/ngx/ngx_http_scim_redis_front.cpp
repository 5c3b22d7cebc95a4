#include "ngx_http_scim_redis_cluster.hpp"

namespace {

ngx_http_scim_redis_link &ngx_http_scim_redis_single_link() {
    static ngx_http_scim_redis_link link;
    return link;
}

ngx_http_scim_redis_cluster &ngx_http_scim_redis_cluster_router() {
    static ngx_http_scim_redis_cluster router;
    return router;
}

ngx_http_scim_redis_front *current = nullptr;

}  // namespace

ngx_http_scim_redis_front &ngx_http_scim_redis() {
    return current != nullptr ? *current : ngx_http_scim_redis_single_link();
}

void ngx_http_scim_redis_start(const ngx_http_scim_redis_conf_t *conf, ngx_log_t *log) noexcept {
    if (conf->cluster_seeds.empty()) {
        current = &ngx_http_scim_redis_single_link();
    } else {
        current = &ngx_http_scim_redis_cluster_router();
    }
    current->start(conf, log);
}
