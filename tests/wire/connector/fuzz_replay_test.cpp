// Replays what the connector fuzzer runs: the fixtures, and every committed
// crash input under tests/fuzz/regressions/connector_fuzz/.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "connector_fuzz_targets.hpp"
#include "fixture.hpp"

namespace gh::wire::connector::test {
namespace {

TEST(connector_fuzz_replay, fixtures_hold) {
  for (const auto& name : fixture_names()) {
    fixture f = load_fixture(name);
    EXPECT_EQ(fuzz::connector_stream(as_bytes(f.bytes)), "") << name;
    // Every prefix too: the fuzzer mostly sees pieces.
    for (std::size_t n = 0; n < f.bytes.size(); ++n)
      EXPECT_EQ(fuzz::connector_stream(as_bytes(std::string_view(f.bytes).substr(0, n))), "") << name << " " << n;
  }
}

TEST(connector_fuzz_replay, committed_regression_inputs_hold) {
  const auto dir = std::filesystem::path(GH_SOURCE_DIR) / "tests" / "fuzz" / "regressions" / "connector_fuzz";
  int replayed = 0;
  if (!std::filesystem::is_directory(dir)) return;  // none found so far
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename().string().starts_with(".")) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    std::string bytes = s.str();
    EXPECT_EQ(fuzz::connector_stream(as_bytes(bytes)), "") << e.path();
    ++replayed;
  }
  RecordProperty("replayed", replayed);
}

}  // namespace
}  // namespace gh::wire::connector::test
