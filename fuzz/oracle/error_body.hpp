// The check request_fuzz makes of every error body (fuzz/README.md,
// "Session 7"). It lives in its own file, compiled with ASan and UBSan
// but without libFuzzer's coverage and comparison tracing: it is the
// oracle, not the code under test, so its branches are not coverage to
// steer by, and tracing its per-byte loops took a tenth of each run.
#pragma once

#include <string>

namespace fuzz_oracle {

// The whole body is one JSON object whose top-level "status" member is a
// string (RFC 7644 §3.12).
bool isScimErrorBody(const std::string &body);

}  // namespace fuzz_oracle
