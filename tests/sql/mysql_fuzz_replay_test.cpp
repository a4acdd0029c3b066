// Replays the classifier's fuzz target over its committed crash inputs
// (tests/fuzz/regressions/mysql_classify_fuzz/) and over every golden and
// corpus case in each sql_mode.
#include <gtest/gtest.h>

#include <filesystem>

#include "mysql_fuzz_targets.hpp"
#include "mysql_test_files.hpp"

namespace gh::sql::mysql::test {
namespace {

TEST(mysql_fuzz_replay, committed_regression_inputs_hold) {
  const auto dir = std::filesystem::path(GH_SOURCE_DIR) / "tests" / "fuzz" / "regressions" /
                   "mysql_classify_fuzz";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no regression inputs yet";
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename().string().starts_with(".")) continue;
    const std::string bytes = read_file(e.path().string());
    EXPECT_EQ(fuzz::mysql_classify(as_bytes(bytes)), "") << e.path();
  }
}

TEST(mysql_fuzz_replay, every_golden_case_in_every_mode) {
  const std::string path = std::string(GH_TEST_DATA_DIR) + "/mysql_cases.test";
  int cases = 0;
  for (const auto& line : lines_of(read_file(path))) {
    const auto tab = line.find('\t');
    if (line.empty() || line[0] == '#' || tab == std::string::npos) continue;
    const std::string sql = unescape(std::string_view(line).substr(tab + 1));
    for (char mode = 0; mode < 4; ++mode) {
      const std::string in = std::string(1, mode) + sql;
      ASSERT_EQ(fuzz::mysql_classify(as_bytes(in)), "") << sql;
    }
    ++cases;
  }
  EXPECT_GE(cases, 250);
}

}  // namespace
}  // namespace gh::sql::mysql::test
