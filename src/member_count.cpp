#include "scim/member_count.hpp"

#include <cstring>
#include <string>
#include <vector>

#include "scim/strings.hpp"

namespace scim {

namespace {

// The containers whose contents matter; every other container is skipped
// by counting brackets until it closes.
enum class Role { Root, Counted, Operations, Operation, OperationValue };

// The key an object member was found under, as far as counting cares.
enum class Slot { Other, Members, Operations, Value, Path };

enum class Kind { Scalar, String, Array, Object };

struct Frame {
    Role role;
    size_t *counter = nullptr;  // Counted: the count its elements go to
    bool expectKey = true;      // objects: the next string is a key
    Slot slot = Slot::Other;    // objects: the key of the value that follows
};

// What one element of "Operations" contributes, known when it closes
// (its "path" may come after its "value").
struct Operation {
    size_t valueElements = 0;
    size_t valueMembers = 0;
    bool valueIsObject = false;
    bool pathIsString = false;
    bool pathIsMembers = false;

    size_t named() const {
        if (pathIsString) return pathIsMembers ? valueElements : 0;
        return valueIsObject ? valueMembers : 0;
    }
};

// The first characters of a JSON string's raw text with its escapes
// decoded; a non-ASCII character becomes 0x80, which no name we look for
// holds. Enough to compare with a short name or prefix: each escape is at
// most 6 raw bytes, so 256 raw bytes decode to more than 40 characters.
std::string decodedHead(std::string_view raw) {
    std::string out;
    raw = raw.substr(0, 256);
    for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c != '\\' || i + 1 >= raw.size()) {
            out.push_back(c);
            continue;
        }
        char e = raw[++i];
        if (e != 'u') {
            out.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
            continue;
        }
        if (i + 4 >= raw.size()) break;
        unsigned cp = 0;
        for (size_t k = 1; k <= 4; ++k) {
            char h = raw[i + k];
            cp = cp * 16 + (h >= '0' && h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
        }
        out.push_back(cp < 0x80 ? static_cast<char>(cp) : '\x80');
        i += 4;
    }
    return out;
}

bool rawEquals(std::string_view raw, std::string_view name) {
    if (raw.find('\\') == std::string_view::npos) return iequals(raw, name);
    return iequals(decodedHead(raw), name);
}

bool rawStartsWith(std::string_view raw, std::string_view prefix) {
    if (raw.find('\\') == std::string_view::npos) return istartsWith(raw, prefix);
    return istartsWith(decodedHead(raw), prefix);
}

class Scanner {
public:
    explicit Scanner(std::string_view text) : text_(text) {}

    size_t run() {
        size_t i = 0;
        while (i < text_.size()) {
            char c = text_[i];
            if (c == '"') {
                size_t end = stringEnd(i);
                onString(text_.substr(i + 1, end - i - 1));
                i = end + 1;
            } else if (c == '{' || c == '[') {
                if (skipping_) ++skipping_;
                else onValue(c == '[' ? Kind::Array : Kind::Object, {});
                ++i;
            } else if (c == '}' || c == ']') {
                if (skipping_) --skipping_;
                else onClose();
                ++i;
            } else if (c == ',') {
                if (!skipping_ && !frames_.empty() && isObject(frames_.back().role)) {
                    frames_.back().expectKey = true;
                    frames_.back().slot = Slot::Other;
                }
                ++i;
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':') {
                ++i;
            } else {
                while (i < text_.size() && !isDelimiter(text_[i])) ++i;
                if (!skipping_) onValue(Kind::Scalar, {});
            }
        }
        return bodyMembers_ + operationMembers_;
    }

private:
    static bool isObject(Role r) {
        return r == Role::Root || r == Role::Operation || r == Role::OperationValue;
    }

