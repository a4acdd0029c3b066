#include "store/journal.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>

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
  EXPECT_EQ(read_journal(w->file()).bytes, "");  // appending does no I/O
  ASSERT_TRUE(w->flush());
  EXPECT_EQ(w->pending_events(), 0u);
  EXPECT_EQ(w->pending_bytes(), 0u);
  auto j = read_journal(w->file());
  EXPECT_EQ(j.begin, journal_header_size);
  EXPECT_EQ(j.end(), w->file_bytes());
  EXPECT_EQ(decode_all(j.bytes), sent);
  EXPECT_TRUE(w->flush());  // nothing pending: nothing written
  EXPECT_EQ(read_journal(w->file()).bytes, j.bytes);
}

// The header says where the whole batches end; the space past it is
// reserved ahead of the writes, and given back when the writer closes.
TEST(journal, the_header_publishes_the_end_and_space_is_reserved_ahead) {
  temp_dir t;
  std::filesystem::path file;
  std::uint64_t end = 0;
  {
    auto w = journal_writer::open(t.journals(), 0, {.reserve_bytes = 64 * 1024});
    ASSERT_TRUE(w);
    file = w->file();
    std::string head = read_file(file);
    ASSERT_EQ(head.size(), journal_header_size);
    EXPECT_EQ(head.substr(0, journal_magic.size()), journal_magic);
    ASSERT_TRUE(w->append(sample_statement(1)));
    ASSERT_TRUE(w->flush());
    end = w->file_bytes();
    EXPECT_EQ(std::filesystem::file_size(file), journal_header_size + 64 * 1024);
    std::uint64_t published = 0;
    std::memcpy(&published, read_file(file).data() + journal_end_at, sizeof published);
    EXPECT_EQ(published, end);
  }
  EXPECT_EQ(std::filesystem::file_size(file), end);
  EXPECT_EQ(decode_all(read_journal(file).bytes), std::vector<audit::event>{sample_statement(1)});
}

// A reader polling the file while batches are copied in finds whole
// records only, each batch entirely or not at all.
TEST(journal, a_reader_never_sees_part_of_a_batch) {
  temp_dir t;
  auto w = journal_writer::open(t.journals(), 0, {.reserve_bytes = 4096});
  ASSERT_TRUE(w);
  const int batches = 3000;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int b = 0; b < batches; ++b) {
      for (int i = 0; i < 3; ++i) (void)w->append(sample_statement(b * 3 + i));
      if (!w->flush()) break;
    }
    done = true;
  });
  int fd = ::open(w->file().c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  auto view = journal_header_view::open(fd);
  ASSERT_TRUE(view && view->mapped());
  std::string buf;
  int looks = 0;
  while (!done) {
    auto e = view->extent(fd);
    ASSERT_TRUE(e);
    buf.resize(e->end - e->begin);
    ASSERT_EQ(::pread(fd, buf.data(), buf.size(), static_cast<off_t>(e->begin)), static_cast<ssize_t>(buf.size()));
    auto events = decode_all(buf);
    std::string again;
    for (const auto& ev : events) (void)audit::append_record(again, ev, 1 << 20);
    ASSERT_EQ(again, buf) << "look " << looks;  // whole records, nothing after them
    ASSERT_EQ(events.size() % 3, 0u);
    ++looks;
  }
  writer.join();
  ::close(fd);
  EXPECT_GT(looks, 0);
  EXPECT_EQ(decode_all(read_journal(w->file()).bytes).size(), 3u * batches);
}

// A statement larger than what is mapped at a time goes in whole.
TEST(journal, a_batch_larger_than_the_mapped_window_is_copied_whole) {
  temp_dir t;
  auto w = journal_writer::open(t.journals(), 0, {.statement_max = 8u << 20});
  ASSERT_TRUE(w);
  audit::event big = sample_statement(1);
  big.statement.assign(3u << 20, 'q');
  big.statement[12345] = 'x';
  ASSERT_TRUE(w->append(sample_statement(0)));
  ASSERT_TRUE(w->append(big));
  ASSERT_TRUE(w->flush());
  ASSERT_TRUE(w->append(sample_statement(2)));
  ASSERT_TRUE(w->flush());
  EXPECT_EQ(decode_all(read_journal(w->file()).bytes),
            (std::vector<audit::event>{sample_statement(0), big, sample_statement(2)}));
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
    std::string bytes = read_journal(f).bytes;
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

// A file-size limit (as a full disk or a quota) shows when space is
// reserved: the flush fails, its batch is dropped, and what space is left
// below the limit is still used. Once there is room again, flushes succeed.
// In a child process, so the limit stays there.
TEST(journal, no_room_fails_the_flush_and_drops_the_batch) {
  temp_dir t;
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::signal(SIGXFSZ, SIG_IGN);  // get EFBIG instead of a signal
    constexpr rlim_t limit = 3000;
    rlimit lim{limit, RLIM_INFINITY};
    if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) ::_exit(9);
    auto w = journal_writer::open(t.journals(), 0, {.reserve_bytes = 1u << 20});
    if (!w) ::_exit(10);
    int stored = 0;
    for (int i = 1;; ++i) {
      if (!w->append(sample_statement(i))) ::_exit(11);
      auto r = w->flush();
      if (!r) {
        if (r.error() != std::errc::file_too_large) ::_exit(12);
        if (w->pending_events() != 0) ::_exit(13);  // refused statements are not written later
        break;
      }
      stored = i;
      if (i > 100) ::_exit(14);
    }
    // The reservation fell back to what each batch needed: the space below
    // the limit was used up to less than one event.
    if (stored < 1 || w->file_bytes() + 400 < limit) ::_exit(15);
    lim.rlim_cur = RLIM_INFINITY;  // room again
    if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) ::_exit(16);
    if (!w->append(sample_statement(1000)) || !w->flush()) ::_exit(17);
    std::vector<audit::event> want;
    for (int i = 1; i <= stored; ++i) want.push_back(sample_statement(i));
    want.push_back(sample_statement(1000));
    if (decode_all(read_journal(w->file()).bytes) != want) ::_exit(18);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "child killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// No room even for the header of the next file: the flush fails and leaves
// no empty file behind; the next one with room succeeds.
TEST(journal, no_room_for_a_new_file_leaves_none_behind) {
  temp_dir t;
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    auto w = journal_writer::open(t.journals(), 0, {.rotate_bytes = 100});
    if (!w || !w->append(sample_statement(1)) || !w->flush()) ::_exit(10);  // passes 100: next flush rotates
    rlimit lim{10, RLIM_INFINITY};
    if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) ::_exit(11);
    for (int i = 0; i < 3; ++i) {
      if (!w->append(sample_statement(2))) ::_exit(12);
      auto r = w->flush();
      if (r || r.error() != std::errc::file_too_large) ::_exit(13);
    }
    if (journal_paths(t.journals()).size() != 1) ::_exit(14);
    lim.rlim_cur = RLIM_INFINITY;
    if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) ::_exit(15);
    if (!w->append(sample_statement(3)) || !w->flush()) ::_exit(16);
    auto files = journal_paths(t.journals());
    if (files.size() != 2) ::_exit(17);
    if (decode_all(read_journal(files[1]).bytes) != std::vector<audit::event>{sample_statement(3)}) ::_exit(18);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "child killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
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
  auto got = decode_all(read_journal(w->file()).bytes);
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
