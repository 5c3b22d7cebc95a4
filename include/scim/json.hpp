// RapidJSON, included as a system header so that nginx's -W -Wall -Werror
// does not trip over warnings inside the library, plus small helpers that
// every part of the core uses on untrusted JSON.
#pragma once
#pragma GCC system_header

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "scim/error.hpp"
#include "scim/json_escape.hpp"

namespace scim {

using Json = rapidjson::Value;
using JsonAlloc = rapidjson::Value::AllocatorType;  // MemoryPoolAllocator<>

// Memory for RapidJSON (src/json_memory.cpp). A request parses and writes
// several documents; each used to cost half a dozen mallocs, one of them a
// fresh 64 KiB chunk. Both kinds of memory below are reused per thread
// instead (under ASan, poisoned while idle, so a dangling use still fails).

// The stacks of parsers and writers: blocks of one size, reused. Stateless:
// every stack shares one instance, shared().
class JsonStackAlloc {
public:
    static const bool kNeedFree = true;
    void *Malloc(size_t size);
    void *Realloc(void *original, size_t originalSize, size_t newSize);
    static void Free(void *block) noexcept;
    static JsonStackAlloc *shared() noexcept;
};

namespace jsonmem {

// A document's pool allocator with its first block, taken from the thread's
// cache and given back when the document goes.
class JsonPoolLease {
public:
    JsonPoolLease();
    explicit JsonPoolLease(std::nullptr_t) noexcept {}
    JsonPoolLease(JsonPoolLease &&other) noexcept : slab_(other.slab_) { other.slab_ = nullptr; }
    JsonPoolLease &operator=(JsonPoolLease &&other) noexcept {
        if (this != &other) {
            release();
            slab_ = other.slab_;
            other.slab_ = nullptr;
        }
        return *this;
    }
    ~JsonPoolLease() { release(); }
    void swapLease(JsonPoolLease &other) noexcept { std::swap(slab_, other.slab_); }
    struct Slab;

protected:
    JsonAlloc *leasedPool() noexcept;

private:
    void release() noexcept;
    Slab *slab_ = nullptr;
};

}  // namespace jsonmem

using JsonDocBase =
    rapidjson::GenericDocument<rapidjson::UTF8<>, JsonAlloc, JsonStackAlloc>;

// A document whose values live in a pooled allocator (see above), or in one
// the caller owns (JsonDoc(&pool)). Moves and swaps carry the pool along.
class JsonDoc : private jsonmem::JsonPoolLease, public JsonDocBase {
public:
    JsonDoc() : JsonDocBase(leasedPool(), kStack, JsonStackAlloc::shared()) {}
    explicit JsonDoc(rapidjson::Type type)
        : JsonDocBase(type, leasedPool(), kStack, JsonStackAlloc::shared()) {}
    explicit JsonDoc(JsonAlloc *allocator)
        : JsonPoolLease(nullptr), JsonDocBase(allocator, kStack, JsonStackAlloc::shared()) {}
    JsonDoc(JsonDoc &&) = default;
    JsonDoc &operator=(JsonDoc &&) = default;
    JsonDoc &Swap(JsonDoc &other) noexcept {
        swapLease(other);
        JsonDocBase::Swap(other);
        return *this;
    }

private:
    static constexpr size_t kStack = 1024;
};

inline std::string_view str(const Json &v) {
    return {v.GetString(), v.GetStringLength()};
}

inline Json jstr(std::string_view s, JsonAlloc &a) {
    return Json(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

// Compact serialisation.
std::string toString(const Json &v);

// RapidJSON's output stream into a std::string that becomes the response
// body: no copy out of a StringBuffer at the end. `expected` bytes are
// reserved up front; it grows by doubling beyond.
class JsonOut {
public:
    using Ch = char;
    explicit JsonOut(size_t expected = 256) { buf_.resize(expected); }
    void Put(char c) {
        if (n_ == buf_.size()) grow(1);
        buf_[n_++] = c;
    }
    void Reserve(size_t count) {
        if (buf_.size() - n_ < count) grow(count);
    }
    void PutUnsafe(char c) { buf_[n_++] = c; }
    // Escape-free runs and raw JSON in one copy (JsonWriter::RawText,
    // writeString) instead of RapidJSON's loop over every byte.
    void PutBulk(const char *s, size_t count) {
        Reserve(count);
        std::memcpy(&buf_[n_], s, count);
        n_ += count;
    }
    void Flush() {}
    size_t size() const { return n_; }
    // The text written so far; the stream is empty afterwards.
    std::string take() {
        buf_.resize(n_);
        n_ = 0;
        return std::move(buf_);
    }

private:
    void grow(size_t count) { buf_.resize(std::max(buf_.size() * 2, n_ + count)); }
    std::string buf_;
    size_t n_ = 0;
};

// Writing JSON text directly, without a DOM (lists, scim/render_text.hpp).
class JsonWriter
    : public rapidjson::Writer<JsonOut, rapidjson::UTF8<>, rapidjson::UTF8<>, JsonStackAlloc> {
public:
    explicit JsonWriter(JsonOut &out) : Writer(out, JsonStackAlloc::shared()) {}

    // RawValue's effect, the text copied at once.
    void RawText(std::string_view json) {
        Prefix(rapidjson::kObjectType);
        os_->PutBulk(json.data(), json.size());
        if (level_stack_.Empty()) os_->Flush();
    }
    // String (or Key) for text that needs no escape (needsEscape,
    // scim/json_escape.hpp): quoted and copied at once, the same bytes
    // RapidJSON writes.
    void PlainString(std::string_view s) {
        Prefix(rapidjson::kStringType);
        os_->Reserve(s.size() + 2);
        os_->PutUnsafe('"');
        os_->PutBulk(s.data(), s.size());
        os_->PutUnsafe('"');
        if (level_stack_.Empty()) os_->Flush();
    }
};

// Most text needs no escape and is copied at once; the rest goes through
// RapidJSON's own String, whose rule scim/json_escape.hpp follows.
inline void writeString(JsonWriter &w, std::string_view s) {
    if (!needsEscape(s)) return w.PlainString(s);
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace scim

namespace rapidjson {
template <>
inline void PutReserve(scim::JsonOut &stream, size_t count) {
    stream.Reserve(count);
}
template <>
inline void PutUnsafe(scim::JsonOut &stream, char c) {
    stream.PutUnsafe(c);
}
}  // namespace rapidjson

namespace scim {

struct ParseLimits {
    size_t maxBytes = 1 << 20;  // the edge also enforces client_max_body_size
    unsigned maxDepth = 32;     // objects and arrays nested deeper are refused
};

// Parses untrusted request JSON: valid UTF-8 required, nesting bounded
// (iterative parser, so deep input cannot overflow the stack). Errors are
// 400 invalidSyntax with a detail naming the offset or the limit. Then
// checkRequestJson (scim/input_checks.hpp): no repeated keys, no control
// characters or surrogates in strings.
Expected<JsonDoc> parseJson(std::string_view text, const ParseLimits &limits = {});

// Looks up a member by name, ASCII case-insensitively (SCIM attribute names
// are case-insensitive). Exact matches win over folded ones.
const Json *findMember(const Json &object, std::string_view name) noexcept;
Json *findMember(Json &object, std::string_view name) noexcept;

}  // namespace scim
