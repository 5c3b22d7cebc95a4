// Inside the store only: reading back the ARGV a typed builder placed, for
// the `*ArgsOf` decoders (src/store/*_scripts.cpp).
#pragma once

#include <cstdlib>
#include <string>

#include "scim/store/command.hpp"
#include "scim/store/write_outcome.hpp"

namespace scim::store {

// The ARGV of a script call (after its KEYS); empty strings past the end.
struct Argv {
    const Command &command;
    std::string operator[](size_t i) const {
        size_t at = command.numKeys + i;
        return at < command.args.size() ? command.args[at] : std::string();
    }
    long long number(size_t i) const { return std::strtoll((*this)[i].c_str(), nullptr, 10); }
    size_t size() const {
        return command.args.size() > command.numKeys ? command.args.size() - command.numKeys : 0;
    }
};

// The write stamp at the positions `P` names (Time, NowMillis, Token, MaxLen).
template <class P>
WriteStamp stampOf(const Argv &v) {
    return {v[P::Time], v.number(P::NowMillis), v[P::Token], v.number(P::MaxLen)};
}

}  // namespace scim::store
