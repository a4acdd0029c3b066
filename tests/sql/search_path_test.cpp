#include <gtest/gtest.h>

#include "sql/search_path.hpp"

namespace gh::sql {
namespace {

using strings = std::vector<std::string>;

strings parsed(std::string_view v) {
  auto p = parse_search_path(v);
  EXPECT_TRUE(p) << v;
  return p ? p->schemas : strings{"<error>"};
}

TEST(search_path, splits_like_postgresql) {
  EXPECT_EQ(parsed("\"$user\", public"), (strings{"$user", "public"}));
  EXPECT_EQ(parsed("$user,public"), (strings{"$user", "public"}));
  EXPECT_EQ(parsed("  App ,  \"My Schema\" "), (strings{"app", "My Schema"}));
  EXPECT_EQ(parsed("\"a\"\"b\""), (strings{"a\"b"}));
  EXPECT_EQ(parsed("\"a, b\""), (strings{"a, b"}));
  EXPECT_EQ(parsed(""), (strings{}));
  EXPECT_EQ(parsed("   "), (strings{}));
  EXPECT_EQ(parsed(std::string(70, 'x')), (strings{std::string(63, 'x')}));
}

TEST(search_path, rejects_what_postgresql_rejects) {
  EXPECT_EQ(parse_search_path("a,").error(), search_path_error::empty_name);
  EXPECT_EQ(parse_search_path(",a").error(), search_path_error::empty_name);
  EXPECT_EQ(parse_search_path("a,,b").error(), search_path_error::empty_name);
  EXPECT_EQ(parse_search_path("\"a").error(), search_path_error::unterminated_quote);
  EXPECT_EQ(parse_search_path("a b").error(), search_path_error::junk_after_name);
  EXPECT_EQ(parse_search_path("\"a\"b").error(), search_path_error::junk_after_name);
}

TEST(search_path, truncation_keeps_utf8_characters_whole) {
  const std::string name = std::string(62, 'x') + "\xc3\xa9";  // 64 bytes, é across the cut
  EXPECT_EQ(parsed("\"" + name + "\""), (strings{std::string(62, 'x')}));
}

search_path path(std::string_view v) { return *parse_search_path(v); }

TEST(search_path, qualified_names_keep_their_schema) {
  EXPECT_EQ(resolve_table({"sales", "orders"}, path("public"), "bob", {}), "sales.orders");
}

TEST(search_path, unqualified_names_take_the_first_schema_that_exists) {
  EXPECT_EQ(resolve_table({"", "orders"}, path("\"$user\", public"), "bob", {}), "public.orders");
  EXPECT_EQ(resolve_table({"", "orders"}, path("\"$user\", public"), "bob", {"bob", "public"}),
            "bob.orders");
  EXPECT_EQ(resolve_table({"", "orders"}, path("\"$user\", public"), "bob", {"public"}),
            "public.orders");
  EXPECT_EQ(resolve_table({"", "orders"}, path("missing, app, public"), "bob", {"app", "public"}),
            "app.orders");
  EXPECT_EQ(resolve_table({"", "orders"}, path("pg_temp, app"), "bob", {}), "app.orders");
}

TEST(search_path, catalog_relations_resolve_to_pg_catalog) {
  EXPECT_EQ(resolve_table({"", "pg_class"}, path("public"), "bob", {}), "pg_catalog.pg_class");
  EXPECT_EQ(resolve_table({"", "pg_roles"}, path("pg_catalog, public"), "bob", {}),
            "pg_catalog.pg_roles");
  // Listed after another schema, pg_catalog no longer comes first.
  EXPECT_EQ(resolve_table({"", "pg_class"}, path("public, pg_catalog"), "bob", {}),
            "public.pg_class");
  // A user table is never looked for in pg_catalog.
  EXPECT_EQ(resolve_table({"", "orders"}, path("pg_catalog, public"), "bob", {}), "public.orders");
}

TEST(search_path, nothing_to_resolve_to_is_empty) {
  EXPECT_EQ(resolve_table({"", "orders"}, path(""), "bob", {}), "");
  EXPECT_EQ(resolve_table({"", "orders"}, path("\"$user\""), "bob", {}), "");
  EXPECT_EQ(resolve_table({"", "orders"}, path("a, b"), "bob", {"c"}), "");
}

}  // namespace
}  // namespace gh::sql
