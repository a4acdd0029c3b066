#include "store/journal.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "../audit/sample_events.hpp"
#include "store/journal_files.hpp"
#include "store_support.hpp"

namespace gh::store {
namespace {

using audit::testing::sample_outcome;
using audit::testing::sample_statement;
using namespace testing;

TEST(journal, flush_writes_the_batch_in_order_to_this_threads_file) {
  temp_dir t;
  auto w = journal_writer::open(t.journals(), 3);
  ASSERT_TRUE(w) << w.error().message();
  EXPECT_EQ(w->file().filename(), "t0003-g0000000001.journal");
  std::vector<audit::event> sent;
  for (int i = 1; i <= 5; ++i) {
    sent.push_back(sample_statement(i));
    sent.push_back(sample_outcome(sent.back()));
  }
  for (const auto& ev : sent) ASSERT_TRUE(w->append(ev));
  EXPECT_EQ(w->pending_events(), 10u);
  EXPECT_EQ(read_file(w->file()), "");  // appending does no I/O
  ASSERT_TRUE(w->flush());
  EXPECT_EQ(w->pending_events(), 0u);
  EXPECT_EQ(w->pending_bytes(), 0u);
  std::string bytes = read_file(w->file());
  EXPECT_EQ(bytes.size(), w->file_bytes());
  EXPECT_EQ(decode_all(bytes), sent);
  EXPECT_TRUE(w->flush());  // nothing pending: nothing written
  EXPECT_EQ(read_file(w->file()).size(), bytes.size());
}

TEST(journal, directory_and_files_are_private) {
  temp_dir t;
  auto w = journal_writer::open(t.journals(), 0);
  ASSERT_TRUE(w);
  struct stat st{};
  ASSERT_EQ(::stat(t.journals().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(w->file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(journal, a_new_writer_never_appends_to_an_existing_file) {
  temp_dir t;
  std::filesystem::create_directories(t.journals());
  append_file(t.journals() / "t0001-g0000000007.journal", "old");
  append_file(t.journals() / "t0002-g0000000009.journal", "other thread");
  auto w = journal_writer::open(t.journals(), 1);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->file().filename(), "t0001-g0000000008.journal");
  EXPECT_EQ(read_file(t.journals() / "t0001-g0000000007.journal"), "old");
}

TEST(journal, rotates_past_the_size_without_splitting_a_batch) {
  temp_dir t;
  auto w = journal_writer::open(t.journals(), 0, {.rotate_bytes = 1000});
  ASSERT_TRUE(w);
  std::vector<audit::event> sent;
  for (int batch = 0; batch < 20; ++batch) {
    for (int i = 0; i < 3; ++i) {
      sent.push_back(sample_statement(batch * 3 + i));
      ASSERT_TRUE(w->append(sent.back()));
    }
    ASSERT_TRUE(w->flush());
  }
  auto files = journal_paths(t.journals());
  ASSERT_GT(files.size(), 3u);
  std::vector<audit::event> got;
  for (const auto& f : files) {
    std::string bytes = read_file(f);
    auto events = decode_all(bytes);
    // Every file holds whole records only, and goes past the size by at most a batch.
    std::string again;
    for (const auto& ev : events) (void)audit::append_record(again, ev, 1 << 20);
    EXPECT_EQ(again, bytes) << f;
    EXPECT_LT(bytes.size(), 1000u + 3 * 300u);
    got.insert(got.end(), events.begin(), events.end());
  }
  EXPECT_EQ(got, sent);
  auto listed = list_journals(t.journals());
  ASSERT_TRUE(listed);
  EXPECT_FALSE(listed->back().finished);
  EXPECT_TRUE(listed->front().finished);
}

TEST(journal, a_full_disk_fails_the_flush_and_drops_the_batch) {
  temp_dir t;
  auto w = journal_writer::open(t.journals(), 0);
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->append(sample_statement(1)));
  ASSERT_TRUE(w->flush());
  std::string before = read_file(w->file());

  // Point the writer's descriptor at /dev/full: every write fails with ENOSPC.
  int saved = ::dup(w->native_handle());
  int full = ::open("/dev/full", O_WRONLY);
  ASSERT_GE(full, 0);
  ASSERT_GE(::dup2(full, w->native_handle()), 0);
  ::close(full);
  ASSERT_TRUE(w->append(sample_statement(2)));
  auto r = w->flush();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), std::errc::no_space_on_device);
  EXPECT_EQ(w->pending_events(), 0u);  // refused statements are not written later

  ASSERT_GE(::dup2(saved, w->native_handle()), 0);  // space again
  ::close(saved);
  ASSERT_TRUE(w->append(sample_statement(3)));
  ASSERT_TRUE(w->flush());
  EXPECT_EQ(decode_all(read_file(w->file())),
            (std::vector<audit::event>{sample_statement(1), sample_statement(3)}));
  EXPECT_EQ(read_file(w->file()).size(), w->file_bytes());
}

// A write the kernel takes only in part (here the file size limit, in a child
// process so the limit stays there) leaves the file cut back to whole batches.
TEST(journal, a_partly_written_batch_is_cut_back) {
  temp_dir t;
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::signal(SIGXFSZ, SIG_IGN);  // get EFBIG instead of a signal
    auto w = journal_writer::open(t.journals(), 0);
    if (!w || !w->append(sample_statement(1)) || !w->flush()) ::_exit(10);
    std::uint64_t good = w->file_bytes();
    for (int i = 2; i < 12; ++i)
      if (!w->append(sample_statement(i))) ::_exit(11);
    rlimit lim{good + 300, RLIM_INFINITY};
    ::setrlimit(RLIMIT_FSIZE, &lim);
    auto r = w->flush();
    if (r || r.error() != std::errc::file_too_large) ::_exit(12);
    struct stat st{};
    if (::stat(w->file().c_str(), &st) != 0 || static_cast<std::uint64_t>(st.st_size) != good) ::_exit(13);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  auto files = journal_paths(t.journals());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(decode_all(read_file(files[0])), std::vector<audit::event>{sample_statement(1)});
}

TEST(journal, an_event_too_large_is_refused_before_any_io) {
  temp_dir t;
  auto w = journal_writer::open(t.journals(), 0);
  ASSERT_TRUE(w);
  audit::event ev = sample_statement(1);
  ev.tables.assign(1, std::string(audit::record_max, 'x'));
  auto r = w->append(ev);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), audit::encode_error::too_large);
  EXPECT_EQ(w->pending_events(), 0u);
  EXPECT_EQ(w->pending_bytes(), 0u);
}

