// See error_body.hpp. Built with RAPIDJSON_NAMESPACE set to a namespace of
// its own (Makefile), so none of its RapidJSON code, compiled without
// coverage, can stand in at link time for the instrumented copies the
// product's objects carry.
#include "error_body.hpp"

#include <string_view>

#include <rapidjson/reader.h>

namespace fuzz_oracle {

namespace {

namespace rj = RAPIDJSON_NAMESPACE;

// SAX events of an error body; no document is built, the parse still
// checks all of the JSON.
class ErrorBodyCheck
    : public rj::BaseReaderHandler<rj::UTF8<>, ErrorBodyCheck> {
public:
    bool statusIsString() const { return statusIsString_; }
    bool wasObject() const { return wasObject_; }

    bool Default() { return value(false); }
    bool String(const char *, rj::SizeType, bool) { return value(true); }
    bool StartObject() {
        if (depth_ == 0) wasObject_ = true;
        return open();
    }
    bool Key(const char *s, rj::SizeType n, bool) {
        atStatus_ = depth_ == 1 && std::string_view(s, n) == "status";
        return true;
    }
    bool EndObject(rj::SizeType) { return close(); }
    bool StartArray() { return open(); }
    bool EndArray(rj::SizeType) { return close(); }

private:
    bool value(bool isString) {
        if (atStatus_ && depth_ == 1) statusIsString_ = isString;
        atStatus_ = false;
        return true;
    }
    bool open() {
        value(false);
        ++depth_;
        return true;
    }
    bool close() {
        --depth_;
        return true;
    }

    int depth_ = 0;
    bool atStatus_ = false;
    bool wasObject_ = false;
    bool statusIsString_ = false;
};

}  // namespace

bool isScimErrorBody(const std::string &body) {
    // One reader for the process: its stack keeps its capacity between
    // parses (Parse clears it on exit), so a check allocates nothing.
    static rj::Reader reader;
    rj::StringStream in(body.c_str());
    ErrorBodyCheck check;
    bool parsed = !reader.Parse(in, check).IsError();
    // The reader stops at a NUL; the whole body must be the JSON text.
    return parsed && in.Tell() == body.size() && check.wasObject() && check.statusIsString();
}

}  // namespace fuzz_oracle
