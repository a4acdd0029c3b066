// The audit_journal_fuzz body over its seed corpus and any committed crash
// input, in every build (no clang or libFuzzer needed): a fixed bug stays fixed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "audit_fuzz_targets.hpp"

namespace {

namespace fs = std::filesystem;

int replay(const fs::path& dir) {
  int count = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename().string().starts_with(".")) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(gh::fuzz::audit_journal(gh::as_bytes(bytes)), "") << entry.path();
    ++count;
  }
  return count;
}

TEST(audit_journal_fuzz_replay, seed_corpus) {
  EXPECT_EQ(replay(fs::path(GH_SOURCE_DIR) / "tests/fuzz/corpus/audit_journal"), 5);
}

TEST(audit_journal_fuzz_replay, committed_regressions) {
  replay(fs::path(GH_SOURCE_DIR) / "tests/fuzz/regressions/audit_journal_fuzz");
}

// A poor man's fuzz run in every build: the seeds with bytes flipped at
// deterministic places.
TEST(audit_journal_fuzz_replay, mutated_seeds) {
  std::mt19937 rng(3);
  for (const auto& entry : fs::directory_iterator(fs::path(GH_SOURCE_DIR) / "tests/fuzz/corpus/audit_journal")) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string seed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (int round = 0; round < 2000; ++round) {
      std::string bytes = seed;
      for (int k = 0; k < 3; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
      bytes.resize(rng() % (bytes.size() + 1));
      ASSERT_EQ(gh::fuzz::audit_journal(gh::as_bytes(bytes)), "") << entry.path() << " round " << round;
    }
  }
}

}  // namespace
