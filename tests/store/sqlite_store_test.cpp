// The audit store's SQLite layer on a real file: the page size a new store
// gets, and a batch that breaks a constraint leaving nothing behind.
#include "store/sqlite_store.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "../audit/sample_events.hpp"
#include "store_support.hpp"

namespace gh::store {
namespace {

using audit::testing::sample_statement;
using namespace testing;

std::vector<event_row> rows_for(const std::vector<audit::event>& evs, std::uint64_t first_seq,
                                const std::string& hash) {
  std::vector<event_row> rows;
  for (std::size_t i = 0; i < evs.size(); ++i)
    rows.push_back({first_seq + i, &evs[i], nullptr, hash, hash});
  return rows;
}

TEST(sqlite_store, a_new_store_has_16_kib_pages_and_an_old_one_keeps_its_own) {
  temp_dir t;
  ASSERT_TRUE(sqlite_store::open(t.db(), open_mode::read_write));
  EXPECT_EQ(column(t.db(), "PRAGMA page_size"), std::vector<std::string>{"16384"});

  // A store made with SQLite's default pages (an earlier Gatehouse) opens and
  // takes writes as it is.
  temp_dir old;
  sql(old.db(), "PRAGMA page_size=4096; PRAGMA journal_mode=WAL; CREATE TABLE x(y);");
  auto s = sqlite_store::open(old.db(), open_mode::read_write);
  ASSERT_TRUE(s) << s.error();
  std::vector<audit::event> evs{sample_statement(1)};
  const std::string hash(32, 'h');
  ASSERT_TRUE(s->begin());
  ASSERT_TRUE(s->insert_events(rows_for(evs, 1, hash)));
  ASSERT_TRUE(s->commit());
  EXPECT_EQ(column(old.db(), "PRAGMA page_size"), std::vector<std::string>{"4096"});
  EXPECT_EQ(column(old.db(), "SELECT count(*) FROM events"), std::vector<std::string>{"1"});
}

// The rows go in 32 at a time with one statement (OR ROLLBACK, which keeps no
// statement journal): one bad row in such a statement ends the whole
// transaction, and rollback() after it is harmless.
TEST(sqlite_store, a_batch_with_a_row_that_breaks_a_constraint_stores_nothing) {
  temp_dir t;
  auto s = sqlite_store::open(t.db(), open_mode::read_write);
  ASSERT_TRUE(s) << s.error();
  const std::string hash(32, 'h');
  std::vector<audit::event> first;
  for (int i = 1; i <= 5; ++i) first.push_back(sample_statement(i));
  ASSERT_TRUE(s->begin());
  ASSERT_TRUE(s->insert_events(rows_for(first, 1, hash)));
  ASSERT_TRUE(s->commit());

  // 40 rows (one statement of 32, then 8 alone); row 20 reuses seq 3.
  std::vector<audit::event> batch;
  for (int i = 6; i < 46; ++i) batch.push_back(sample_statement(i));
  auto rows = rows_for(batch, 6, hash);
  rows[20].seq = 3;
  ASSERT_TRUE(s->begin());
  auto r = s->insert_events(rows);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("UNIQUE"), std::string::npos) << r.error();
  s->rollback();
  EXPECT_EQ(column(t.db(), "SELECT count(*) FROM events"), std::vector<std::string>{"5"});

  // The same batch, corrected, goes in whole afterwards.
  rows[20].seq = 26;
  ASSERT_TRUE(s->begin());
  ASSERT_TRUE(s->insert_events(rows));
  ASSERT_TRUE(s->commit());
  EXPECT_EQ(column(t.db(), "SELECT count(*) FROM events"), std::vector<std::string>{"45"});
}

}  // namespace
}  // namespace gh::store
