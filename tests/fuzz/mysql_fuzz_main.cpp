// The libFuzzer entry point of one MySQL fuzz target; the build names the
// target with GH_FUZZ_TARGET (tests/fuzz/CMakeLists.txt).
#include <cstdio>
#include <cstdlib>

#include "mysql_fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view broken = GH_FUZZ_TARGET(gh::bytes_view(data, size));
  if (!broken.empty()) {
    std::fprintf(stderr, "invariant broken: %.*s\n", static_cast<int>(broken.size()), broken.data());
    std::abort();
  }
  return 0;
}
