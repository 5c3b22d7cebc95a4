// SCIM errors (RFC 7644 §3.12) and a minimal Expected<T> to carry them
// through the core without exceptions.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace scim {

struct Error {
    int status = 400;
    std::string scimType;  // empty when the RFC defines none for the case
    std::string detail;
};

// Constructors for the RFC's scimType values and the plain HTTP cases.
Error invalidFilter(std::string detail);
Error tooMany(std::string detail);
Error invalidCursor(std::string detail);  // RFC 9865
Error uniqueness(std::string detail);
Error mutability(std::string detail);
Error invalidSyntax(std::string detail);
Error invalidPath(std::string detail);
Error noTarget(std::string detail);
Error invalidValue(std::string detail);
Error invalidVersion(std::string detail);
Error notFound(std::string detail);
Error unauthorized(std::string detail);
Error methodNotAllowed(std::string detail);
Error preconditionFailed(std::string detail);
Error payloadTooLarge(std::string detail);
Error unavailable(std::string detail);
Error internalError(std::string detail);

// {"schemas":[Error URN],"status":"404","scimType":…,"detail":…}
std::string renderError(const Error &e);

template <class T>
class Expected {
public:
    Expected(T value) : v_(std::move(value)) {}
    Expected(Error error) : v_(std::move(error)) {}

    explicit operator bool() const noexcept { return v_.index() == 0; }
    T &operator*() { return std::get<0>(v_); }
    const T &operator*() const { return std::get<0>(v_); }
    T *operator->() { return &std::get<0>(v_); }
    const T *operator->() const { return &std::get<0>(v_); }
    const Error &error() const { return std::get<1>(v_); }
    Error takeError() { return std::move(std::get<1>(v_)); }

private:
    std::variant<T, Error> v_;
};

}  // namespace scim
