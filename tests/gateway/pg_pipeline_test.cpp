#include "gateway/pg_pipeline.hpp"

#include <gtest/gtest.h>

#include <string>

namespace gh::gateway {
namespace {

// Feeds server message types in order; returns, per message, 'r' when it is
// replaced by a refusal, 'f' when it finishes a statement, '.' otherwise.
std::string feed(pg_pipeline& p, std::string_view types) {
  std::string out;
  for (char t : types) {
    auto fx = p.on_server_message(t);
    out += fx.replace_with_refusal ? 'r' : fx.finished ? 'f' : '.';
  }
  return out;
}

TEST(pg_pipeline, simple_query_finishes_at_ready_for_query) {
  pg_pipeline p;
  p.push({pending_kind::query, 7});
  EXPECT_EQ(feed(p, "TDDC"), "....");  // RowDescription starts a result, not a Describe
  EXPECT_EQ(p.size(), 1u);
  auto fx = p.on_server_message('Z');
  ASSERT_TRUE(fx.statement);
  EXPECT_EQ(fx.statement->statement, 7u);
  EXPECT_TRUE(fx.finished);
  EXPECT_TRUE(p.idle());
}

TEST(pg_pipeline, extended_round_trip) {
  pg_pipeline p;
  p.push({pending_kind::parse});
  p.push({pending_kind::bind});
  p.push({pending_kind::describe});
  p.push({pending_kind::execute, 3});
  p.push({pending_kind::sync});
  EXPECT_EQ(feed(p, "12TDDCZ"), ".....f.");
  EXPECT_TRUE(p.idle());
}

TEST(pg_pipeline, describe_statement_gets_parameter_description_then_row_description) {
  pg_pipeline p;
  p.push({pending_kind::describe});
  p.push({pending_kind::sync});
  EXPECT_EQ(feed(p, "tnZ"), "...");
  EXPECT_TRUE(p.idle());
}

TEST(pg_pipeline, error_skips_to_sync) {
  pg_pipeline p;
  p.push({pending_kind::parse});
  p.push({pending_kind::bind});
  p.push({pending_kind::execute, 1});
  p.push({pending_kind::sync});
  p.push({pending_kind::parse});
  p.push({pending_kind::sync});
  EXPECT_EQ(feed(p, "EZ"), "..");
  EXPECT_EQ(p.size(), 2u);
  EXPECT_EQ(feed(p, "1Z"), "..");
  EXPECT_TRUE(p.idle());
}

TEST(pg_pipeline, refused_parse_in_the_middle_of_a_pipeline) {
  pg_pipeline p;
  p.push({pending_kind::parse});
  p.push({pending_kind::bind});
  p.push({pending_kind::execute, 1});
  p.push({pending_kind::refused_extended, 2});
  p.push({pending_kind::bind});
  p.push({pending_kind::execute, 3});
  p.push({pending_kind::sync});
  // The first statement runs; the stand-in fails and its error is replaced;
  // the server then skips to Sync.
  EXPECT_EQ(feed(p, "12DCEZ"), "...fr.");
  EXPECT_TRUE(p.idle());
}

TEST(pg_pipeline, refused_simple_query) {
  pg_pipeline p;
  p.push({pending_kind::refused_query, 4});
  auto fx = p.on_server_message('E');
  EXPECT_TRUE(fx.replace_with_refusal);
  ASSERT_TRUE(fx.statement);
  EXPECT_EQ(fx.statement->statement, 4u);
  fx = p.on_server_message('Z');
  EXPECT_FALSE(fx.replace_with_refusal);
  EXPECT_TRUE(p.idle());
}

TEST(pg_pipeline, refused_after_an_earlier_error_is_never_answered) {
  pg_pipeline p;
  p.push({pending_kind::parse});
  p.push({pending_kind::refused_extended, 2});
  p.push({pending_kind::sync});
  // The Parse fails first: the server skips the stand-in, so no refusal is sent.
  EXPECT_EQ(feed(p, "EZ"), "..");
  EXPECT_TRUE(p.idle());
}

TEST(pg_pipeline, asynchronous_messages_change_nothing) {
  pg_pipeline p;
  EXPECT_EQ(feed(p, "NAS"), "...");
  p.push({pending_kind::query, 1});
  EXPECT_EQ(feed(p, "NASCZ"), "....f");
}

TEST(pg_pipeline, error_at_sync_keeps_waiting_for_ready) {
  pg_pipeline p;
  p.push({pending_kind::execute, 1});
  p.push({pending_kind::sync});
  EXPECT_EQ(feed(p, "C"), "f");
  EXPECT_EQ(feed(p, "E"), ".");  // a deferred constraint failing at commit
  EXPECT_EQ(p.size(), 1u);
  EXPECT_EQ(feed(p, "Z"), ".");
  EXPECT_TRUE(p.idle());
}

TEST(pg_pipeline, copy_in_simple_query) {
  pg_pipeline p;
  p.push({pending_kind::query, 9});
  EXPECT_EQ(feed(p, "GCZ"), "..f");
}

}  // namespace
}  // namespace gh::gateway

namespace gh::gateway {
namespace {

TEST(pg_pipeline, internal_query_answers_are_dropped_but_notices_pass) {
  pg_pipeline p;
  p.push({pending_kind::internal});
  p.push({pending_kind::query, 2});
  for (char t : std::string("CNSZ")) {
    auto fx = p.on_server_message(t);
    EXPECT_EQ(fx.drop, t == 'C' || t == 'Z') << t;
  }
  EXPECT_EQ(p.size(), 1u);
  auto fx = p.on_server_message('Z');
  EXPECT_FALSE(fx.drop);
  EXPECT_TRUE(fx.finished);
}

}  // namespace
}  // namespace gh::gateway
