// Outcomes folded into their statements' rows, in a real store: what is
// written, what verify names when such a row is edited, and stores of the
// layout before folding.
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
using texts = std::vector<std::string>;

std::vector<std::string> findings(const std::string& db) {
  auto r = verify_audit(db);
  EXPECT_TRUE(r) << r.error();
  std::vector<std::string> out;
  if (!r) return out;
  for (const auto& f : r->findings) out.push_back(audit::describe(f));
  return out;
}

std::vector<audit::search_row> search_all(const std::string& db) {
  std::vector<audit::search_row> out;
  auto r = search_audit(db, {}, [&](const audit::search_row& row) { out.push_back(row); });
  EXPECT_TRUE(r) << r.error();
  return out;
}

// Statement 1 with its outcome, 2 whose outcome comes in the next batch,
// 3 refused (no outcome), 4 with an outcome that failed.
struct folded_store : ::testing::Test {
  temp_dir t;
  audit::event s[5];
  void SetUp() override {
    for (int i = 1; i <= 4; ++i) s[i] = sample_statement(i);
    s[3].decision = "deny";
    auto ing = ingester::open(t.db(), t.journals());
    ASSERT_TRUE(ing) << ing.error();
    auto w = journal_writer::open(t.journals(), 0);
    ASSERT_TRUE(w);
    for (const audit::event& ev : {s[1], s[2], sample_outcome(s[1], 300, 1), s[3], s[4],
                                   sample_outcome(s[4], 1500, 0, "57014 canceling statement")})
      ASSERT_TRUE(w->append(ev));
    ASSERT_TRUE(w->flush());
    ASSERT_EQ(*(*ing)->ingest_once(), 6u);
    EXPECT_EQ((*ing)->stats().folded, 2u);
    ASSERT_TRUE(w->append(sample_outcome(s[2], 700, 2)));
    ASSERT_TRUE(w->flush());
    ASSERT_EQ(*(*ing)->ingest_once(), 1u);
    EXPECT_EQ((*ing)->head().seq, 7u);
  }
};

TEST_F(folded_store, an_outcome_of_the_same_batch_goes_into_its_statement_row) {
  EXPECT_EQ(column(t.db(),
                   "SELECT seq || ' ' || kind || ' ' || ifnull(outcome, '-') || ' ' || "
                   "duration_us || ' ' || rows FROM events ORDER BY seq"),
            (texts{"1 statement ok 300 1", "3 statement - -1 -1", "4 statement - -1 -1",
                   "5 statement error 1500 0", "7 outcome - 700 2"}));
  EXPECT_EQ(column(t.db(), "SELECT error FROM events WHERE seq = 5"),
            texts{"57014 canceling statement"});
  EXPECT_EQ(column(t.db(), "SELECT outcome_time_us - time_us FROM events WHERE seq = 1"),
            texts{"300"});
  auto r = verify_audit(t.db());
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->intact());
  EXPECT_EQ(r->events, 7u);
  EXPECT_EQ(r->head->seq, 7u);
}

