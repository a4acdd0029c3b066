// KILL as the mariadb and mysql clients send it on Ctrl-C, and nothing else;
// connection ids unique among running sessions.
#include "gateway/mysql_sessions.hpp"

#include <gtest/gtest.h>

#include <set>

namespace gh::gateway {
namespace {

TEST(mysql_kill, the_forms_clients_send) {
  auto q = parse_mysql_kill("KILL QUERY 12345");
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->query);
  EXPECT_EQ(q->id, 12345u);
  auto c = parse_mysql_kill("kill 7");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->query);
  EXPECT_EQ(c->id, 7u);
  EXPECT_TRUE(parse_mysql_kill("  Kill Connection 9 ;  "));
  EXPECT_TRUE(parse_mysql_kill("KILL HARD QUERY 9"));
  EXPECT_TRUE(parse_mysql_kill("KILL SOFT 9"));
  EXPECT_EQ(parse_mysql_kill("KILL\tQUERY\n2147483647")->id, 2147483647u);
}

TEST(mysql_kill, anything_else_goes_to_the_classifier) {
  for (const char* sql : {"KILL", "KILL QUERY", "KILL QUERY ID 5", "KILL USER bob", "KILL 5; DROP TABLE t",
                          "KILL 5 6", "KILL /* c */ 5", "KILL5", "KILL QUERY5", "KILL 0", "KILL 4294967296",
                          "KILL -1", "KILL 0x10", "KILLS 5", "SELECT 1", "KILL 'a'", "KILL 5;;"})
    EXPECT_FALSE(parse_mysql_kill(sql)) << sql;
}

TEST(mysql_sessions, ids_are_odd_unique_and_found_only_once_attached) {
  mysql_sessions reg;
  const random_source rng = system_random();
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 2000; ++i) {
    const std::uint32_t id = reg.issue(rng);
    EXPECT_EQ(id & 1u, 1u);
    EXPECT_LE(id, 0x7fffffffu);
    EXPECT_TRUE(seen.insert(id).second);
  }
  const std::uint32_t id = *seen.begin();
  EXPECT_FALSE(reg.find(id));  // issued, not yet running
  reg.attach(id, {"agent", "shop", "s-1", 42, {}});
  ASSERT_TRUE(reg.find(id));
  EXPECT_EQ(reg.find(id)->upstream_thread, 42u);
  reg.release(id);
  EXPECT_FALSE(reg.find(id));
}

}  // namespace
}  // namespace gh::gateway
