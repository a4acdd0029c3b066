// The jwt_fuzz body over its seed corpus and every committed crash input, in
// every build (no clang or libFuzzer needed): a fixed bug stays fixed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "identity_fuzz_targets.hpp"

namespace {

namespace fs = std::filesystem;

int replay(const fs::path& dir) {
  int count = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(gh::fuzz::identity_jwt(gh::as_bytes(bytes)), "") << entry.path();
    ++count;
  }
  return count;
}

TEST(jwt_fuzz_replay, seed_corpus) {
  EXPECT_GT(replay(fs::path(GH_SOURCE_DIR) / "tests/fuzz/corpus/jwt"), 0);
}

TEST(jwt_fuzz_replay, committed_regressions) {
  EXPECT_GT(replay(fs::path(GH_SOURCE_DIR) / "tests/fuzz/regressions/jwt_fuzz"), 0);
}

}  // namespace