TEST_F(folded_store, search_gives_every_statement_its_outcome_folded_or_not) {
  auto rows = search_all(t.db());
  ASSERT_EQ(rows.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(rows[i].statement, s[i + 1]) << i;
  EXPECT_EQ(rows[0].seq, 1);
  EXPECT_EQ(rows[1].seq, 3);
  ASSERT_TRUE(rows[0].outcome);
  EXPECT_EQ(*rows[0].outcome, sample_outcome(s[1], 300, 1));
  ASSERT_TRUE(rows[1].outcome);  // from a row of its own: what search prints of it
  EXPECT_EQ(rows[1].outcome->time, sample_outcome(s[2], 700, 2).time);
  EXPECT_EQ(rows[1].outcome->duration_us, 700);
  EXPECT_EQ(rows[1].outcome->rows, 2);
  EXPECT_EQ(rows[1].outcome->decision, "ok");
  EXPECT_FALSE(rows[2].outcome);
  ASSERT_TRUE(rows[3].outcome);
  EXPECT_EQ(rows[3].outcome->error, "57014 canceling statement");
  std::string line = audit::to_json_line(rows[3]);
  EXPECT_NE(line.find(R"("outcome":"error","duration_ms":1.500,"rows":0)"), std::string::npos)
      << line;
}

TEST_F(folded_store, verify_names_an_edited_outcome_and_the_row_holding_it) {
  sql(t.db(), "UPDATE events SET rows = 1000 WHERE seq = 5");
  EXPECT_EQ(findings(t.db()), texts{"event 5 (with its outcome, event 6) was edited"});
}

TEST_F(folded_store, verify_names_an_outcome_taken_out_of_its_row) {
  sql(t.db(), "UPDATE events SET outcome = NULL, outcome_time_us = NULL WHERE seq = 1");
  EXPECT_EQ(findings(t.db()), (texts{"event 1 was edited", "event 2 is missing (deleted)"}));
}

TEST_F(folded_store, verify_names_an_outcome_slipped_into_a_row) {
  sql(t.db(), "UPDATE events SET outcome = 'ok', outcome_time_us = time_us WHERE seq = 4");
  EXPECT_EQ(findings(t.db()), texts{"event 4 (with its outcome, event 5) was edited"});
}

TEST_F(folded_store, verify_names_a_deleted_folded_row_as_two_events) {
  sql(t.db(), "DELETE FROM events WHERE seq = 1");
  EXPECT_EQ(findings(t.db()), texts{"events 1 to 2 are missing (deleted)"});
}

// Makes the store look as the layout before folding left it.
void to_layout_0(const std::string& db) {
  sql(db,
      "ALTER TABLE events DROP COLUMN outcome; ALTER TABLE events DROP COLUMN outcome_time_us; "
      "CREATE INDEX events_connection_time ON events(connection, time_us); "
      "PRAGMA user_version = 0;");
}

TEST(store_layout, a_store_of_the_layout_before_folding_is_read_as_is_then_upgraded) {
  temp_dir t;
  {
    auto ing = ingester::open(t.db(), t.journals());
    ASSERT_TRUE(ing);
    auto w = journal_writer::open(t.journals(), 0);
    ASSERT_TRUE(w);
    audit::event s1 = sample_statement(1);
    ASSERT_TRUE(w->append(s1));
    ASSERT_TRUE(w->flush());
    ASSERT_TRUE((*ing)->ingest_once());
    ASSERT_TRUE(w->append(sample_outcome(s1)));  // a row of its own, as before folding
    ASSERT_TRUE(w->flush());
    ASSERT_TRUE((*ing)->flush_and_stop());
  }
  to_layout_0(t.db());
  // Read-only commands read it as it is, without writing to it.
  EXPECT_EQ(findings(t.db()), texts{});
  auto rows = search_all(t.db());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].outcome);
  EXPECT_EQ(column(t.db(), "PRAGMA user_version"), texts{"0"});

  // The gateway upgrades it in place, and goes on folding.
  auto ing = ingester::open(t.db(), t.journals());
  ASSERT_TRUE(ing) << ing.error();
  EXPECT_EQ(column(t.db(), "PRAGMA user_version"), texts{"1"});
  EXPECT_EQ(column(t.db(),
                   "SELECT count(*) FROM sqlite_master WHERE name = "
                   "'events_connection_time'"),
            texts{"0"});
  auto w = journal_writer::open(t.journals(), 0);
  ASSERT_TRUE(w);
  audit::event s2 = sample_statement(2);
  ASSERT_TRUE(w->append(s2));
  ASSERT_TRUE(w->append(sample_outcome(s2)));
  ASSERT_TRUE(w->flush());
  ASSERT_EQ(*(*ing)->ingest_once(), 2u);
  EXPECT_EQ((*ing)->stats().folded, 1u);
  auto r = verify_audit(t.db());
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->intact());
  EXPECT_EQ(r->events, 4u);
}

TEST(store_layout, a_store_of_a_later_layout_is_refused_with_the_reason) {
  temp_dir t;
  { ASSERT_TRUE(ingester::open(t.db(), t.journals())); }
  sql(t.db(), "PRAGMA user_version = 2");
  auto ing = ingester::open(t.db(), t.journals());
  ASSERT_FALSE(ing);
  EXPECT_NE(ing.error().find("written by a newer Gatehouse (audit layout 2"), std::string::npos)
      << ing.error();
  auto v = verify_audit(t.db());
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().find("newer Gatehouse"), std::string::npos) << v.error();
}

}  // namespace
}  // namespace gh::store
