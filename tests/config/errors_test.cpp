// The golden table of bad configs: each tests/config/errors/*.yaml opens
// with "# error: <the message after FILE:>", and must be refused with
// exactly that message. Add a case by adding a file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "config/config.hpp"
#include "fake_system.hpp"

namespace gh::config {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> error_fixtures() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(GH_TEST_DATA_DIR) / "errors"))
    if (e.path().extension() == ".yaml") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(config_errors, there_are_many_cases) { EXPECT_GE(error_fixtures().size(), 60u); }

TEST(config_errors, each_file_gets_its_exact_message) {
  auto machine = testing::standard_machine();
  for (const auto& path : error_fixtures()) {
    std::string text = testing::read_text(path.string());
    const std::string marker = "# error: ";
    ASSERT_TRUE(text.starts_with(marker)) << path << " must open with '# error: '";
    std::string expected =
        path.filename().string() + ":" + text.substr(marker.size(), text.find('\n') - marker.size());
    if (expected.ends_with('\r')) expected.pop_back();
    try {
      parse_config(text, path.filename().string(), machine.access());
      ADD_FAILURE() << path.filename() << " was accepted; expected: " << expected;
    } catch (const config_error& e) {
      EXPECT_EQ(std::string(e.what()), expected) << path.filename();
      EXPECT_EQ(e.file, path.filename().string());
      EXPECT_GT(e.line, 0) << path.filename();
    }
  }
}

TEST(config_errors, missing_file_names_it) {
  try {
    load_config("/nonexistent/gatehouse.yaml");
    FAIL() << "a missing file was accepted";
  } catch (const config_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "/nonexistent/gatehouse.yaml: expected a readable config file (at most 4 MiB), got "
              "No such file or directory");
  }
}

}  // namespace
}  // namespace gh::config
