#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "sql/classification_json.hpp"
#include "test_files.hpp"

namespace gh::sql {
namespace {

TEST(classification_json, carries_class_statements_tables_and_reason) {
  const auto c = test::classify("SELECT * FROM public.orders; DELETE FROM s.t WHERE f(1)");
  const auto v = boost::json::parse(to_json(c));
  const auto& o = v.as_object();
  EXPECT_EQ(o.at("class").as_string(), "write");
  EXPECT_EQ(o.at("reason").as_string(), c.reason);
  const auto& tables = o.at("tables").as_array();
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].as_string(), "public.orders");
  EXPECT_EQ(tables[1].as_string(), "s.t");
  const auto& statements = o.at("statements").as_array();
  ASSERT_EQ(statements.size(), 2u);
  const auto& second = statements[1].as_object();
  EXPECT_EQ(second.at("class").as_string(), "write");
  EXPECT_EQ(second.at("kind").as_string(), "delete");
  EXPECT_EQ(second.at("tables").as_array().size(), 1u);
  EXPECT_EQ(second.at("functions").as_array().at(0).as_string(), "f");
  EXPECT_FALSE(second.at("reason").as_string().empty());
  EXPECT_FALSE(second.contains("prepared_name"));
}

TEST(classification_json, execute_names_its_prepared_statement_and_floor) {
  const auto v = boost::json::parse(to_json(test::classify("EXECUTE p(nextval('s'))")));
  const auto& s = v.at("statements").as_array().at(0).as_object();
  EXPECT_EQ(v.at("class").as_string(), "unknown");
  EXPECT_EQ(s.at("prepared_name").as_string(), "p");
  EXPECT_EQ(s.at("execute_floor").as_string(), "write");
}

TEST(classification_json, strings_are_escaped) {
  classification c;
  c.cls = statement_class::unknown;
  c.reason = "syntax error at or near \"x\"\n\\";
  const auto v = boost::json::parse(to_json(c));
  EXPECT_EQ(v.at("reason").as_string(), c.reason);
  EXPECT_TRUE(v.at("statements").as_array().empty());
}

}  // namespace
}  // namespace gh::sql
