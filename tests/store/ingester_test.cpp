#include "store/ingester.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "../audit/sample_events.hpp"
#include "store/audit_search.hpp"
#include "store/journal.hpp"
#include "store_support.hpp"

namespace gh::store {
namespace {

using audit::testing::sample_outcome;
using audit::testing::sample_statement;
using namespace testing;

void write_events(journal_writer& w, int from, int to, int per_batch = 10) {
  for (int i = from; i <= to; ++i) {
    ASSERT_TRUE(w.append(sample_statement(i)));
    if ((i - from + 1) % per_batch == 0) {
      ASSERT_TRUE(w.flush());
    }
  }
  ASSERT_TRUE(w.flush());
}

std::vector<std::string> ids(const std::string& db) {
  return column(db, "SELECT statement_id FROM events WHERE kind = 'statement' ORDER BY seq");
}

std::vector<std::string> expected_ids(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i <= to; ++i) out.push_back("s-1f3a/" + std::to_string(i));
  return out;
}

void expect_intact(const std::string& db, std::uint64_t events) {
  auto r = verify_audit(db);
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(r->intact()) << (r->findings.empty() ? "" : audit::describe(r->findings[0]));
  EXPECT_EQ(r->events, events);
  ASSERT_TRUE(r->head);
  EXPECT_EQ(r->head->seq, events);
}

TEST(ingester, stores_events_with_a_gap_free_chain) {
  temp_dir t;
  auto ing = ingester::open(t.db(), t.journals());
  ASSERT_TRUE(ing) << ing.error();
  ASSERT_TRUE((*ing)->recover());
  auto w = journal_writer::open(t.journals(), 0);
  ASSERT_TRUE(w);
  write_events(*w, 1, 25);
  auto n = (*ing)->ingest_once();
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 25u);
  EXPECT_EQ(column(t.db(), "SELECT group_concat(seq) FROM events"),
            std::vector<std::string>{"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25"});
  EXPECT_EQ(ids(t.db()), expected_ids(1, 25));
  EXPECT_EQ((*ing)->head().seq, 25u);
  expect_intact(t.db(), 25);
  // The live journal stays; its ingested offset is stored.
  EXPECT_EQ(journal_paths(t.journals()).size(), 1u);
  EXPECT_EQ(column(t.db(), "SELECT offset FROM journal_offsets"),
            std::vector<std::string>{std::to_string(w->file_bytes())});
  EXPECT_EQ(*(*ing)->ingest_once(), 0u);  // nothing new: nothing stored twice
}

TEST(ingester, a_crash_mid_ingestion_loses_nothing_and_repeats_nothing) {
  temp_dir t;
  {
    auto w0 = journal_writer::open(t.journals(), 0);
    auto w1 = journal_writer::open(t.journals(), 1);
    ASSERT_TRUE(w0 && w1);
    write_events(*w0, 1, 60, 7);
    write_events(*w1, 61, 100, 3);
  }
  {
    auto ing = ingester::open(t.db(), t.journals(), {.batch_max = 16});
    ASSERT_TRUE(ing);
    ASSERT_EQ(*(*ing)->ingest_once(50), 50u);
    // Destroyed without flush_and_stop: as far as the store knows, a crash.
  }
  EXPECT_EQ(column(t.db(), "SELECT count(*) FROM events"), std::vector<std::string>{"50"});
  auto ing = ingester::open(t.db(), t.journals());
  ASSERT_TRUE(ing) << ing.error();
  auto n = (*ing)->recover();
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 50u);
  auto got = ids(t.db());
  std::set<std::string> unique(got.begin(), got.end());
  EXPECT_EQ(unique.size(), got.size());
  auto want = expected_ids(1, 100);
  EXPECT_EQ(unique, std::set<std::string>(want.begin(), want.end()));
  expect_intact(t.db(), 100);
  // Every journal of the earlier run is finished, stored and deleted.
  EXPECT_TRUE(journal_paths(t.journals()).empty());
  EXPECT_EQ(column(t.db(), "SELECT count(*) FROM journal_offsets"), std::vector<std::string>{"0"});
}

