#include "scim/ids.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <vector>

namespace scim {

namespace {

// Writes 2n lowercase hex digits at `out`.
char *hexInto(const unsigned char *p, size_t n, char *out) noexcept {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; ++i) {
        *out++ = digits[p[i] >> 4];
        *out++ = digits[p[i] & 15];
    }
    return out;
}

std::string hex(const unsigned char *p, size_t n) {
    std::string out(n * 2, '\0');
    hexInto(p, n, out.data());
    return out;
}

// 16 bytes as 8-4-4-4-12 lowercase hex.
std::string uuidText(const unsigned char *b) {
    char text[36];
    char *at = text;
    for (size_t group : {4, 2, 2, 2, 6}) {
        if (at != text) *at++ = '-';
        at = hexInto(b, group, at);
        b += group;
    }
    return std::string(text, sizeof text);
}

void randomBytes(unsigned char *p, size_t n) {
    // RAND_bytes only fails when the CSPRNG cannot be seeded; ids or salts
    // from a broken generator would be worse than failing the request.
    if (RAND_bytes(p, static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
}

// Ids and salts (public values, never secrets) come from a per-process pool
// filled 4 KiB at a time: RAND_bytes costs ~13k instructions a call, most of
// it fixed (bench/README.md, "Session 7"). The pool belongs to the process
// that filled it: a forked worker never uses bytes its master drew. Not
// thread-safe: an nginx worker runs the core on one thread.
void publicRandomBytes(unsigned char *p, size_t n) {
    static unsigned char pool[4096];
    static size_t left = 0;
    static pid_t owner = 0;
    if (n > sizeof pool / 8) return randomBytes(p, n);
    pid_t pid = getpid();
    if (owner != pid || left < n) {
        randomBytes(pool, sizeof pool);
        left = sizeof pool;
        owner = pid;
    }
    unsigned char *from = pool + sizeof pool - left;
    std::memcpy(p, from, n);
    OPENSSL_cleanse(from, n);  // each byte is handed out once
    left -= n;
}

constexpr int kPbkdf2Iterations = 10000;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

std::string pbkdf2(std::string_view password, const std::string &salt, int iterations) {
    unsigned char out[kHashBytes];
    PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                      reinterpret_cast<const unsigned char *>(salt.data()),
                      static_cast<int>(salt.size()), iterations, EVP_sha256(), kHashBytes, out);
    return hex(out, kHashBytes);
}

}  // namespace

std::string newResourceId() {
    unsigned char b[16];
    publicRandomBytes(b, sizeof b);
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
    return uuidText(b);
}

std::string nameBasedId(std::string_view name) {
    static const unsigned char kNamespace[16] = {0x52, 0x3a, 0x7f, 0x5b, 0xbb, 0x0a, 0x49, 0xb3,
                                                 0x9a, 0x10, 0xc1, 0x53, 0x97, 0x7e, 0xc1, 0x4b};
    std::string input(reinterpret_cast<const char *>(kNamespace), sizeof kNamespace);
    input.append(name);
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char *>(input.data()), input.size(), md);
    md[6] = static_cast<unsigned char>((md[6] & 0x0f) | 0x50);  // version 5
    md[8] = static_cast<unsigned char>((md[8] & 0x3f) | 0x80);  // RFC 4122 variant
    return uuidText(md);
}

std::string formatTimestamp(int64_t unixMillis) {
    time_t seconds = static_cast<time_t>(unixMillis / 1000);
    struct tm tm;
    gmtime_r(&seconds, &tm);
    char buf[96];
    snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             static_cast<int>(unixMillis % 1000));
    return buf;
}

Sha256Digest sha256Digest(std::string_view data) {
    // SHA256() looks the algorithm up in OpenSSL 3's provider tables on
    // every call (EVP_MD_fetch, half of its ~20k instructions for a token)
    // and EVP_Digest allocates, cleanses and frees a context each time:
    // both once per thread instead.
    static EVP_MD *const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                              EVP_MD_CTX_free);
    static_assert(Sha256Digest::kBytes == SHA256_DIGEST_LENGTH);
    Sha256Digest digest;
    unsigned char *md = digest.bytes.data();
    bool done = sha256 != nullptr && ctx != nullptr &&
                EVP_DigestInit_ex2(ctx.get(), sha256, nullptr) == 1 &&
                EVP_DigestUpdate(ctx.get(), data.data(), data.size()) == 1 &&
                EVP_DigestFinal_ex(ctx.get(), md, nullptr) == 1;
    if (!done) SHA256(reinterpret_cast<const unsigned char *>(data.data()), data.size(), md);
    hexInto(md, Sha256Digest::kBytes, digest.hex.data());
    return digest;
}

std::string sha256Hex(std::string_view data) { return sha256Digest(data).str(); }

std::string hashPassword(std::string_view password) {
    unsigned char s[kSaltBytes];
    publicRandomBytes(s, sizeof s);
    std::string salt = hex(s, sizeof s);
    return "pbkdf2-sha256$" + std::to_string(kPbkdf2Iterations) + "$" + salt + "$" +
           pbkdf2(password, salt, kPbkdf2Iterations);
}

bool verifyPassword(std::string_view password, std::string_view stored) {
    // pbkdf2-sha256$<iterations>$<salt>$<hash>
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (size_t i = 0; i <= stored.size(); ++i) {
        if (i == stored.size() || stored[i] == '$') {
            parts.push_back(stored.substr(start, i - start));
            start = i + 1;
        }
    }
    if (parts.size() != 4 || parts[0] != "pbkdf2-sha256") return false;
    int iterations = std::atoi(std::string(parts[1]).c_str());
    if (iterations <= 0) return false;
    return constantTimeEquals(pbkdf2(password, std::string(parts[2]), iterations), parts[3]);
}

bool constantTimeEquals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace scim
