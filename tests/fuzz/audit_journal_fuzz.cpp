// libFuzzer entry of audit_journal_fuzz: arbitrary bytes as an audit journal
// (audit_fuzz_targets.hpp has the body). By hand:
//   CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DGH_FUZZ=ON
//   ninja -C build-fuzz audit_journal_fuzz
//   build-fuzz/tests/fuzz/audit_journal_fuzz -max_total_time=60 tests/fuzz/corpus/audit_journal
#include <cstdio>
#include <cstdlib>

#include "audit_fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view broken = gh::fuzz::audit_journal(gh::bytes_view(data, size));
  if (!broken.empty()) {
    std::fprintf(stderr, "invariant broken: %.*s\n", static_cast<int>(broken.size()),
                 broken.data());
    std::abort();
  }
  return 0;
}
