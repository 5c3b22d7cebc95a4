// Redis replies built in one arena each. hiredis's own reader mallocs two
// blocks per string (the redisReply and its text): a page of 100 records is
// about 1,000 mallocs and as many frees. Here every object of one top-level
// reply comes from a few growing chunks, released together.
#pragma once

#include <hiredis/hiredis.h>

// A reader whose replies are arena-built, and its end.
redisReader *ngx_http_scim_redis_reader_create() noexcept;
void ngx_http_scim_redis_reader_free(redisReader *reader) noexcept;

// Frees a top-level reply of that reader (never freeReplyObject on it).
void ngx_http_scim_redis_reply_free(redisReply *reply) noexcept;

// A copy of `reply` (of any reader) in an arena of its own, to free with
// ngx_http_scim_redis_reply_free: a reply kept past its callback, e.g. a
// batch's until its last reply comes. nullptr when out of memory.
redisReply *ngx_http_scim_redis_reply_copy(const redisReply &reply) noexcept;
