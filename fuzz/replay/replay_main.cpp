// Runs a fuzz target's LLVMFuzzerTestOneInput over corpus files without
// libFuzzer or sanitizers, counting heap allocations: the load-independent
// view of what one run costs, and a binary to profile (perf, callgrind).
//   build/fuzz-replay/request_fuzz [-n ROUNDS] FILE|DIR...
// Prints runs, allocations per run and bytes allocated per run.
#include <dirent.h>
#include <sys/stat.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


#include "alloc_counter.hpp"

namespace {

void collect(const std::string &path, std::vector<std::string> &inputs) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path.c_str());
        if (!d) return;
        while (dirent *e = readdir(d)) {
            if (e->d_name[0] == '.') continue;
            collect(path + "/" + e->d_name, inputs);
        }
        closedir(d);
        return;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    inputs.push_back(s.str());
}

}  // namespace

int main(int argc, char **argv) {
    long rounds = 1;
    std::vector<std::string> inputs;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            rounds = std::atol(argv[++i]);
        } else {
            collect(argv[i], inputs);
        }
    }
    if (inputs.empty()) {
        std::fprintf(stderr, "usage: %s [-n ROUNDS] FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (const std::string &in : inputs)  // warm up function statics
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(in.data()), in.size());
    size_t a0 = alloc_counter::calls, b0 = alloc_counter::bytes;
    auto t0 = std::chrono::steady_clock::now();
    for (long r = 0; r < rounds; ++r)
        for (const std::string &in : inputs)
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(in.data()), in.size());
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double runs = static_cast<double>(rounds) * inputs.size();
    std::printf("%.0f runs, %.1f allocations/run, %.0f bytes/run, %.2f us/run\n", runs,
                (alloc_counter::calls - a0) / runs, (alloc_counter::bytes - b0) / runs, secs * 1e6 / runs);
    return 0;
}
