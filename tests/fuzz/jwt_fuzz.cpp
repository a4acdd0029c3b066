// libFuzzer entry of jwt_fuzz: arbitrary bytes as a bearer token, claims, a
// JWKS and a discovery document (identity_fuzz_targets.hpp has the body).
//   scripts/fuzz.sh, or by hand:
//   CC=clang CXX=clang++ cmake -B build-fuzz -G Ninja -DGH_FUZZ=ON
//   ninja -C build-fuzz jwt_fuzz && build-fuzz/tests/fuzz/jwt_fuzz tests/fuzz/corpus/jwt
#include <cstdio>
#include <cstdlib>

#include "identity_fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view broken = gh::fuzz::identity_jwt(gh::bytes_view(data, size));
  if (!broken.empty()) {
    std::fprintf(stderr, "invariant broken: %.*s\n", static_cast<int>(broken.size()),
                 broken.data());
    std::abort();
  }
  return 0;
}
