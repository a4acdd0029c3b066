#include "gateway/search_path_candidates.hpp"

#include <gtest/gtest.h>

namespace gh::gateway {
namespace {

std::vector<std::string> resolve(const search_path_candidates& c, std::string schema, std::string name) {
  std::vector<sql::table_name> out;
  c.resolve({std::move(schema), std::move(name)}, "app_agent", out);
  std::vector<std::string> names;
  for (const auto& t : out) names.push_back(t.qualified());
  return names;
}

TEST(search_path_candidates, default_path_resolves_to_public) {
  search_path_candidates c;
  EXPECT_EQ(resolve(c, "", "orders"), std::vector<std::string>{"public.orders"});
  EXPECT_EQ(resolve(c, "s", "orders"), std::vector<std::string>{"s.orders"});
  EXPECT_EQ(resolve(c, "", "pg_class"), std::vector<std::string>{"pg_catalog.pg_class"});
}

TEST(search_path_candidates, a_change_in_flight_means_both) {
  search_path_candidates c;
  c.add(std::string("sneaky"));
  EXPECT_EQ(resolve(c, "", "orders"), (std::vector<std::string>{"public.orders", "sneaky.orders"}));
  c.settle(std::string("sneaky"));
  EXPECT_EQ(resolve(c, "", "orders"), std::vector<std::string>{"sneaky.orders"});
  c.settle(std::nullopt);  // RESET: the session default
  EXPECT_EQ(resolve(c, "", "orders"), std::vector<std::string>{"public.orders"});
}

TEST(search_path_candidates, startup_value_is_the_default) {
  search_path_candidates c("app, public");
  EXPECT_EQ(resolve(c, "", "orders"), std::vector<std::string>{"app.orders"});
}

TEST(search_path_candidates, too_many_or_unparseable_values_leave_names_unresolved) {
  search_path_candidates c;
  for (int i = 0; i < 20; ++i) c.add("s" + std::to_string(i));
  EXPECT_TRUE(c.lost());
  EXPECT_EQ(resolve(c, "", "orders"), std::vector<std::string>{"orders"});  // no schema: matches no table rule
  search_path_candidates d;
  d.add(std::string("\"unterminated"));
  EXPECT_TRUE(d.lost());
  EXPECT_EQ(resolve(d, "x", "t"), std::vector<std::string>{"x.t"});  // qualified names still resolve
}

}  // namespace
}  // namespace gh::gateway
