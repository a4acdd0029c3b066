// Audit log micro-benchmarks (docs/audit.md, "Cost"): what recording costs
// the hot path (serialise + append, one write(2) per batch), how fast the
// ingester moves journals into SQLite with the hash chain, and what search
// costs on a store of a million statements.
//
//   ninja gh_audit_bench && ./bench/gh_audit_bench
//
// Instructions per statement, a figure that does not move with machine load
// (the collected count divided by the statements the one iteration ingests):
//
//   valgrind --tool=callgrind --toggle-collect='gh::store::ingester::ingest_once*'
//            ./bench/gh_audit_bench --benchmark_filter='^ingest_pairs/'
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "audit/chain.hpp"
#include "audit/serialize.hpp"
#include "store/audit_search.hpp"
#include "store/ingester.hpp"
#include "store/journal.hpp"

namespace {

using namespace gh;

constexpr std::int64_t start_us = 1795514276123456;

// A statement event as the gateway records it for `pgbench -S`.
audit::event typical_event(std::int64_t n, std::string_view principal = "chatgpt-agent",
                           std::string_view connection = "app") {
  audit::event ev;
  ev.kind = audit::event_kind::statement;
  ev.time = from_unix_micros(start_us + n);
  ev.principal = principal;
  ev.session = "s-1f3a9c2e";
  ev.client = "10.0.0.7:51234";
  ev.connection = connection;
  ev.statement =
      "SELECT abalance FROM pgbench_accounts WHERE aid = " + std::to_string(n % 100000) + ";";
  ev.cls = "read";
  ev.tables = {"public.pgbench_accounts"};
  ev.decision = "allow";
  ev.rule = "agents-read";
  ev.statement_id = "s-1f3a9c2e/" + std::to_string(n);
  return ev;
}

// Its outcome, as pg_gate records it when the server has answered.
audit::event typical_outcome(const audit::event& st) {
  audit::event ev;
  ev.kind = audit::event_kind::outcome;
  ev.time = st.time + std::chrono::microseconds(180);
  ev.principal = st.principal;
  ev.session = st.session;
  ev.client = st.client;
  ev.connection = st.connection;
  ev.decision = "ok";
  ev.ref = st.statement_id;
  ev.duration_us = 170;
  ev.rows = 1;
  return ev;
}

struct scratch_dir {
  std::filesystem::path path;
  scratch_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gh-audit-bench-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string db() const { return (path / "state.db").string(); }
};

// Serialise one event into the batch buffer: the per-statement cost on the
// session's thread, before the batch's write.
void append_event(benchmark::State& state) {
  audit::event ev = typical_event(1);
  std::string buffer;
  buffer.reserve(64 * 1024);
  std::size_t n = 0;
  for (auto _ : state) {
    if (!audit::append_record(buffer, ev, 1 << 20)) state.SkipWithError("encode");
    if (++n % 64 == 0) buffer.clear();  // as a flush does, keeping the capacity
    benchmark::DoNotOptimize(buffer.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(append_event);

// A batch of N events appended and made durable to the OS with one write(2)
// to a real journal file. Items are events: time per item is the cost per
// statement at that batch size.
void flush_batch(benchmark::State& state) {
  scratch_dir dir;
  auto w = store::journal_writer::open(dir.path / "j", 0);
  if (!w) return state.SkipWithError("open");
  auto batch = static_cast<int>(state.range(0));
  std::vector<audit::event> events;
  for (int i = 0; i < batch; ++i) events.push_back(typical_event(i));
  for (auto _ : state) {
    for (const auto& ev : events)
      if (!w->append(ev)) state.SkipWithError("append");
    if (!w->flush()) state.SkipWithError("flush");
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["per_batch"] = benchmark::Counter(
      static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert, benchmark::Counter::kIs1000);
}
BENCHMARK(flush_batch)->Arg(1)->Arg(8)->Arg(64);

// The chain's cost per event: canonical form and SHA-256.
void chain_hash(benchmark::State& state) {
  audit::event ev = typical_event(1);
  std::string prev = audit::genesis_hash(), scratch;
  std::uint64_t seq = 0;
  for (auto _ : state) {
    prev = audit::chain_hash(prev, ++seq, ev, scratch);
    benchmark::DoNotOptimize(prev.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(chain_hash);

// Journals to SQLite: decode, chain, insert, one transaction per batch. Each
// iteration ingests 50,000 statement events written beforehand by two io
// threads (no outcomes).
void ingest(benchmark::State& state) {
  scratch_dir dir;
  std::string db = dir.db();
  auto ing = store::ingester::open(db, store::journal_dir_for(db));
  if (!ing) return state.SkipWithError(ing.error().c_str());
  auto w0 = store::journal_writer::open(store::journal_dir_for(db), 0);
  auto w1 = store::journal_writer::open(store::journal_dir_for(db), 1);
  constexpr int per_iteration = 50000;
  std::int64_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (int i = 0; i < per_iteration; ++i) {
      auto& w = i % 2 ? *w1 : *w0;
      (void)w.append(typical_event(n++));
      if (i % 64 == 63) (void)w.flush();
    }
    (void)w0->flush();
    (void)w1->flush();
    state.ResumeTiming();
    auto stored = (*ing)->ingest_once();
    if (!stored || *stored != per_iteration) state.SkipWithError("ingest");
  }
  state.SetItemsProcessed(state.iterations() * per_iteration);
}
// Real time is reported; on a shared machine the CPU column is the steadier
// figure (the ingester is one thread, so CPU time is its busy time).
BENCHMARK(ingest)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);

// Writes `statements` statements and their outcomes as the gateway's io
// threads do under pgbench: 8 sessions per thread, each statement flushed
// before it is forwarded, its outcome flushed with the session's next one.
struct pgbench_writer {
  static constexpr int threads = 2, sessions = 8;
  std::vector<store::journal_writer> writers;
  std::int64_t n = 0;

  explicit pgbench_writer(const std::string& db) {
    for (unsigned t = 0; t < threads; ++t)
      writers.push_back(std::move(*store::journal_writer::open(store::journal_dir_for(db), t)));
  }
  // principal/connection by statement number, for the search benchmarks.
  template <class Shape>
  void write(std::int64_t statements, Shape shape) {
    std::vector<std::optional<audit::event>> pending(threads * sessions);
    for (std::int64_t i = 0; i < statements; ++i, ++n) {
      auto slot = static_cast<std::size_t>(n % (threads * sessions));
      auto& w = writers[slot % threads];
      if (pending[slot]) (void)w.append(typical_outcome(*pending[slot]));
      auto [principal, connection] = shape(n);
      audit::event st = typical_event(n * 10, principal, connection);
      st.session = "s-" + std::to_string(slot);
      st.statement_id = st.session + "/" + std::to_string(n);
      (void)w.append(st);
      (void)w.flush();
      pending[slot] = std::move(st);
    }
    for (std::size_t slot = 0; slot < pending.size(); ++slot)
      if (pending[slot]) (void)writers[slot % threads].append(typical_outcome(*pending[slot]));
    for (auto& w : writers) (void)w.flush();
  }
};

std::pair<std::string_view, std::string_view> one_agent(std::int64_t) {
  return {"chatgpt-agent", "app"};
}

// Statements with their outcomes, as the gateway writes them under pgbench
// -S: the figure to compare with the callgrind budget. Items are statements
// (each one statement event and one outcome event).
void ingest_pairs(benchmark::State& state) {
  scratch_dir dir;
  std::string db = dir.db();
  auto ing = store::ingester::open(db, store::journal_dir_for(db));
  if (!ing) return state.SkipWithError(ing.error().c_str());
  pgbench_writer writer(db);
  constexpr int per_iteration = 25000;
  for (auto _ : state) {
    state.PauseTiming();
    writer.write(per_iteration, one_agent);
    state.ResumeTiming();
    auto stored = (*ing)->ingest_once();
    if (!stored) state.SkipWithError("ingest");
  }
  state.SetItemsProcessed(state.iterations() * per_iteration);
}
BENCHMARK(ingest_pairs)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);

// The same 25,000 statements, stored a pass at a time as the ingester's
// thread does: a pass every `interval` finds what arrived since the last
// one. The argument is statements per pass (at 15,000 statements/s: 300 for
// a pass every 20 ms, 1,500 every 100 ms). Each pass pays for listing the
// journals, a transaction and the b-trees' last pages written again.
void ingest_passes(benchmark::State& state) {
  scratch_dir dir;
  std::string db = dir.db();
  auto ing = store::ingester::open(db, store::journal_dir_for(db));
  if (!ing) return state.SkipWithError(ing.error().c_str());
  pgbench_writer writer(db);
  constexpr int per_iteration = 25000;
  const auto per_pass = static_cast<int>(state.range(0));
  for (auto _ : state) {
    for (int done = 0; done < per_iteration; done += per_pass) {
      state.PauseTiming();
      writer.write(per_pass, one_agent);
      state.ResumeTiming();
      if (!(*ing)->ingest_once()) state.SkipWithError("ingest");
    }
  }
  state.SetItemsProcessed(state.iterations() * per_iteration);
}
BENCHMARK(ingest_passes)->Arg(100)->Arg(300)->Arg(1500)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);

// --- search on a million statements ------------------------------------------

// 1,000,000 statements 10 µs apart, each with its outcome: 8 principals, 3
// busy connections and a rare one (1 statement in 1000).
constexpr std::int64_t million = 1000000;
const std::string principals[] = {"agent-0", "agent-1", "agent-2", "agent-3",
                                  "agent-4", "agent-5", "agent-6", "agent-7"};
const std::string connections[] = {"app", "shop", "crm"};

std::pair<std::string_view, std::string_view> spread(std::int64_t n) {
  std::string_view connection =
      n % 1000 == 999 ? std::string_view("rare") : connections[(n / 8) % 3];
  return {principals[n % 8], connection};
}

const scratch_dir& million_store() {
  static std::unique_ptr<scratch_dir> dir = [] {
    auto d = std::make_unique<scratch_dir>();
    auto ing = store::ingester::open(d->db(), store::journal_dir_for(d->db()));
    pgbench_writer writer(d->db());
    for (int part = 0; part < 20; ++part) {
      writer.write(million / 20, spread);
      (void)(*ing)->ingest_once();
    }
    (void)(*ing)->flush_and_stop();
    return d;
  }();
  return *dir;
}

sys_time at_statement(std::int64_t n) { return from_unix_micros(start_us + n * 10); }

void search(benchmark::State& state, audit::search_filter filter) {
  const std::string db = million_store().db();
  std::uint64_t rows = 0;
  for (auto _ : state) {
    auto r = store::search_audit(db, filter, [&](const audit::search_row& row) {
      benchmark::DoNotOptimize(row.statement.statement.data());
    });
    if (!r) return state.SkipWithError(r.error().c_str());
    rows = *r;
  }
  state.counters["rows"] = static_cast<double>(rows);
}
// A 1% window (10,000 statements) in the middle of the store.
audit::search_filter in_window(audit::search_filter f) {
  f.since = at_statement(500000);
  f.until = at_statement(510000);
  return f;
}
BENCHMARK_CAPTURE(search, principal_window, in_window({.principal = "agent-3"}))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(search, connection_window, in_window({.connection = "shop"}))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(search, window, in_window({}))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(search, principal_newest_100, {.principal = "agent-3", .limit = 100})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(search, connection_newest_100, {.connection = "shop", .limit = 100})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(search, rare_connection_newest_100, {.connection = "rare", .limit = 100})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(search, rare_connection_window, in_window({.connection = "rare"}))
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
