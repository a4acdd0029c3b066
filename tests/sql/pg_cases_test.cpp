// Golden cases (pg_cases.test): one `class<TAB>sql` per line, the class
// exact. In the SQL, the two characters \n stand for a newline (so that
// line comments can end); nothing else is translated.
#include <gtest/gtest.h>

#include "test_files.hpp"

namespace gh::sql::test {
namespace {

std::string unescape_newlines(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

TEST(pg_cases, every_line_classifies_as_written) {
  const std::string path = std::string(GH_TEST_DATA_DIR) + "/pg_cases.test";
  ASSERT_TRUE(file_exists(path));
  int cases = 0, line_no = 0;
  for (const auto& line : lines_of(read_file(path))) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << "line " << line_no << " has no TAB";
    const auto expected = parse_statement_class(line.substr(0, tab));
    ASSERT_TRUE(expected) << "line " << line_no << ": bad class";
    const std::string sql = unescape_newlines(line.substr(tab + 1));
    const classification c = classify(sql);
    EXPECT_EQ(c.cls, *expected) << "pg_cases.test:" << line_no << ": " << sql << "\n  got "
                                << explain(c);
    ++cases;
  }
  EXPECT_GE(cases, 250);
}

}  // namespace
}  // namespace gh::sql::test
