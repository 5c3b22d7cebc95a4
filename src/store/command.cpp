#include "scim/store/command.hpp"

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

Command together(std::vector<Command> commands) {
    Command c;
    c.batch = std::move(commands);
    return c;
}

}  // namespace scim::store