TEST(ingester, rotated_journals_are_deleted_once_stored_and_the_live_one_kept) {
  temp_dir t;
  auto ing = ingester::open(t.db(), t.journals());
  ASSERT_TRUE(ing);
  auto w = journal_writer::open(t.journals(), 2, {.rotate_bytes = 2000});
  ASSERT_TRUE(w);
  write_events(*w, 1, 80, 4);
  std::size_t written = journal_paths(t.journals()).size();
  ASSERT_GT(written, 3u);
  ASSERT_EQ(*(*ing)->ingest_once(), 80u);
  EXPECT_EQ((*ing)->stats().files_removed, written - 1);
  auto left = journal_paths(t.journals());
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0], w->file());
  EXPECT_EQ(ids(t.db()), expected_ids(1, 80));
  expect_intact(t.db(), 80);
}

// A journal written by an earlier version (format 1: records from offset
// 0, no header) whose last write a crash cut: its whole records are stored,
// the torn tail noted and dropped.
TEST(ingester, a_torn_tail_of_a_format_1_journal_is_noted_and_dropped) {
  temp_dir t;
  std::filesystem::create_directories(t.journals());
  std::filesystem::path file = t.journals() / journal_file_name(0, 1);
  std::string bytes;
  for (int i = 1; i <= 6; ++i) ASSERT_TRUE(audit::append_record(bytes, sample_statement(i), 1 << 20));
  append_file(file, bytes.substr(0, bytes.size() - 9));
  auto ing = ingester::open(t.db(), t.journals());
  ASSERT_TRUE(ing);
  ASSERT_EQ(*(*ing)->recover(), 6u);  // 5 events and the note
  EXPECT_EQ(ids(t.db()), expected_ids(1, 5));
  auto notes = column(t.db(), "SELECT statement FROM events WHERE kind = 'journal'");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("torn record at offset"), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find(file.filename().string()), std::string::npos);
  EXPECT_TRUE(journal_paths(t.journals()).empty());
  expect_intact(t.db(), 6);
}

// A crash in the middle of a flush leaves part of a batch past the
// published end: its statements were never forwarded, so it is not stored.
TEST(ingester, a_batch_never_published_is_not_stored) {
  temp_dir t;
  std::filesystem::path file;
  {
    auto w = journal_writer::open(t.journals(), 0);
    ASSERT_TRUE(w);
    write_events(*w, 1, 5);
    file = w->file();
  }
  std::string unpublished;
  ASSERT_TRUE(audit::append_record(unpublished, sample_statement(6), 1 << 20));
  append_file(file, unpublished);
  auto ing = ingester::open(t.db(), t.journals());
  ASSERT_TRUE(ing);
  ASSERT_EQ(*(*ing)->recover(), 5u);
  EXPECT_EQ(ids(t.db()), expected_ids(1, 5));
  EXPECT_TRUE(journal_paths(t.journals()).empty());
  expect_intact(t.db(), 5);
}

TEST(ingester, a_damaged_record_is_skipped_noted_and_the_rest_stored) {
  temp_dir t;
  std::filesystem::path file;
  {
    auto w = journal_writer::open(t.journals(), 0);
    ASSERT_TRUE(w);
    write_events(*w, 1, 3);
    file = w->file();
  }
  std::string bytes = read_file(file);
  auto j = read_journal(file);
  auto first = audit::next_record(as_bytes(j.bytes));
  bytes[j.begin + first.used + 40] ^= 0x01;  // inside the second record's body
  std::filesystem::remove(file);
  append_file(file, bytes);
  auto ing = ingester::open(t.db(), t.journals());
  ASSERT_TRUE(ing);
  ASSERT_EQ(*(*ing)->recover(), 3u);
  EXPECT_EQ(ids(t.db()), (std::vector<std::string>{"s-1f3a/1", "s-1f3a/3"}));
  auto notes = column(t.db(), "SELECT statement FROM events WHERE kind = 'journal'");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("failed its checksum"), std::string::npos) << notes[0];
  EXPECT_EQ((*ing)->stats().damaged, 1u);
  expect_intact(t.db(), 3);
}

