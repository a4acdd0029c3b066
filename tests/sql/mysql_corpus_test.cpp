// The shared MySQL corpus (issue 8): a `min: read` case must come out exactly
// read; any other must come out at least `min`.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "mysql_test_files.hpp"

namespace gh::sql::mysql::test {
namespace {

void check_corpus(const std::string& path) {
  ASSERT_TRUE(file_exists(path)) << path;
  int cases = 0;
  for (const auto& line : lines_of(read_file(path))) {
    if (line.empty()) continue;
    boost::json::error_code ec;
    const auto v = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << path << ": " << line;
    const auto& o = v.as_object();
    const std::string sql(o.at("sql").as_string());
    const auto min = parse_statement_class(o.at("min").as_string());
    ASSERT_TRUE(min) << line;
    const classification c = classify_mysql(sql);
    if (*min == statement_class::read)
      EXPECT_EQ(c.cls, statement_class::read) << sql << "\n  got " << explain(c);
    else
      EXPECT_GE(c.cls, *min) << sql << "\n  got " << explain(c);
    ++cases;
  }
  EXPECT_GT(cases, 30) << path;
}

TEST(mysql_corpus, copy_in_the_repository) {
  check_corpus(std::string(GH_TEST_DATA_DIR) + "/corpus/mysql-classify.jsonl");
}

TEST(mysql_corpus, shared_corpus_when_present) {
  const std::string path = std::string(GH_SHARED_CORPUS_DIR) + "/mysql-classify.jsonl";
  if (!file_exists(path)) GTEST_SKIP() << "no shared corpus at " << path;
  check_corpus(path);
}

}  // namespace
}  // namespace gh::sql::mysql::test
