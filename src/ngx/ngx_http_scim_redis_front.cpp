#include "ngx_http_scim_redis_cluster.hpp"

namespace {

ngx_http_scim_redis_link &single_link() {
    static ngx_http_scim_redis_link link;
    return link;
}

ngx_http_scim_redis_cluster &cluster_router() {
    static ngx_http_scim_redis_cluster router;
    return router;
}

ngx_http_scim_redis_front *current = nullptr;

}  // namespace

ngx_http_scim_redis_front &ngx_http_scim_redis() {
    return current != nullptr ? *current : single_link();
}

void ngx_http_scim_redis_start(const ngx_http_scim_redis_conf_t *conf, ngx_log_t *log) noexcept {
    if (conf->cluster_seeds.empty()) {
        current = &single_link();
    } else {
        current = &cluster_router();
    }
    current->start(conf, log);
}