TEST(ingester, an_impossible_length_waits_while_live_and_is_noted_once_finished) {
  temp_dir t;
  auto ing = ingester::open(t.db(), t.journals());
  ASSERT_TRUE(ing);
  std::filesystem::path file;
  std::uint64_t end = 0;
  {
    auto w = journal_writer::open(t.journals(), 0);
    ASSERT_TRUE(w);
    write_events(*w, 1, 2);
    file = w->file();
    end = w->file_bytes();
  }
  // Zeros where the header says records are, as a host crash can leave.
  append_file(file, std::string(16, '\0'));
  set_published_end(file, end + 16);
  ASSERT_EQ(*(*ing)->ingest_once(), 2u);
  EXPECT_EQ(*(*ing)->ingest_once(), 0u);
  {
    // The writer moves on: the damaged file is finished.
    auto w2 = journal_writer::open(t.journals(), 0);
    ASSERT_TRUE(w2);
    write_events(*w2, 3, 4);
  }
  ASSERT_EQ(*(*ing)->ingest_once(), 3u);
  auto notes = column(t.db(), "SELECT statement FROM events WHERE kind = 'journal'");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("unreadable"), std::string::npos) << notes[0];
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_EQ(ids(t.db()), expected_ids(1, 4));
}

TEST(ingester, one_ingester_per_journal_directory) {
  temp_dir t;
  auto first = ingester::open(t.db(), t.journals());
  ASSERT_TRUE(first);
  auto second = ingester::open(t.db(), t.journals());
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().find("another gateway"), std::string::npos) << second.error();
  first->reset();
  EXPECT_TRUE(ingester::open(t.db(), t.journals()));
}

TEST(ingester, the_thread_ingests_when_poked_and_drains_on_stop) {
  temp_dir t;
  auto ing = ingester::open(t.db(), t.journals(), {.interval = std::chrono::milliseconds(5000)});
  ASSERT_TRUE(ing);
  ASSERT_TRUE((*ing)->recover());
  auto w = journal_writer::open(t.journals(), 0);
  ASSERT_TRUE(w);
  (*ing)->start();
  write_events(*w, 1, 10);
  (*ing)->poke();
  // Poked: well before the 5 s interval.
  for (int i = 0; i < 200 && (*ing)->stats().events < 10; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ((*ing)->stats().events, 10u);
  write_events(*w, 11, 20);
  auto n = (*ing)->flush_and_stop();
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 10u);
  EXPECT_EQ(ids(t.db()), expected_ids(1, 20));
  expect_intact(t.db(), 20);
}

TEST(ingester, outcomes_and_every_field_survive_the_store_exactly) {
  temp_dir t;
  auto ing = ingester::open(t.db(), t.journals());
  ASSERT_TRUE(ing);
  auto w = journal_writer::open(t.journals(), 0);
  ASSERT_TRUE(w);
  audit::event odd = sample_statement(1);
  odd.statement = std::string("select '\0\n\\e\xFF'", 14);
  odd.tables = {"a\nb", "", "c\\e", "d\\"};
  odd.statement_length = 99999;
  ASSERT_TRUE(w->append(odd));
  ASSERT_TRUE(w->append(sample_outcome(odd, 1500, 0, "57014 canceling statement")));
  ASSERT_TRUE(w->flush());
  ASSERT_EQ(*(*ing)->ingest_once(), 2u);
  expect_intact(t.db(), 2);  // the hash recomputed from the row matches
}

}  // namespace
}  // namespace gh::store

namespace gh::store {
namespace {

using namespace testing;

TEST(ingester, a_journal_cut_below_what_was_stored_is_noted_and_retired) {
  temp_dir t;
  std::filesystem::path file;
  {
    auto ing = ingester::open(t.db(), t.journals());
    ASSERT_TRUE(ing);
    auto w = journal_writer::open(t.journals(), 0);
    ASSERT_TRUE(w);
    write_events(*w, 1, 4);
    file = w->file();
    ASSERT_EQ(*(*ing)->ingest_once(), 4u);
  }
  std::filesystem::resize_file(file, 100);  // as a host crash can leave it
  auto ing = ingester::open(t.db(), t.journals());
  ASSERT_TRUE(ing);
  ASSERT_EQ(*(*ing)->recover(), 1u);  // the note
  auto notes = column(t.db(), "SELECT statement FROM events WHERE kind = 'journal'");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("is shorter (100 bytes)"), std::string::npos) << notes[0];
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_EQ(ids(t.db()), expected_ids(1, 4));
  EXPECT_EQ(*(*ing)->recover(), 0u);
}

}  // namespace
}  // namespace gh::store
