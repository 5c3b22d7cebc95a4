#include "scim/store/command.hpp"

#include <charconv>

#include "scim/store/scripts.hpp"

namespace scim::store {

std::vector<std::string> Command::argv(bool useSource) const {
    if (!script) return args;
    std::vector<std::string> out;
    out.reserve(args.size() + 3);
    out.emplace_back(useSource ? "EVAL" : "EVALSHA");
    out.push_back(useSource ? script->source : script->sha1);
    out.push_back(std::to_string(numKeys));
    out.insert(out.end(), args.begin(), args.end());
    return out;
}

Command scriptCall(const Script &script, std::vector<std::string> keys,
                   std::vector<std::string> args) {
    Command c;
    c.script = &script;
    c.numKeys = keys.size();
    c.args = std::move(keys);
    c.args.insert(c.args.end(), std::make_move_iterator(args.begin()),
                  std::make_move_iterator(args.end()));
    return c;
}

Command plain(std::vector<std::string> args) {
    Command c;
    c.args = std::move(args);
    return c;
}

namespace {

// `mark` (`*` or `$`), the decimal `n`, CRLF.
void appendHeader(std::string &out, char mark, size_t n) {
    char buf[24];
    buf[0] = mark;
    char *end = std::to_chars(buf + 1, buf + sizeof buf - 2, n).ptr;
    *end++ = '\r';
    *end++ = '\n';
    out.append(buf, static_cast<size_t>(end - buf));
}

}  // namespace

void appendRequest(std::string &out, const std::vector<std::string> &argv) {
    size_t size = 16;
    for (const std::string &a : argv) size += a.size() + 24;
    out.reserve(out.size() + size);
    appendHeader(out, '*', argv.size());
    for (const std::string &a : argv) {
        appendHeader(out, '$', a.size());
        out.append(a).append("\r\n", 2);
    }
}

}  // namespace scim::store
