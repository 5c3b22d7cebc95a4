// Counts heap allocations of the program that includes it (once): malloc,
// calloc and realloc are wrapped around glibc's own. Build with
// -DREPLAY_NO_COUNT for heaptrack, which needs the plain malloc.
#pragma once

#include <cstddef>

namespace alloc_counter {
inline size_t calls = 0;
inline size_t bytes = 0;
}  // namespace alloc_counter

#ifndef REPLAY_NO_COUNT
extern "C" void *__libc_malloc(size_t);
extern "C" void *__libc_calloc(size_t, size_t);
extern "C" void *__libc_realloc(void *, size_t);
extern "C" void __libc_free(void *);

extern "C" void *malloc(size_t n) {
    ++alloc_counter::calls;
    alloc_counter::bytes += n;
    return __libc_malloc(n);
}
extern "C" void *calloc(size_t n, size_t m) {
    ++alloc_counter::calls;
    alloc_counter::bytes += n * m;
    return __libc_calloc(n, m);
}
extern "C" void *realloc(void *p, size_t n) {
    ++alloc_counter::calls;
    alloc_counter::bytes += n;
    return __libc_realloc(p, n);
}
extern "C" void free(void *p) { __libc_free(p); }
#endif