TEST(journal, statement_text_is_kept_up_to_the_limit) {
  temp_dir t;
  auto w = journal_writer::open(t.journals(), 0, {.statement_max = 100});
  ASSERT_TRUE(w);
  audit::event exact = sample_statement(1), longer = sample_statement(2);
  exact.statement = std::string(100, 'a');
  longer.statement = std::string(250, 'b');
  ASSERT_TRUE(w->append(exact));
  ASSERT_TRUE(w->append(longer));
  ASSERT_TRUE(w->flush());
  auto got = decode_all(read_file(w->file()));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], exact);
  EXPECT_EQ(got[1].statement, std::string(100, 'b'));
  EXPECT_EQ(got[1].statement_length, 250u);
}

TEST(journal, file_names_are_canonical) {
  EXPECT_EQ(journal_file_name(12, 345), "t0012-g0000000345.journal");
  auto f = parse_journal_file_name("t0012-g0000000345.journal");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->thread, 12u);
  EXPECT_EQ(f->generation, 345u);
  for (const char* bad : {"t12-g345.journal", "t0012-g0000000345.journal.tmp", "ingester.lock",
                          "t0012-g-000000345.journal", "x0012-g0000000345.journal", "t0012.journal"})
    EXPECT_FALSE(parse_journal_file_name(bad)) << bad;
  EXPECT_EQ(journal_dir_for("/var/lib/gh/state.db"), "/var/lib/gh/state.db.journal");
}

}  // namespace
}  // namespace gh::store
