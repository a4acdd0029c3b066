// Deep nesting never crashes: what is too deep is `unknown` before the parser
// runs, and what passes fits in the stack classify.hpp promises (512 KiB at
// the default max_depth), for every grammar rule that builds depth.
#include <gtest/gtest.h>
#include <pthread.h>

#include "depth_inputs.hpp"
#include "sql/pg/nesting_scan.hpp"
#include "test_files.hpp"

namespace gh::sql::test {
namespace {

// The stack classify.hpp promises for optimised builds. Unoptimised and
// sanitised builds have much larger frames: they get more, and still catch
// an unbounded recursion.
#if defined(__SANITIZE_ADDRESS__)
constexpr std::size_t promised_stack = std::size_t{32} << 20;
#elif !defined(NDEBUG) || !defined(__OPTIMIZE__)
constexpr std::size_t promised_stack = std::size_t{4} << 20;
#else
constexpr std::size_t promised_stack = std::size_t{512} << 10;
#endif

// Runs `f` on a thread with exactly `stack_bytes` of stack: overflowing it
// crashes the test binary, which is the point.
void run_with_stack(std::size_t stack_bytes, std::function<void()> f) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, stack_bytes), 0);
  pthread_t thread;
  auto body = [](void* p) -> void* {
    (*static_cast<std::function<void()>*>(p))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, body, &f), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

// The largest repetition count whose nesting bound stays within the limit.
int deepest_accepted(const depth_family& f, std::size_t limit) {
  int lo = 1, hi = 100000;
  while (lo < hi) {
    const int mid = (lo + hi + 1) / 2;
    if (pg::nesting_bound(f.make(mid), limit) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

TEST(pg_depth, hundred_thousand_nested_parentheses_are_unknown) {
  for (const char* open_close : {"()", "[]"}) {
    const std::string sql = "SELECT " + repeat(std::string(1, open_close[0]), 100000) + "1" +
                            repeat(std::string(1, open_close[1]), 100000);
    const auto c = classify(sql);
    EXPECT_EQ(c.cls, statement_class::unknown);
    EXPECT_NE(c.reason.find("nests deeper"), std::string::npos) << c.reason;
  }
}

TEST(pg_depth, long_left_deep_chains_are_unknown_not_a_crash) {
  pg::classify_options o;
  o.max_statement_bytes = 64u << 20;  // let the nesting check, not the size, refuse
  for (const auto& f : depth_families()) {
    const auto c = pg::classify(f.make(100000), o);
    EXPECT_EQ(c.cls, statement_class::unknown) << f.name;
  }
}

TEST(pg_depth, the_deepest_accepted_input_of_each_family_fits_in_512_kib_of_stack) {
  const pg::classify_options o;
  for (const auto& f : depth_families()) {
    const int n = deepest_accepted(f, o.max_depth);
    EXPECT_GT(n, 40) << f.name << ": ordinary depth must stay accepted";
    const std::string at_limit = f.make(n);
    classification c;
    run_with_stack(promised_stack, [&] { c = pg::classify(at_limit, o); });
    // Parsed and walked (some families are syntax errors, which is fine),
    // neither refused by the scan nor cut by the walker's guard.
    EXPECT_EQ(c.reason.find("nests"), std::string::npos) << f.name << ": " << c.reason;
    EXPECT_EQ(pg::classify(f.make(n + 1), o).cls, statement_class::unknown) << f.name;
  }
}

TEST(pg_depth, ordinary_nesting_classifies_normally) {
  EXPECT_EQ(classify(repeat("SELECT * FROM (", 30) + "SELECT * FROM orders" + repeat(") x", 30)).cls,
            statement_class::read);
  EXPECT_EQ(classify("SELECT " + repeat("coalesce(", 50) + "1" + repeat(", 0)", 50)).cls,
            statement_class::read);
  std::string in_list = "SELECT * FROM t WHERE id IN (1";
  for (int i = 2; i < 20000; ++i) in_list += ", " + std::to_string(i);
  EXPECT_EQ(classify(in_list + ")").cls, statement_class::read);
  std::string ors = "SELECT * FROM t WHERE id = 1";
  for (int i = 2; i < 5000; ++i) ors += " OR id = " + std::to_string(i);
  EXPECT_EQ(classify(ors).cls, statement_class::read);
  std::string values = "INSERT INTO t VALUES (1, 'a'::text)";
  for (int i = 2; i < 5000; ++i) values += ", (" + std::to_string(i) + ", 'a'::text)";
  EXPECT_EQ(classify(values).cls, statement_class::write);
}

TEST(pg_depth, a_write_nested_just_inside_the_limit_is_still_found) {
  const std::string sql = repeat("SELECT * FROM (", 80) +
                          "WITH d AS (DELETE FROM orders RETURNING 1) SELECT * FROM d" +
                          repeat(") x", 80);
  EXPECT_EQ(classify(sql).cls, statement_class::write);
}

}  // namespace
}  // namespace gh::sql::test
