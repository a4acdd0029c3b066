// Cost of classifying a PostgreSQL statement: the parse-and-walk miss path
// for short and long statements, and the cache hit that repeated statements
// take (docs/classification.md, "Cost").
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "sql/classification_cache.hpp"
#include "sql/pg/classify.hpp"
#include "sql/pg/nesting_scan.hpp"

namespace {

using gh::sql::classification_cache;
namespace pg = gh::sql::pg;

const std::string short_sql = "SELECT * FROM orders WHERE id = $1";

const std::string write_cte_sql =
    "WITH d AS (DELETE FROM orders WHERE created_at < now() - interval '1 year' RETURNING *) "
    "INSERT INTO archive SELECT * FROM d";

// A report query of the kind agents write: CTEs, joins, CASE, a subquery,
// window functions, casts, about 1.3 KB.
const std::string long_sql = R"(
WITH recent AS (
  SELECT o.id, o.customer_id, o.total, o.created_at, o.status
  FROM public.orders o
  WHERE o.created_at >= date_trunc('month', now()) - interval '3 months'
    AND o.status IN ('paid', 'shipped', 'delivered')
), ranked AS (
  SELECT r.*, row_number() OVER (PARTITION BY r.customer_id ORDER BY r.total DESC) AS rn,
         sum(r.total) OVER (PARTITION BY r.customer_id) AS customer_total
  FROM recent r
)
SELECT c.id, c.name, lower(c.email) AS email,
       coalesce(a.city, 'unknown') AS city,
       CASE WHEN rk.customer_total > 10000 THEN 'gold'
            WHEN rk.customer_total > 1000 THEN 'silver'
            ELSE 'bronze' END AS tier,
       rk.total::numeric(12,2) AS best_order,
       to_char(rk.created_at, 'YYYY-MM-DD') AS best_order_day,
       (SELECT count(*) FROM public.tickets t WHERE t.customer_id = c.id AND t.open) AS open_tickets,
       jsonb_build_object('id', rk.id, 'status', rk.status) AS details
FROM ranked rk
JOIN public.customers c ON c.id = rk.customer_id
LEFT JOIN public.addresses a ON a.customer_id = c.id AND a.kind = 'billing'
WHERE rk.rn = 1
  AND NOT EXISTS (SELECT 1 FROM public.blocked b WHERE b.customer_id = c.id)
ORDER BY rk.customer_total DESC, c.name
LIMIT 100 OFFSET 0
)";

void classify_miss(benchmark::State& state, const std::string& sql) {
  const pg::classify_options options;
  for (auto _ : state) benchmark::DoNotOptimize(pg::classify(sql, options));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * sql.size()));
}

void BM_classify_short_miss(benchmark::State& s) { classify_miss(s, short_sql); }
void BM_classify_write_cte_miss(benchmark::State& s) { classify_miss(s, write_cte_sql); }
void BM_classify_long_miss(benchmark::State& s) { classify_miss(s, long_sql); }
BENCHMARK(BM_classify_short_miss);
BENCHMARK(BM_classify_write_cte_miss);
BENCHMARK(BM_classify_long_miss);

// The hit path: a warm cache of 10000 statements, looked up by text.
void cache_hit(benchmark::State& state, const std::string& sql) {
  const pg::classify_options options;
  const auto key = pg::options_fingerprint(options);
  classification_cache cache(10000);
  for (int i = 0; i < 9999; ++i)
    cache.put("SELECT " + std::to_string(i), key, pg::classify("SELECT 1", options));
  cache.put(sql, key, pg::classify(sql, options));
  for (auto _ : state) benchmark::DoNotOptimize(cache.get(sql, key));
}

void BM_cache_hit_short(benchmark::State& s) { cache_hit(s, short_sql); }
void BM_cache_hit_long(benchmark::State& s) { cache_hit(s, long_sql); }
BENCHMARK(BM_cache_hit_short);
BENCHMARK(BM_cache_hit_long);

// What a session does per statement: look up, and on a miss classify and
// store. Distinct texts each time, so every lookup misses and evicts.
void BM_cache_miss_classify_put_short(benchmark::State& state) {
  const pg::classify_options options;
  const auto key = pg::options_fingerprint(options);
  classification_cache cache(1000);
  std::vector<std::string> texts;
  for (int i = 0; i < 4096; ++i) texts.push_back(short_sql + " AND total > " + std::to_string(i));
  std::size_t i = 0;
  for (auto _ : state) {
    const std::string& sql = texts[i++ % texts.size()];
    if (cache.get(sql, key) == nullptr) cache.put(sql, key, pg::classify(sql, options));
  }
}
BENCHMARK(BM_cache_miss_classify_put_short);

// The lexical pre-scan alone, which every miss pays before parsing.
void BM_nesting_bound_long(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(pg::nesting_bound(long_sql, 500));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * long_sql.size()));
}
BENCHMARK(BM_nesting_bound_long);

}  // namespace

BENCHMARK_MAIN();
