// Golden cases (mysql_cases.test): one `class[@flag...]<TAB>sql` per line,
// the class exact; flags are the session's sql_mode (ansi_quotes,
// no_backslash_escapes). Escapes: see mysql_test_files.hpp.
#include <gtest/gtest.h>

#include "mysql_test_files.hpp"

namespace gh::sql::mysql::test {
namespace {

struct expectation {
  statement_class cls = statement_class::unknown;
  lex_mode mode;
  bool ok = false;
};

expectation parse_expectation(std::string_view field) {
  expectation e;
  const auto at = field.find('@');
  const auto cls = parse_statement_class(field.substr(0, at));
  if (!cls) return e;
  e.cls = *cls;
  while (at != std::string_view::npos && !field.empty()) {
    field.remove_prefix(field.find('@') + 1);
    const auto next = field.find('@');
    const std::string_view flag = field.substr(0, next);
    if (flag == "ansi_quotes") e.mode.ansi_quotes = true;
    else if (flag == "no_backslash_escapes") e.mode.no_backslash_escapes = true;
    else return e;
    if (next == std::string_view::npos) break;
  }
  e.ok = true;
  return e;
}

TEST(mysql_cases, every_line_classifies_as_written) {
  const std::string path = std::string(GH_TEST_DATA_DIR) + "/mysql_cases.test";
  ASSERT_TRUE(file_exists(path));
  int cases = 0, line_no = 0;
  for (const auto& line : lines_of(read_file(path))) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << "line " << line_no << " has no TAB";
    const expectation want = parse_expectation(std::string_view(line).substr(0, tab));
    ASSERT_TRUE(want.ok) << "line " << line_no << ": bad class or flag";
    const std::string sql = unescape(std::string_view(line).substr(tab + 1));
    const classification c = classify_mysql(sql, want.mode);
    EXPECT_EQ(c.cls, want.cls) << "mysql_cases.test:" << line_no << ": " << sql << "\n  got "
                               << explain(c);
    ++cases;
  }
  EXPECT_GE(cases, 250);
}

TEST(mysql_cases, escapes_are_the_documented_ones) {
  EXPECT_EQ(unescape("a\\nb\\r\\t\\x41\\'\\N"), "a\nb\r\tA\\'\\N");
  EXPECT_EQ(unescape("\\x4"), "\\x4");
}

}  // namespace
}  // namespace gh::sql::mysql::test
