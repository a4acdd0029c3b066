#include <gtest/gtest.h>

#include "connector/session_table.hpp"

namespace gh::connector {
namespace {

TEST(session_table, cancel_targets_only_once_the_database_session_is_open) {
  session_table t;
  int ended = 0;
  t.add("s1", [&] { ++ended; });
  EXPECT_FALSE(t.cancel_target_of("s1"));   // opening: nothing to cancel yet
  t.set_backend("s1", "db.internal", 5432, {42, 7});
  auto target = t.cancel_target_of("s1");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->host, "db.internal");
  EXPECT_EQ(target->port, 5432);
  EXPECT_EQ(target->upstream.pid, 42);
  EXPECT_EQ(target->upstream.secret, 7);
  EXPECT_FALSE(t.cancel_target_of("s2"));
  t.set_backend("s2", "x", 1, {1, 1});      // unknown: ignored
  EXPECT_FALSE(t.cancel_target_of("s2"));
  t.remove("s1");
  EXPECT_FALSE(t.cancel_target_of("s1"));
  EXPECT_EQ(ended, 0);
}

TEST(session_table, end_all_ends_every_session) {
  session_table t;
  int ended = 0;
  t.add("a", [&] { ++ended; });
  t.add("b", [&] { ++ended; });
  EXPECT_EQ(t.size(), 2u);
  t.end_all();
  EXPECT_EQ(ended, 2);
}

}  // namespace
}  // namespace gh::connector
