// Per-thread reuse of RapidJSON's memory (scim/json.hpp): the pool and
// first block of each document, and the blocks of parser and writer stacks.
// nginx workers are single-threaded; the caches are per thread anyway so
// that the unit tests and tools may use threads.
//
// Idle memory is poisoned under ASan, so a value used after its document
// went still fails there as a use-after-poison.
#include <sanitizer/asan_interface.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "scim/json.hpp"

namespace scim {

namespace {

// Stack blocks: a header that holds the capacity, then the data. Parser
// stacks start at 256 bytes (reader) or 1 KiB (document), writer stacks at
// 512: one block of kStackBlock serves all of them and most growth.
constexpr size_t kStackBlock = 4096;
constexpr size_t kHeader = 16;
constexpr size_t kCachedStacks = 16;

thread_local void *freeStacks[kCachedStacks];
thread_local size_t freeStackCount = 0;

size_t &capacityOf(void *data) {
    return *reinterpret_cast<size_t *>(static_cast<char *>(data) - kHeader);
}

void *newStack(size_t capacity) {
    char *raw = static_cast<char *>(std::malloc(kHeader + capacity));
    if (!raw) return nullptr;
    *reinterpret_cast<size_t *>(raw) = capacity;
    return raw + kHeader;
}

}  // namespace

void *JsonStackAlloc::Malloc(size_t size) {
    if (size == 0) return nullptr;
    if (size > kStackBlock) return newStack(size);
    if (freeStackCount == 0) return newStack(kStackBlock);
    void *block = freeStacks[--freeStackCount];
    ASAN_UNPOISON_MEMORY_REGION(block, kStackBlock);
    return block;
}

void *JsonStackAlloc::Realloc(void *original, size_t originalSize, size_t newSize) {
    if (!original) return Malloc(newSize);
    if (newSize == 0) {
        Free(original);
        return nullptr;
    }
    if (newSize <= capacityOf(original)) return original;
    void *grown = Malloc(newSize);
    if (!grown) return nullptr;
    std::memcpy(grown, original, originalSize < newSize ? originalSize : newSize);
    Free(original);
    return grown;
}

void JsonStackAlloc::Free(void *block) noexcept {
    if (!block) return;
    if (capacityOf(block) == kStackBlock && freeStackCount < kCachedStacks) {
        ASAN_POISON_MEMORY_REGION(block, kStackBlock);
        freeStacks[freeStackCount++] = block;
        return;
    }
    std::free(static_cast<char *>(block) - kHeader);
}

JsonStackAlloc *JsonStackAlloc::shared() noexcept {
    static JsonStackAlloc instance;
    return &instance;
}

namespace jsonmem {

namespace {

// A document's values: the first block holds a typical resource, error
// body or request (a DOM takes 3-5 times its text); bigger documents go on
// into chunks from malloc, freed with the document.
constexpr size_t kFirstBlock = 8192;
constexpr size_t kNextChunk = 32768;
constexpr size_t kCachedSlabs = 16;

rapidjson::CrtAllocator chunkSource;  // stateless

}  // namespace

struct JsonPoolLease::Slab {
    alignas(JsonAlloc) unsigned char pool[sizeof(JsonAlloc)];
    alignas(16) unsigned char first[kFirstBlock];
    JsonAlloc *allocator() { return std::launder(reinterpret_cast<JsonAlloc *>(pool)); }
};

namespace {
thread_local JsonPoolLease::Slab *freeSlabs[kCachedSlabs];
thread_local size_t freeSlabCount = 0;
}  // namespace

JsonPoolLease::JsonPoolLease() {
    slab_ = freeSlabCount ? freeSlabs[--freeSlabCount] : new Slab;
    ASAN_UNPOISON_MEMORY_REGION(slab_->first, kFirstBlock);
    new (slab_->pool) JsonAlloc(slab_->first, kFirstBlock, kNextChunk, &chunkSource);
}

JsonAlloc *JsonPoolLease::leasedPool() noexcept { return slab_ ? slab_->allocator() : nullptr; }

void JsonPoolLease::release() noexcept {
    if (!slab_) return;
    slab_->allocator()->~JsonAlloc();  // frees the chunks beyond the first block
    if (freeSlabCount < kCachedSlabs) {
        ASAN_POISON_MEMORY_REGION(slab_->first, kFirstBlock);
        freeSlabs[freeSlabCount++] = slab_;
    } else {
        delete slab_;
    }
    slab_ = nullptr;
}

}  // namespace jsonmem

}  // namespace scim
