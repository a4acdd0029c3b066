#include <gtest/gtest.h>

#include "policy/table_pattern.hpp"

namespace gh::policy {
namespace {

TEST(table_pattern, parses_and_folds_like_sql) {
  auto p = parse_table_pattern("Public.Orders");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->schema, "public");
  EXPECT_EQ(p->name, "orders");
  EXPECT_FALSE(p->any_name);
  p = parse_table_pattern("public.\"Line Items\"");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "Line Items");
  p = parse_table_pattern("\"a\"\"b\".c$1");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->schema, "a\"b");
  EXPECT_EQ(p->name, "c$1");
  p = parse_table_pattern("Sales.*");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->schema, "sales");
  EXPECT_TRUE(p->any_name);
  p = parse_table_pattern("s.\"*\"");  // a table literally named *
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->any_name);
  EXPECT_EQ(p->name, "*");
}

TEST(table_pattern, refuses_what_is_not_schema_dot_name) {
  for (const char* bad : {"", "orders", "*.orders", "*", "public.", ".orders", "a.b.c",
                          "public.orders ", " public.orders", "public.\"open", "public.\"\"",
                          "1abc.t", "public.*x", "a..b", "public . orders"})
    EXPECT_FALSE(parse_table_pattern(bad)) << bad;
}

TEST(table_pattern, canonical_form_reads_back_the_same) {
  for (const char* text : {"public.orders", "Public.ORDERS", "public.\"Line Items\"",
                           "\"public\".\"orders\"", "s.*", "s.\"*\"", "\"a\"\"b\".c",
                           "\"1st\".t", "x.\"Mixed\""}) {
    auto p = parse_table_pattern(text);
    ASSERT_TRUE(p) << text;
    auto again = parse_table_pattern(to_string(*p));
    ASSERT_TRUE(again) << to_string(*p);
    EXPECT_EQ(again->schema, p->schema);
    EXPECT_EQ(again->name, p->name);
    EXPECT_EQ(again->any_name, p->any_name);
  }
  EXPECT_EQ(to_string(*parse_table_pattern("\"public\".\"orders\"")), "public.orders");
  EXPECT_EQ(to_string(*parse_table_pattern("x.\"Mixed\"")), "x.\"Mixed\"");
  EXPECT_EQ(to_string(*parse_table_pattern("\"1st\".t")), "\"1st\".t");
}

TEST(table_pattern, matching) {
  auto exact = *parse_table_pattern("public.orders");
  EXPECT_TRUE(exact.matches({"public", "orders"}));
  EXPECT_FALSE(exact.matches({"public", "Orders"}));
  EXPECT_FALSE(exact.matches({"", "orders"}));
  EXPECT_FALSE(exact.matches({"other", "orders"}));
  auto any = *parse_table_pattern("sales.*");
  EXPECT_TRUE(any.matches({"sales", "q1"}));
  EXPECT_FALSE(any.matches({"Sales", "q1"}));
  EXPECT_FALSE(any.matches({"salesx", "q1"}));
}

}  // namespace
}  // namespace gh::policy
