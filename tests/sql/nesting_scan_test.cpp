// The lexical nesting bound: it must count what the parser nests, and skip
// what the parser skips (strings, comments, quoted names) the same way.
#include <gtest/gtest.h>

#include "depth_inputs.hpp"
#include "sql/pg/nesting_scan.hpp"

namespace gh::sql::pg {
namespace {

std::size_t bound(std::string_view sql) { return nesting_bound(sql, 1u << 30); }

TEST(nesting_scan, brackets_and_case_open_levels) {
  EXPECT_LT(bound("SELECT 1"), bound("SELECT (1)"));
  EXPECT_LT(bound("SELECT (1)"), bound("SELECT ((1))"));
  EXPECT_LT(bound("SELECT 1"), bound("SELECT ARRAY[1]"));
  EXPECT_LT(bound("SELECT CASE WHEN a THEN 1 END"),
            bound("SELECT CASE WHEN a THEN CASE WHEN b THEN 1 END END"));
}

TEST(nesting_scan, siblings_reset_the_count) {
  const std::size_t one = bound("SELECT a + b");
  EXPECT_EQ(bound("SELECT a + b, c + d, e + f"), one);
  EXPECT_EQ(bound("SELECT 1 WHERE a + b AND c + d AND e + f"), bound("SELECT 1 WHERE a + b"));
  EXPECT_GT(bound("SELECT a + b + c + d + e + f"), one);
}

TEST(nesting_scan, between_keeps_its_and) {
  EXPECT_GT(bound("SELECT a BETWEEN b AND c BETWEEN d AND e BETWEEN f AND g"),
            bound("SELECT a BETWEEN b AND c"));
}

TEST(nesting_scan, set_operations_and_joins_nest_across_commas) {
  EXPECT_GT(bound("SELECT 1, 2 UNION SELECT 1, 2 UNION SELECT 1, 2 UNION SELECT 1, 2"),
            bound("SELECT 1, 2 UNION SELECT 1, 2"));
  EXPECT_GT(bound("SELECT * FROM a JOIN b ON x JOIN c ON y JOIN d ON z"),
            bound("SELECT * FROM a JOIN b ON x"));
}

TEST(nesting_scan, strings_comments_and_quoted_names_hide_their_brackets) {
  const std::size_t plain = bound("SELECT x");
  EXPECT_EQ(bound("SELECT '((((((((('"), plain);
  EXPECT_EQ(bound("SELECT 'it''s (((('"), plain);
  EXPECT_EQ(bound("SELECT E'\\' (((((('"), plain);
  EXPECT_EQ(bound("SELECT $$ (((((( $$"), plain);
  EXPECT_EQ(bound("SELECT $a$ $$ (((((( $a$"), plain);
  EXPECT_EQ(bound("SELECT \"((((((\""), plain);
  EXPECT_EQ(bound("SELECT U&'(((((('"), plain);
  EXPECT_EQ(bound("SELECT x -- ((((((("), plain);
  EXPECT_EQ(bound("SELECT x /* (((( /* (((( */ (((( */"), plain);
  EXPECT_EQ(bound("SELECT B'0101', X'ff', N'(((('"), bound("SELECT x, x, x"));
}

TEST(nesting_scan, what_looks_like_a_string_but_is_not_still_counts) {
  // standard_conforming_strings is on: a backslash does not escape in '...',
  // so the brackets after the second quote are real.
  EXPECT_GT(bound("SELECT 'a\\' , ((((((((1))))))))"), bound("SELECT 'a\\' , 1"));
  // $1 is a parameter, not a dollar quote; ab$c$ is one identifier.
  EXPECT_GT(bound("SELECT $1 + ((((((1))))))"), bound("SELECT $1 + 1"));
  EXPECT_GT(bound("SELECT ab$c$ + ((((((1)))))) $c$"), bound("SELECT ab$c$ + 1 $c$"));
  // An identifier ending in e is not an E'' string.
  EXPECT_GT(bound("SELECT note'\\' + ((((((1)))))) --'"), bound("SELECT note'\\' + 1 --'"));
}

TEST(nesting_scan, stops_early_past_the_limit) {
  const std::string deep = "SELECT " + gh::sql::test::repeat("(", 1000000) + "1";
  EXPECT_GT(nesting_bound(deep, 100), 100u);
}

TEST(nesting_scan, every_depth_family_grows_with_its_repetitions) {
  for (const auto& f : gh::sql::test::depth_families())
    EXPECT_LT(bound(f.make(10)), bound(f.make(100))) << f.name;
}

}  // namespace
}  // namespace gh::sql::pg
