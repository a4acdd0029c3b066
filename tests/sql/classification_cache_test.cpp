#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "sql/classification_cache.hpp"

// Counts allocations, so that a cache hit can be shown to make none.
namespace {
thread_local long allocations = 0;
}
void* operator new(std::size_t n) {
  ++allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace gh::sql {
namespace {

classification make(statement_class c, std::string table = "orders") {
  classification out;
  out.cls = c;
  out.reason = "because";
  statement_info s;
  s.cls = c;
  s.kind = "select";
  s.tables.push_back({"public", std::move(table)});
  out.statements.push_back(std::move(s));
  return out;
}

TEST(classification_cache, miss_then_hit) {
  classification_cache cache(4);
  EXPECT_EQ(cache.get("SELECT 1", 7), nullptr);
  cache.put("SELECT 1", 7, make(statement_class::read));
  const classification* hit = cache.get("SELECT 1", 7);
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->cls, statement_class::read);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST(classification_cache, the_options_key_is_part_of_the_key) {
  classification_cache cache(4);
  cache.put("SELECT f()", 1, make(statement_class::write));
  cache.put("SELECT f()", 2, make(statement_class::read));
  EXPECT_EQ(cache.get("SELECT f()", 1)->cls, statement_class::write);
  EXPECT_EQ(cache.get("SELECT f()", 2)->cls, statement_class::read);
  EXPECT_EQ(cache.get("SELECT f()", 3), nullptr);
}

TEST(classification_cache, evicts_the_least_recently_used) {
  classification_cache cache(3);
  cache.put("a", 0, make(statement_class::read));
  cache.put("b", 0, make(statement_class::read));
  cache.put("c", 0, make(statement_class::read));
  ASSERT_NE(cache.get("a", 0), nullptr);  // a is now the most recent
  cache.put("d", 0, make(statement_class::read));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.get("b", 0), nullptr);
  EXPECT_NE(cache.get("a", 0), nullptr);
  EXPECT_NE(cache.get("c", 0), nullptr);
  EXPECT_NE(cache.get("d", 0), nullptr);
}

TEST(classification_cache, replacing_keeps_one_entry) {
  classification_cache cache(3);
  cache.put("a", 0, make(statement_class::read));
  cache.put("a", 0, make(statement_class::admin));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.get("a", 0)->cls, statement_class::admin);
}

TEST(classification_cache, byte_bound_evicts_and_refuses_huge_statements) {
  classification_cache cache(1000, 64 * 1024);
  const std::string big(9 * 1024, 'x');  // above max_bytes / 8: never cached
  cache.put(big, 0, make(statement_class::read));
  EXPECT_EQ(cache.get(big, 0), nullptr);
  for (int i = 0; i < 200; ++i)
    cache.put(std::string(1000, 'a') + std::to_string(i), 0, make(statement_class::read));
  EXPECT_LE(cache.bytes(), 64u * 1024);
  EXPECT_LT(cache.size(), 200u);
  EXPECT_NE(cache.get(std::string(1000, 'a') + "199", 0), nullptr);
}

TEST(classification_cache, a_hit_allocates_nothing) {
  classification_cache cache(16);
  const std::string sql = "SELECT * FROM orders WHERE id = $1 AND note = 'long enough to not be SSO'";
  cache.put(sql, 5, make(statement_class::read));
  cache.put("other", 5, make(statement_class::read));
  const long before = allocations;
  const classification* hit = cache.get(sql, 5);
  const long after = allocations;
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(after, before);
}

TEST(classification_cache, zero_capacity_caches_nothing) {
  classification_cache cache(0);
  cache.put("a", 0, make(statement_class::read));
  EXPECT_EQ(cache.get("a", 0), nullptr);
}

TEST(classification_cache, clear_empties) {
  classification_cache cache(4);
  cache.put("a", 0, make(statement_class::read));
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_EQ(cache.get("a", 0), nullptr);
}

}  // namespace
}  // namespace gh::sql
