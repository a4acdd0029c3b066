// `audit verify` and `audit search` against a real store, edited with SQL
// as an attacker with the sqlite3 shell would.
#include <gtest/gtest.h>

#include "../audit/sample_events.hpp"
#include "store/audit_search.hpp"
#include "store/ingester.hpp"
#include "store/journal.hpp"
#include "store_support.hpp"

namespace gh::store {
namespace {

using audit::testing::sample_outcome;
using audit::testing::sample_statement;
using namespace testing;

// 120 statements, stored and chained.
void make_store(const temp_dir& t, int n = 120) {
  auto ing = ingester::open(t.db(), t.journals());
  ASSERT_TRUE(ing);
  auto w = journal_writer::open(t.journals(), 0);
  ASSERT_TRUE(w);
  for (int i = 1; i <= n; ++i) ASSERT_TRUE(w->append(sample_statement(i)));
  ASSERT_TRUE(w->flush());
  ASSERT_TRUE((*ing)->flush_and_stop());
}

std::vector<std::string> findings(const std::string& db) {
  auto r = verify_audit(db);
  EXPECT_TRUE(r) << r.error();
  std::vector<std::string> out;
  if (!r) return out;
  for (const auto& f : r->findings) out.push_back(audit::describe(f));
  EXPECT_EQ(r->intact(), out.empty());
  return out;
}

using messages = std::vector<std::string>;

TEST(verify, an_untouched_store_is_intact) {
  temp_dir t;
  make_store(t);
  auto r = verify_audit(t.db());
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->intact());
  EXPECT_EQ(r->events, 120u);
  EXPECT_EQ(r->head->seq, 120u);
}

TEST(verify, an_updated_event_is_named) {
  temp_dir t;
  make_store(t);
  sql(t.db(), "UPDATE events SET statement = 'select 1' WHERE seq = 42");
  EXPECT_EQ(findings(t.db()), messages{"event 42 was edited"});
}

TEST(verify, a_hidden_decision_is_named) {
  temp_dir t;
  make_store(t);
  sql(t.db(), "UPDATE events SET principal = 'someone-else', time_us = time_us + 1 WHERE seq = 7");
  EXPECT_EQ(findings(t.db()), messages{"event 7 was edited"});
}

TEST(verify, a_forged_time_beyond_any_time_point_reads_as_edited) {
  temp_dir t;
  make_store(t, 10);
  sql(t.db(), "UPDATE events SET time_us = 9223372036854775807 WHERE seq = 5");
  EXPECT_EQ(findings(t.db()), messages{"event 5 was edited"});
  std::size_t rows = 0;
  ASSERT_TRUE(search_audit(t.db(), {}, [&](const audit::search_row& r) {
    ++rows;
    (void)audit::to_json_line(r);
  }));
  EXPECT_EQ(rows, 10u);
}

TEST(verify, a_deleted_event_is_named) {
  temp_dir t;
  make_store(t);
  sql(t.db(), "DELETE FROM events WHERE seq = 42");
  EXPECT_EQ(findings(t.db()), messages{"event 42 is missing (deleted)"});
}

TEST(verify, deleted_last_events_are_named_by_the_head) {
  temp_dir t;
  make_store(t);
  sql(t.db(), "DELETE FROM events WHERE seq > 99");
  EXPECT_EQ(findings(t.db()), messages{"events after 99 are missing: chain head says 120"});
}

TEST(verify, an_inserted_event_is_named) {
  temp_dir t;
  make_store(t);
  sql(t.db(),
      "INSERT INTO events SELECT 121, time_us, kind, principal, session, client, connection, "
      "'drop table orders', statement_length, class, tables, decision, rule, reviewer, ref, "
      "duration_us, rows, error, statement_id, hash, hash, outcome, outcome_time_us FROM events "
      "WHERE seq = 120");
  EXPECT_EQ(findings(t.db()),
            (messages{"event 121 was edited", "event 121 was inserted: it is not part of the chain"}));
}

TEST(verify, a_deleted_head_is_named) {
  temp_dir t;
  make_store(t, 3);
  sql(t.db(), "DELETE FROM chain_head");
  EXPECT_EQ(findings(t.db()), messages{"the chain head is missing"});
}

TEST(verify, a_file_that_is_no_audit_store_is_an_error) {
  temp_dir t;
  sql(t.db(), "CREATE TABLE x(y)");
  auto r = verify_audit(t.db());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("holds no audit log"), std::string::npos) << r.error();
  EXPECT_FALSE(verify_audit((t.path / "absent.db").string()));
}

// --- search -----------------------------------------------------------------

