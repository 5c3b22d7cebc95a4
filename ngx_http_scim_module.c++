extern "C" {
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
}
static ngx_http_module_t ctx = {nullptr,nullptr,nullptr,nullptr,nullptr,nullptr,nullptr,nullptr};
extern "C" ngx_module_t ngx_http_scim_module;
ngx_module_t ngx_http_scim_module = { NGX_MODULE_V1, &ctx, nullptr, NGX_HTTP_MODULE, nullptr,nullptr,nullptr,nullptr,nullptr,nullptr,nullptr, NGX_MODULE_V1_PADDING };
