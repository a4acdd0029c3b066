// Replays, in the ordinary unit build, what the fuzzers run: every committed
// crash input under tests/fuzz/regressions/<target>/ (scripts/fuzz.sh puts
// them there) through its target, and every fixture through every target, so
// that the invariants the fuzzers check also hold on real traffic.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixture.hpp"
#include "pg_fuzz_targets.hpp"

namespace gh::wire::pg::test {
namespace {

struct fuzz_target {
  const char* name;
  std::string_view (*run)(bytes_view);
};

const fuzz_target targets[] = {
    {"pg_frontend_fuzz", fuzz::pg_frontend},
    {"pg_backend_fuzz", fuzz::pg_backend},
    {"pg_startup_fuzz", fuzz::pg_startup},
    {"pg_scram_fuzz", fuzz::pg_scram},
};

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(pg_fuzz_replay, committed_regression_inputs_hold) {
  const auto root = std::filesystem::path(GH_SOURCE_DIR) / "tests" / "fuzz" / "regressions";
  int replayed = 0;
  for (const auto& t : targets) {
    auto dir = root / t.name;
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (!e.is_regular_file() || e.path().filename().string().starts_with(".")) continue;
      std::string bytes = read_file(e.path());
      EXPECT_EQ(t.run(bytes_of(bytes)), "") << e.path();
      ++replayed;
    }
  }
  RecordProperty("replayed", replayed);
}

TEST(pg_fuzz_replay, fixtures_hold_in_every_target) {
  for (const auto& name : fixture_names()) {
    fixture f = load_fixture(name);
    for (const auto& t : targets) EXPECT_EQ(t.run(bytes_of(f.bytes)), "") << t.name << " on " << name;
  }
}

// The scram target's seed must reach the end of a login, or the fuzzer
// starts from nothing: the captured login is accepted as a whole.
TEST(pg_fuzz_replay, the_scram_seed_completes_a_login) {
  fixture f = load_fixture("stream_be_scram_login");
  grind_result g = grind(f.bytes, false, {});
  ASSERT_GE(g.frames.size(), 3u);
  EXPECT_EQ(fuzz::pg_scram(bytes_of(f.bytes)), "");
}

}  // namespace
}  // namespace gh::wire::pg::test