struct search_fixture : ::testing::Test {
  temp_dir t;
  std::vector<audit::search_row> run(audit::search_filter f) {
    std::vector<audit::search_row> out;
    auto r = search_audit(t.db(), f, [&](const audit::search_row& row) { out.push_back(row); });
    EXPECT_TRUE(r) << r.error();
    return out;
  }
  std::vector<std::string> statement_ids(audit::search_filter f) {
    std::vector<std::string> out;
    for (const auto& r : run(f)) out.push_back(r.statement.statement_id);
    return out;
  }

  // 1..6 stored (ingested), 7..8 still in the journal; principals alternate,
  // 3 is refused on another connection, outcomes for 1, 2 and 7.
  void SetUp() override {
    auto ing = ingester::open(t.db(), t.journals());
    ASSERT_TRUE(ing);
    auto w = journal_writer::open(t.journals(), 0);
    ASSERT_TRUE(w);
    for (int i = 1; i <= 8; ++i) {
      audit::event ev = sample_statement(i, i % 2 ? "agent-a" : "agent-b");
      if (i == 3) {
        ev.decision = "deny";
        ev.connection = "shop";
        ev.error = "42501 write is not allowed";
      }
      ASSERT_TRUE(w->append(ev));
      if (i == 1 || i == 2 || i == 7) {
        ASSERT_TRUE(w->append(sample_outcome(ev, 1000 * i, i)));
      }
      ASSERT_TRUE(w->flush());
      if (i == 6) {
        ASSERT_TRUE((*ing)->ingest_once());
      }
    }
  }
};

TEST_F(search_fixture, every_statement_once_with_its_outcome_old_to_new) {
  auto rows = run({});
  ASSERT_EQ(rows.size(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(rows[i].statement.statement_id, "s-1f3a/" + std::to_string(i + 1));
  EXPECT_TRUE(rows[0].seq && rows[5].seq);
  EXPECT_FALSE(rows[6].seq);  // not yet ingested, already visible
  ASSERT_TRUE(rows[0].outcome);
  EXPECT_EQ(rows[0].outcome->duration_us, 1000);
  EXPECT_EQ(rows[1].outcome->rows, 2);
  ASSERT_TRUE(rows[6].outcome);
  EXPECT_EQ(rows[6].outcome->duration_us, 7000);
  EXPECT_FALSE(rows[2].outcome);
  EXPECT_FALSE(rows[7].outcome);
}

TEST_F(search_fixture, filters_by_principal_connection_and_decision) {
  EXPECT_EQ(statement_ids({.principal = "agent-b"}),
            (std::vector<std::string>{"s-1f3a/2", "s-1f3a/4", "s-1f3a/6", "s-1f3a/8"}));
  EXPECT_EQ(statement_ids({.connection = "shop"}), std::vector<std::string>{"s-1f3a/3"});
  EXPECT_EQ(statement_ids({.decision = "deny"}), std::vector<std::string>{"s-1f3a/3"});
  EXPECT_EQ(statement_ids({.principal = "nobody"}), std::vector<std::string>{});
  // Values are data, never SQL.
  EXPECT_EQ(statement_ids({.principal = "x' OR '1'='1"}), std::vector<std::string>{});
}

TEST_F(search_fixture, filters_by_time_and_keeps_the_newest_under_a_limit) {
  sys_time t3 = sample_statement(3).time, t7 = sample_statement(7).time;
  EXPECT_EQ(statement_ids({.since = t3, .until = t7}),
            (std::vector<std::string>{"s-1f3a/3", "s-1f3a/4", "s-1f3a/5", "s-1f3a/6"}));
  EXPECT_EQ(statement_ids({.since = t7}), (std::vector<std::string>{"s-1f3a/7", "s-1f3a/8"}));
  EXPECT_EQ(statement_ids({.limit = 3}),
            (std::vector<std::string>{"s-1f3a/6", "s-1f3a/7", "s-1f3a/8"}));
  EXPECT_EQ(statement_ids({.principal = "agent-a", .limit = 2}),
            (std::vector<std::string>{"s-1f3a/5", "s-1f3a/7"}));
}

TEST_F(search_fixture, json_lines_carry_what_a_reviewer_reads) {
  auto rows = run({.decision = "deny"});
  ASSERT_EQ(rows.size(), 1u);
  std::string line = audit::to_json_line(rows[0]);
  EXPECT_NE(line.find(R"("principal":"agent-a")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("statement":"select * from public.orders where id = 3")"), std::string::npos);
  EXPECT_NE(line.find(R"("error":"42501 write is not allowed")"), std::string::npos);
  EXPECT_NE(line.find(R"("seq":5)"), std::string::npos);
}

TEST_F(search_fixture, verify_counts_what_is_not_yet_chained) {
  auto r = verify_audit(t.db());
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->intact());
  EXPECT_EQ(r->events, 8u);    // 6 statements, 2 outcomes
  EXPECT_EQ(r->pending, 3u);   // statements 7, 8 and the outcome of 7
}

}  // namespace
}  // namespace gh::store
