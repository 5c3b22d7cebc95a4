#include "coerce.hpp"

#include <cmath>
#include <string>

#include "scim/strings.hpp"

namespace scim {

Error invalidAttribute(std::string_view path, std::string_view problem) {
    return invalidValue("attribute '" + std::string(path) + "' " + std::string(problem));
}

bool isUnset(const Json &v) noexcept {
    return v.IsNull() || (v.IsString() && v.GetStringLength() == 0) ||
           (v.IsArray() && v.Empty()) || (v.IsObject() && v.ObjectEmpty());
}

namespace {

// Reads fixed-width decimal fields off the front of a date-time.
class DateTimeReader {
public:
    explicit DateTimeReader(std::string_view s) : s_(s) {}

    bool number(size_t digits, int lowest, int highest, int &out) {
        if (s_.size() < digits) return false;
        int n = 0;
        for (size_t i = 0; i < digits; ++i) {
            if (s_[i] < '0' || s_[i] > '9') return false;
            n = n * 10 + (s_[i] - '0');
        }
        s_.remove_prefix(digits);
        out = n;
        return n >= lowest && n <= highest;
    }
    bool literal(char c) {
        if (s_.empty() || (s_[0] != c && s_[0] != alternate(c))) return false;
        s_.remove_prefix(1);
        return true;
    }
    // "." followed by one or more digits, if present.
    bool optionalFraction() {
        if (s_.empty() || s_[0] != '.') return true;
        size_t digits = 1;
        while (digits < s_.size() && s_[digits] >= '0' && s_[digits] <= '9') ++digits;
        if (digits == 1) return false;
        s_.remove_prefix(digits);
        return true;
    }
    bool offset() {
        if (literal('Z')) return true;
        if (!literal('+') && !literal('-')) return false;
        int hours = 0, minutes = 0;
        return number(2, 0, 23, hours) && literal(':') && number(2, 0, 59, minutes);
    }
    bool atEnd() const { return s_.empty(); }

private:
    // RFC 3339 allows the lowercase "t" and "z".
    static char alternate(char c) { return c == 'T' ? 't' : c == 'Z' ? 'z' : c; }
    std::string_view s_;
};

int daysInMonth(int year, int month) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return (month == 2 && leap) ? 29 : kDays[month - 1];
}

Expected<Json> coerceString(const Json &in, JsonAlloc &alloc, std::string_view path) {
    if (!in.IsString()) return invalidAttribute(path, "must be a string");
    return jstr(str(in), alloc);
}

// Entra ID sends booleans as "True" / "False".
Expected<Json> coerceBoolean(const Json &in, std::string_view path) {
    if (in.IsBool()) return Json(in.GetBool());
    if (in.IsString() && iequals(str(in), "true")) return Json(true);
    if (in.IsString() && iequals(str(in), "false")) return Json(false);
    return invalidAttribute(path, "must be a boolean");
}

// 3.0 is accepted as 3: some JSON writers print every number as a double.
Expected<Json> coerceInteger(const Json &in, std::string_view path) {
    if (in.IsInt64()) return Json(in.GetInt64());
    if (in.IsUint64()) return Json(in.GetUint64());
    if (in.IsDouble()) {
        double d = in.GetDouble();
        if (std::trunc(d) == d && d >= -9.2e18 && d <= 9.2e18) return Json(int64_t(d));
    }
    return invalidAttribute(path, "must be an integer");
}

Expected<Json> coerceDecimal(const Json &in, std::string_view path) {
    if (in.IsInt64()) return Json(in.GetInt64());
    if (in.IsUint64()) return Json(in.GetUint64());
    if (in.IsNumber()) return Json(in.GetDouble());
    return invalidAttribute(path, "must be a number");
}

Expected<Json> coerceDateTime(const Json &in, JsonAlloc &alloc, std::string_view path) {
    if (!in.IsString() || !isRfc3339DateTime(str(in))) {
        return invalidAttribute(path, "must be an RFC 3339 date-time, e.g. 2026-11-22T13:44:18Z");
    }
    return jstr(str(in), alloc);
}

}  // namespace

bool isRfc3339DateTime(std::string_view text) noexcept {
    DateTimeReader r(text);
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!r.number(4, 0, 9999, year) || !r.literal('-') || !r.number(2, 1, 12, month) ||
        !r.literal('-') || !r.number(2, 1, 31, day) || day > daysInMonth(year, month)) {
        return false;
    }
    // Second 60 is a leap second (RFC 3339 §5.7).
    return r.literal('T') && r.number(2, 0, 23, hour) && r.literal(':') &&
           r.number(2, 0, 59, minute) && r.literal(':') && r.number(2, 0, 60, second) &&
           r.optionalFraction() && r.offset() && r.atEnd();
}

Expected<Json> coerceScalar(const Attribute &a, const Json &in, JsonAlloc &alloc,
                            std::string_view path) {
    if (isUnset(in)) return Json();
    switch (a.type) {
        case AttrType::String:
        case AttrType::Reference:
        case AttrType::Binary:
            return coerceString(in, alloc, path);
        case AttrType::Boolean:
            return coerceBoolean(in, path);
        case AttrType::Integer:
            return coerceInteger(in, path);
        case AttrType::Decimal:
            return coerceDecimal(in, path);
        case AttrType::DateTime:
            return coerceDateTime(in, alloc, path);
        case AttrType::Complex:
            break;
    }
    return invalidAttribute(path, "must be an object");
}

}  // namespace scim
