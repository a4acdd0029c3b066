// Replays, in the ordinary unit build, what the MySQL fuzzers run: every
// committed crash input under tests/fuzz/regressions/<target>/ through its
// target, and every fixture through every codec target, so the invariants
// the fuzzers check also hold on real traffic.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixture.hpp"
#include "mysql_fuzz_targets.hpp"

namespace gh::wire::mysql::test {
namespace {

struct fuzz_target {
  const char* name;
  std::string_view (*run)(bytes_view);
};

const fuzz_target targets[] = {
    {"mysql_framing_fuzz", fuzz::mysql_framing},
    {"mysql_handshake_fuzz", fuzz::mysql_handshake},
    {"mysql_command_fuzz", fuzz::mysql_command},
    {"mysql_response_fuzz", fuzz::mysql_response},
};

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(mysql_fuzz_replay, committed_regression_inputs_hold) {
  const auto root = std::filesystem::path(GH_SOURCE_DIR) / "tests" / "fuzz" / "regressions";
  for (const auto& t : targets) {
    const auto dir = root / t.name;
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (!e.is_regular_file() || e.path().filename().string().starts_with(".")) continue;
      const std::string bytes = read_all(e.path());
      EXPECT_EQ(t.run(bytes_of(bytes)), "") << e.path();
    }
  }
}

TEST(mysql_fuzz_replay, every_fixture_through_every_target) {
  for (const auto& name : fixture_names()) {
    const fixture f = load_fixture(name);
    for (const auto& t : targets) {
      EXPECT_EQ(t.run(bytes_of(f.bytes)), "") << t.name << " on " << name;
      // The response target reads its first byte as the command: give it each.
      for (int first = 0; first < 64 && std::string_view(t.name) == "mysql_response_fuzz"; ++first) {
        const std::string in = std::string(1, static_cast<char>(first)) + f.bytes;
        EXPECT_EQ(t.run(bytes_of(in)), "") << t.name << " on " << name << " with " << first;
      }
    }
  }
}

}  // namespace
}  // namespace gh::wire::mysql::test
