// The ingester's thread as the operating system sees it, and how far behind
// it reports itself.
#include <sched.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "../audit/sample_events.hpp"
#include "store/ingester.hpp"
#include "store/journal.hpp"
#include "store_support.hpp"

namespace gh::store {
namespace {

using namespace testing;

struct thread_view {
  int nice = 0;
  int policy = -1;
};

// The thread of this process named `name` (proc(5): /proc/self/task/*/stat,
// fields 19 and 41), once it exists.
std::optional<thread_view> find_thread(const std::string& name) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
      std::ifstream comm(task.path() / "comm");
      std::string n;
      std::getline(comm, n);
      if (n != name) continue;
      std::ifstream stat(task.path() / "stat");
      std::string line;
      std::getline(stat, line);
      std::istringstream fields(line.substr(line.rfind(')') + 2));  // from field 3 on
      std::vector<std::string> f{std::istream_iterator<std::string>(fields), {}};
      if (f.size() < 39) return std::nullopt;
      return thread_view{std::stoi(f[19 - 3]), std::stoi(f[41 - 3])};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return std::nullopt;
}

TEST(ingester_thread, runs_niced_as_a_batch_thread_by_default) {
  temp_dir t;
  auto ing = ingester::open(t.db(), t.journals());
  ASSERT_TRUE(ing);
  (*ing)->start();
  auto view = find_thread("gh-ingest");
  ASSERT_TRUE(view);
  EXPECT_EQ(view->nice, 5);
  EXPECT_EQ(view->policy, SCHED_BATCH);
  ASSERT_TRUE((*ing)->flush_and_stop());
}

TEST(ingester_thread, nice_0_leaves_it_as_the_gateway_runs) {
  temp_dir t;
  auto ing = ingester::open(t.db(), t.journals(), {.nice = 0});
  ASSERT_TRUE(ing);
  (*ing)->start();
  auto view = find_thread("gh-ingest");
  ASSERT_TRUE(view);
  EXPECT_EQ(view->nice, 0);
  EXPECT_EQ(view->policy, SCHED_OTHER);
  ASSERT_TRUE((*ing)->flush_and_stop());
}

TEST(ingester_thread, reports_how_far_behind_it_is) {
  temp_dir t;
  auto ing = ingester::open(t.db(), t.journals());
  ASSERT_TRUE(ing);
  auto w = journal_writer::open(t.journals(), 0);
  ASSERT_TRUE(w);
  audit::event old = audit::testing::sample_statement(1);
  old.time = std::chrono::system_clock::now() - std::chrono::hours(1);
  ASSERT_TRUE(w->append(old));
  ASSERT_TRUE(w->flush());
  ASSERT_EQ(*(*ing)->ingest_once(), 1u);
  EXPECT_GE((*ing)->stats().lag, std::chrono::hours(1));
  EXPECT_LT((*ing)->stats().lag, std::chrono::hours(1) + std::chrono::minutes(1));
  audit::event now = audit::testing::sample_statement(2);
  now.time = std::chrono::system_clock::now();
  ASSERT_TRUE(w->append(now));
  ASSERT_TRUE(w->flush());
  ASSERT_EQ(*(*ing)->ingest_once(), 1u);
  EXPECT_LT((*ing)->stats().lag, std::chrono::seconds(10));
}

}  // namespace
}  // namespace gh::store
