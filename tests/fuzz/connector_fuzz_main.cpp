// The libFuzzer entry point of the connector protocol target.
#include <cstdio>
#include <cstdlib>

#include "connector_fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view broken = gh::fuzz::connector_stream(gh::bytes_view(data, size));
  if (!broken.empty()) {
    std::fprintf(stderr, "invariant broken: %.*s\n", static_cast<int>(broken.size()), broken.data());
    std::abort();
  }
  return 0;
}
