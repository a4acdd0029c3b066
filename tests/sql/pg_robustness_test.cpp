// Whatever the bytes, classify() returns with a reason: every golden case
// cut at every byte, and mutated deterministically (fixed seed). A string
// called read must be read in each of its statements.
#include <gtest/gtest.h>

#include <random>

#include "test_files.hpp"

namespace gh::sql::test {
namespace {

std::vector<std::string> golden_sql() {
  std::vector<std::string> out;
  for (const auto& line : lines_of(read_file(std::string(GH_TEST_DATA_DIR) + "/pg_cases.test"))) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    if (tab != std::string::npos) out.push_back(line.substr(tab + 1));
  }
  return out;
}

TEST(pg_robustness, every_golden_case_cut_at_every_byte) {
  std::size_t runs = 0;
  for (const auto& sql : golden_sql()) {
    for (std::size_t cut = 0; cut <= sql.size(); ++cut) {
      const auto c = classify(std::string_view(sql).substr(0, cut));
      ASSERT_FALSE(c.reason.empty()) << sql.substr(0, cut);
      ++runs;
    }
  }
  EXPECT_GT(runs, 20000u);
}

TEST(pg_robustness, mutated_golden_cases) {
  std::mt19937 rng(20240601);  // fixed: the same inputs every run
  const std::string alphabet = "();,'\"$-/*\\ \n\tEU&:[]{}|+=<>!~@#%^0123456789aZ\x80\xff";
  const auto cases = golden_sql();
  for (int i = 0; i < 20000; ++i) {
    std::string sql = cases[rng() % cases.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !sql.empty(); ++e) {
      const std::size_t at = rng() % sql.size();
      switch (rng() % 3) {
        case 0: sql[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: sql.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        default: sql.erase(at, 1); break;
      }
    }
    const auto c = classify(sql);
    ASSERT_FALSE(c.reason.empty()) << sql;
    if (c.cls == statement_class::read) {
      for (const auto& s : c.statements) ASSERT_EQ(s.cls, statement_class::read) << sql;
    }
  }
}

}  // namespace
}  // namespace gh::sql::test
