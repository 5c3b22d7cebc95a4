// Arena-built replies (see the header). A reply's first object (its root,
// the one without a parent task) starts a new arena: a chunk list whose
// head sits just before the root. hiredis creates the objects of one reply
// in order, across as many feeds as it takes, and only ever frees a root
// (after it was handed out, or a partial one on a protocol error or when
// the reader goes), so the reader's privdata just remembers the arena being
// filled.
#include "ngx_http_scim_redis_reply.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

namespace {

struct ngx_http_scim_reply_chunk_t {
    ngx_http_scim_reply_chunk_t *next;
    size_t size;  // usable bytes after this header
    size_t used;
};

// Stands before a root: the chunks of its reply, the newest first.
struct ngx_http_scim_reply_head_t {
    ngx_http_scim_reply_chunk_t *chunks;
};

// The reader's privdata: the reply being built.
struct ngx_http_scim_reply_arena_t {
    ngx_http_scim_reply_head_t *head = nullptr;
};

constexpr size_t ngx_http_scim_reply_align = 16;
constexpr size_t ngx_http_scim_reply_first_chunk = 2048;
constexpr size_t ngx_http_scim_reply_max_chunk = 256 * 1024;

constexpr size_t ngx_http_scim_reply_aligned(size_t n) {
    return (n + ngx_http_scim_reply_align - 1) & ~(ngx_http_scim_reply_align - 1);
}
constexpr size_t ngx_http_scim_reply_chunk_header =
    ngx_http_scim_reply_aligned(sizeof(ngx_http_scim_reply_chunk_t));

char *ngx_http_scim_reply_chunk_data(ngx_http_scim_reply_chunk_t *c) {
    return reinterpret_cast<char *>(c) + ngx_http_scim_reply_chunk_header;
}

// Chunks of released replies, kept for the next ones (per process, at most
// ngx_http_scim_reply_cache_bytes in all). Without them every large reply
// grew the heap and its release gave the memory back (malloc trims its
// top), so each batch of a full scan faulted its pages in again: a worker's
// CPU per scan varied twofold between runs (bench/README.md, "Session 7
// closing run").
constexpr size_t ngx_http_scim_reply_cache_bytes = 1024 * 1024;
constexpr size_t ngx_http_scim_reply_cache_slots = 16;
ngx_http_scim_reply_chunk_t *ngx_http_scim_reply_cache[ngx_http_scim_reply_cache_slots];
size_t ngx_http_scim_reply_cached_bytes = 0;

// An empty chunk of at least `size` usable bytes: the smallest cached one
// that fits, else a new one.
ngx_http_scim_reply_chunk_t *ngx_http_scim_reply_chunk_take(size_t size) {
    size_t best = ngx_http_scim_reply_cache_slots;
    for (size_t i = 0; i < ngx_http_scim_reply_cache_slots; ++i) {
        ngx_http_scim_reply_chunk_t *c = ngx_http_scim_reply_cache[i];
        if (c == nullptr || c->size < size) continue;
        if (best == ngx_http_scim_reply_cache_slots || c->size < ngx_http_scim_reply_cache[best]->size) {
            best = i;
        }
    }
    ngx_http_scim_reply_chunk_t *c;
    if (best < ngx_http_scim_reply_cache_slots) {
        c = ngx_http_scim_reply_cache[best];
        ngx_http_scim_reply_cache[best] = nullptr;
        ngx_http_scim_reply_cached_bytes -= c->size;
    } else {
        c = static_cast<ngx_http_scim_reply_chunk_t *>(
            std::malloc(ngx_http_scim_reply_chunk_header + size));
        if (c == nullptr) return nullptr;
        c->size = size;
    }
    c->next = nullptr;
    c->used = 0;
    return c;
}

// Keeps a chunk for later if the cache has room, else frees it.
void ngx_http_scim_reply_chunk_release(ngx_http_scim_reply_chunk_t *c) {
    if (ngx_http_scim_reply_cached_bytes + c->size <= ngx_http_scim_reply_cache_bytes) {
        for (ngx_http_scim_reply_chunk_t *&slot : ngx_http_scim_reply_cache) {
            if (slot != nullptr) continue;
            slot = c;
            ngx_http_scim_reply_cached_bytes += c->size;
            return;
        }
    }
    std::free(c);
}

// `n` bytes from the reply's newest chunk, or from a new one twice as large.
void *ngx_http_scim_reply_alloc(ngx_http_scim_reply_head_t *head, size_t n) {
    n = ngx_http_scim_reply_aligned(n);
    ngx_http_scim_reply_chunk_t *c = head->chunks;
    if (c->size - c->used < n) {
        size_t size = c->size * 2 < ngx_http_scim_reply_max_chunk ? c->size * 2
                                                                   : ngx_http_scim_reply_max_chunk;
        if (size < n) size = n;
        ngx_http_scim_reply_chunk_t *fresh = ngx_http_scim_reply_chunk_take(size);
        if (fresh == nullptr) return nullptr;
        fresh->next = c;
        head->chunks = c = fresh;
    }
    void *p = ngx_http_scim_reply_chunk_data(c) + c->used;
    c->used += n;
    return p;
}

ngx_http_scim_reply_arena_t *ngx_http_scim_reply_arena_of(const redisReadTask *task) {
    while (task->parent != nullptr) task = task->parent;
    return static_cast<ngx_http_scim_reply_arena_t *>(task->privdata);
}

// A zeroed redisReply of `type` with `extra` bytes after it, linked into
// its parent array; a root starts a new arena.
redisReply *ngx_http_scim_reply_object(const redisReadTask *task, int type, size_t extra) {
    ngx_http_scim_reply_arena_t *arena = ngx_http_scim_reply_arena_of(task);
    // Aligned here already: a root must fit its first chunk, right after
    // the head that free finds it by.
    const size_t need = ngx_http_scim_reply_aligned(ngx_http_scim_reply_aligned(sizeof(redisReply)) + extra);
    void *p;
    if (task->parent == nullptr) {
        const size_t lead = ngx_http_scim_reply_aligned(sizeof(ngx_http_scim_reply_head_t));
        size_t size = ngx_http_scim_reply_first_chunk;
        if (size < lead + need) size = lead + need;
        ngx_http_scim_reply_chunk_t *c = ngx_http_scim_reply_chunk_take(size);
        if (c == nullptr) return nullptr;
        c->used = lead;
        auto *head = reinterpret_cast<ngx_http_scim_reply_head_t *>(ngx_http_scim_reply_chunk_data(c));
        head->chunks = c;
        arena->head = head;
        p = ngx_http_scim_reply_alloc(head, need);
    } else {
        p = ngx_http_scim_reply_alloc(arena->head, need);
    }
    if (p == nullptr) return nullptr;
    auto *r = static_cast<redisReply *>(p);
    std::memset(r, 0, sizeof(redisReply));
    r->type = type;
    if (task->parent != nullptr) {
        auto *parent = static_cast<redisReply *>(task->parent->obj);
        parent->element[task->idx] = r;
    }
    return r;
}

char *ngx_http_scim_reply_extra(redisReply *r) {
    return reinterpret_cast<char *>(r) + ngx_http_scim_reply_aligned(sizeof(redisReply));
}

void *ngx_http_scim_reply_string(const redisReadTask *task, char *str, size_t len) {
    redisReply *r = ngx_http_scim_reply_object(task, task->type, len + 1);
    if (r == nullptr) return nullptr;
    r->str = ngx_http_scim_reply_extra(r);
    std::memcpy(r->str, str, len);
    r->str[len] = '\0';
    r->len = len;
    return r;
}

void *ngx_http_scim_reply_array(const redisReadTask *task, int elements) {
    size_t n = elements > 0 ? static_cast<size_t>(elements) : 0;
    redisReply *r = ngx_http_scim_reply_object(task, REDIS_REPLY_ARRAY, n * sizeof(redisReply *));
    if (r == nullptr) return nullptr;
    if (n > 0) {
        r->element = reinterpret_cast<redisReply **>(ngx_http_scim_reply_extra(r));
        std::memset(r->element, 0, n * sizeof(redisReply *));
    }
    r->elements = n;
    return r;
}

void *ngx_http_scim_reply_integer(const redisReadTask *task, long long value) {
    redisReply *r = ngx_http_scim_reply_object(task, REDIS_REPLY_INTEGER, 0);
    if (r != nullptr) r->integer = value;
    return r;
}

void *ngx_http_scim_reply_nil(const redisReadTask *task) {
    return ngx_http_scim_reply_object(task, REDIS_REPLY_NIL, 0);
}

void ngx_http_scim_reply_free_object(void *root) {
    if (root == nullptr) return;
    const size_t lead = ngx_http_scim_reply_aligned(sizeof(ngx_http_scim_reply_head_t));
    auto *head = reinterpret_cast<ngx_http_scim_reply_head_t *>(static_cast<char *>(root) - lead);
    ngx_http_scim_reply_chunk_t *c = head->chunks;
    while (c != nullptr) {
        ngx_http_scim_reply_chunk_t *next = c->next;
        ngx_http_scim_reply_chunk_release(c);
        c = next;
    }
}

// What a copy of `r` takes from its arena, its children included.
size_t ngx_http_scim_reply_copy_size(const redisReply &r) {
    size_t extra = r.type == REDIS_REPLY_ARRAY ? r.elements * sizeof(redisReply *)
                   : r.str != nullptr          ? r.len + 1
                                               : 0;
    size_t n = ngx_http_scim_reply_aligned(ngx_http_scim_reply_aligned(sizeof(redisReply)) + extra);
    if (r.type != REDIS_REPLY_ARRAY) return n;
    for (size_t i = 0; i < r.elements; ++i) {
        if (r.element[i] != nullptr) n += ngx_http_scim_reply_copy_size(*r.element[i]);
    }
    return n;
}

// Copies `r` into an arena sized by ngx_http_scim_reply_copy_size: no
// allocation fails. Replies nest a few levels at most.
redisReply *ngx_http_scim_reply_copy_into(ngx_http_scim_reply_head_t *head, const redisReply &r) {
    bool array = r.type == REDIS_REPLY_ARRAY;
    size_t extra = array ? r.elements * sizeof(redisReply *) : r.str != nullptr ? r.len + 1 : 0;
    auto *copy = static_cast<redisReply *>(ngx_http_scim_reply_alloc(
        head, ngx_http_scim_reply_aligned(sizeof(redisReply)) + extra));
    std::memset(copy, 0, sizeof(redisReply));
    copy->type = r.type;
    copy->integer = r.integer;
    if (array) {
        copy->elements = r.elements;
        if (r.elements == 0) return copy;
        copy->element = reinterpret_cast<redisReply **>(ngx_http_scim_reply_extra(copy));
        for (size_t i = 0; i < r.elements; ++i) {
            copy->element[i] =
                r.element[i] != nullptr ? ngx_http_scim_reply_copy_into(head, *r.element[i]) : nullptr;
        }
    } else if (r.str != nullptr) {
        copy->str = ngx_http_scim_reply_extra(copy);
        std::memcpy(copy->str, r.str, r.len);
        copy->str[r.len] = '\0';
        copy->len = r.len;
    }
    return copy;
}

redisReplyObjectFunctions ngx_http_scim_reply_functions = {
    ngx_http_scim_reply_string, ngx_http_scim_reply_array, ngx_http_scim_reply_integer,
    ngx_http_scim_reply_nil, ngx_http_scim_reply_free_object};

}  // namespace

