// Body of the jwt_fuzz target as a plain function: the libFuzzer entry
// (jwt_fuzz.cpp) calls it, and tests/identity/fuzz_replay_test.cpp replays the
// seed corpus (tests/fuzz/corpus/jwt/) and every committed crash input
// (tests/fuzz/regressions/jwt_fuzz/) through it in every build.
//
// Arbitrary bytes go in as a bearer token, as claims, as a JWKS and as a
// discovery document. It returns the invariant the input broke, or "" when
// all held; memory errors and undefined behaviour are left to the sanitizers.
#pragma once

#include <string_view>

#include "common/bytes.hpp"

namespace gh::fuzz {

std::string_view identity_jwt(bytes_view in);

}  // namespace gh::fuzz
