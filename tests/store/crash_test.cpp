// No statement acknowledged without its event, proven with kill -9: a child
// process records as the gateway does (append, flush, then "forward") while
// its ingester runs; the parent kills it at a moment of its choosing,
// recovers, and checks every acknowledged event is stored exactly once.
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <set>

#include <gtest/gtest.h>

#include "../audit/sample_events.hpp"
#include "store/audit_search.hpp"
#include "store/ingester.hpp"
#include "store/journal.hpp"
#include "store_support.hpp"

namespace gh::store {
namespace {

using namespace testing;

// Runs until killed: two writer threads' worth of journals, one ingester.
[[noreturn]] void record_until_killed(const temp_dir& t, int round, std::atomic<std::int64_t>* acked) {
  auto ing = ingester::open(t.db(), t.journals(), {.interval = std::chrono::milliseconds(2)});
  if (!ing || !(*ing)->recover()) ::_exit(20);
  auto w0 = journal_writer::open(t.journals(), 0, {.rotate_bytes = 20000});
  auto w1 = journal_writer::open(t.journals(), 1, {.rotate_bytes = 20000});
  if (!w0 || !w1) ::_exit(21);
  (*ing)->start();
  for (std::int64_t n = 0;; ++n) {
    journal_writer& w = n % 2 ? *w1 : *w0;
    audit::event ev = audit::testing::sample_statement(static_cast<int>(n));
    ev.statement_id = "r" + std::to_string(round) + "/" + std::to_string(n);
    if (!w.append(ev)) ::_exit(22);
    if (n % 5 == 4) {
      if (!w0->flush() || !w1->flush()) ::_exit(23);
      acked->store(n, std::memory_order_release);  // "forwarded" up to n
      (*ing)->poke();
    }
  }
}

TEST(crash, kill_9_loses_no_acknowledged_event_and_stores_none_twice) {
  temp_dir t;
  auto* acked = static_cast<std::atomic<std::int64_t>*>(
      ::mmap(nullptr, sizeof(std::atomic<std::int64_t>), PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(acked, MAP_FAILED);
  const int kill_after_ms[] = {150, 60, 300, 20};
  std::int64_t total_acked = 0;
  for (int round = 0; round < 4; ++round) {
    new (acked) std::atomic<std::int64_t>(-1);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) record_until_killed(t, round, acked);
    // The kill lands a set time after the child's first acknowledged event,
    // not after the fork: a slow start (a sanitizer build, a loaded machine)
    // must not leave a round with nothing to check.
    for (int waited = 0; acked->load() <= 0 && waited < 30000; ++waited) ::usleep(1000);
    ::usleep(kill_after_ms[round] * 1000);
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited " << WEXITSTATUS(status);
    std::int64_t last = acked->load();
    ASSERT_GT(last, 0) << "round " << round << " made no progress";
    total_acked += last + 1;

    // Recover as the next gateway start does.
    auto ing = ingester::open(t.db(), t.journals());
    ASSERT_TRUE(ing) << ing.error();
    ASSERT_TRUE((*ing)->recover());
    ing->reset();

    auto ids = column(t.db(), "SELECT statement_id FROM events WHERE statement_id LIKE 'r" +
                                  std::to_string(round) + "/%'");
    std::set<std::int64_t> seen;
    for (const auto& id : ids) seen.insert(std::stoll(id.substr(id.find('/') + 1)));
    EXPECT_EQ(seen.size(), ids.size()) << "round " << round << ": an event stored twice";
    for (std::int64_t n = 0; n <= last; ++n)
      ASSERT_TRUE(seen.count(n)) << "round " << round << ": acknowledged event " << n << " lost";
    // Beyond that, at most the batch whose flush the kill interrupted.
    EXPECT_LE(*seen.rbegin(), last + 5);

    auto v = verify_audit(t.db());
    ASSERT_TRUE(v) << v.error();
    EXPECT_TRUE(v->intact()) << audit::describe(v->findings.at(0));
    EXPECT_EQ(v->pending, 0u);
    EXPECT_TRUE(journal_paths(t.journals()).empty());
  }
  ::munmap(acked, sizeof(std::atomic<std::int64_t>));
  RecordProperty("acknowledged_events", std::to_string(total_acked));
}

}  // namespace
}  // namespace gh::store