redisReader *ngx_http_scim_redis_reader_create() noexcept {
    auto *arena = new (std::nothrow) ngx_http_scim_reply_arena_t;
    if (arena == nullptr) return nullptr;
    redisReader *r = redisReaderCreateWithFunctions(&ngx_http_scim_reply_functions);
    if (r == nullptr) {
        delete arena;
        return nullptr;
    }
    r->privdata = arena;
    // hiredis drops its input buffer whenever it is empty with over 16 KB
    // spare, so every reply larger than that (a page, a scan batch) grew a
    // new one; a buffer is kept up to the cache's size instead.
    r->maxbuf = ngx_http_scim_reply_cache_bytes;
    return r;
}

void ngx_http_scim_redis_reader_free(redisReader *reader) noexcept {
    auto *arena = static_cast<ngx_http_scim_reply_arena_t *>(reader->privdata);
    redisReaderFree(reader);  // frees a reply it was still building
    delete arena;
}

void ngx_http_scim_redis_reply_free(redisReply *reply) noexcept {
    ngx_http_scim_reply_free_object(reply);
}

redisReply *ngx_http_scim_redis_reply_copy(const redisReply &reply) noexcept {
    const size_t lead = ngx_http_scim_reply_aligned(sizeof(ngx_http_scim_reply_head_t));
    ngx_http_scim_reply_chunk_t *c =
        ngx_http_scim_reply_chunk_take(lead + ngx_http_scim_reply_copy_size(reply));
    if (c == nullptr) return nullptr;
    c->used = lead;
    auto *head = reinterpret_cast<ngx_http_scim_reply_head_t *>(ngx_http_scim_reply_chunk_data(c));
    head->chunks = c;
    return ngx_http_scim_reply_copy_into(head, reply);
}