    static bool isDelimiter(char c) {
        return c == '"' || c == '{' || c == '}' || c == '[' || c == ']' || c == ',' ||
               c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    // The index of the quote closing the string opened at `open`, or the
    // end of the text. A quote is escaped when an odd run of backslashes
    // precedes it (each backslash escapes the byte after it); memchr finds
    // the candidates, as most of a body's bytes are string contents.
    size_t stringEnd(size_t open) const {
        const char *text = text_.data();
        for (size_t from = open + 1; from < text_.size();) {
            const void *hit = std::memchr(text + from, '"', text_.size() - from);
            if (!hit) break;
            size_t quote = static_cast<const char *>(hit) - text;
            size_t slashes = 0;
            while (quote - slashes > open + 1 && text[quote - slashes - 1] == '\\') ++slashes;
            if (slashes % 2 == 0) return quote;
            from = quote + 1;
        }
        return text_.size();
    }

    void onString(std::string_view raw) {
        if (skipping_) return;
        if (!frames_.empty() && isObject(frames_.back().role) && frames_.back().expectKey) {
            Frame &f = frames_.back();
            f.expectKey = false;
            f.slot = slotOf(f.role, raw);
            return;
        }
        onValue(Kind::String, raw);
    }

    static Slot slotOf(Role object, std::string_view key) {
        switch (object) {
        case Role::Root:
            if (rawEquals(key, "members")) return Slot::Members;
            if (rawEquals(key, "Operations")) return Slot::Operations;
            return Slot::Other;
        case Role::Operation:
            if (rawEquals(key, "value")) return Slot::Value;
            if (rawEquals(key, "path")) return Slot::Path;
            return Slot::Other;
        case Role::OperationValue:
            return rawEquals(key, "members") ? Slot::Members : Slot::Other;
        default:
            return Slot::Other;
        }
    }

    // A value starts (a container has just opened, or a scalar was read).
    void onValue(Kind kind, std::string_view raw) {
        bool container = kind == Kind::Array || kind == Kind::Object;
        if (frames_.empty()) {
            if (kind == Kind::Object) frames_.push_back({Role::Root});
            else if (container) skipping_ = 1;
            return;
        }
        Frame &f = frames_.back();
        switch (f.role) {
        case Role::Counted:
            ++*f.counter;
            break;
        case Role::Operations:
            if (kind == Kind::Object) {
                op_ = Operation{};
                frames_.push_back({Role::Operation});
                return;
            }
            break;
        case Role::Root:
            if (f.slot == Slot::Members) return countInto(kind, &bodyMembers_);
            if (f.slot == Slot::Operations && kind == Kind::Array) {
                frames_.push_back({Role::Operations});
                return;
            }
            break;
        case Role::Operation:
            if (f.slot == Slot::Value) {
                if (kind == Kind::Object) {
                    op_.valueElements = 1;
                    op_.valueIsObject = true;
                    frames_.push_back({Role::OperationValue});
                    return;
                }
                return countInto(kind, &op_.valueElements);
            }
            if (f.slot == Slot::Path && kind == Kind::String) {
                op_.pathIsString = true;
                op_.pathIsMembers = rawStartsWith(raw, "members");
            }
            break;
        case Role::OperationValue:
            if (f.slot == Slot::Members) return countInto(kind, &op_.valueMembers);
            break;
        }
        if (container) skipping_ = 1;
    }

    // A value whose elements are members: an array's elements each count
    // one, any other value counts one.
    void countInto(Kind kind, size_t *counter) {
        if (kind == Kind::Array) {
            *counter = 0;
            frames_.push_back({Role::Counted, counter});
            return;
        }
        *counter = 1;
        if (kind == Kind::Object) skipping_ = 1;
    }

    void onClose() {
        if (frames_.empty()) return;  // not JSON; the parser will say so
        Role closed = frames_.back().role;
        frames_.pop_back();
        if (closed == Role::Operation) operationMembers_ += op_.named();
    }

    std::string_view text_;
    std::vector<Frame> frames_;  // at most five deep: root, Operations, op, value, members
    size_t skipping_ = 0;        // depth inside a container that does not matter
    Operation op_;
    size_t bodyMembers_ = 0;       // the body's own "members"
    size_t operationMembers_ = 0;  // summed over closed operations
};

}  // namespace

size_t countNamedMembers(std::string_view body) { return Scanner(body).run(); }

}  // namespace scim
