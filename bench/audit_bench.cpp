// Audit log micro-benchmarks (docs/audit.md, "Cost"): what recording costs
// the hot path (serialise + append, one write(2) per batch) and how fast the
// ingester moves journals into SQLite with the hash chain.
//
//   ninja gh_audit_bench && ./bench/gh_audit_bench
#include <stdlib.h>

#include <filesystem>
#include <string>

#include <benchmark/benchmark.h>

#include "audit/chain.hpp"
#include "audit/serialize.hpp"
#include "store/ingester.hpp"
#include "store/journal.hpp"

namespace {

using namespace gh;

// A statement event as the gateway records it: a typical agent query.
audit::event typical_event(std::int64_t n) {
  audit::event ev;
  ev.kind = audit::event_kind::statement;
  ev.time = from_unix_micros(1795514276123456 + n);
  ev.principal = "chatgpt-agent";
  ev.session = "s-1f3a9c2e";
  ev.client = "10.0.0.7:51234";
  ev.connection = "app";
  ev.statement = "SELECT abalance FROM pgbench_accounts WHERE aid = $1";
  ev.cls = "read";
  ev.tables = {"public.pgbench_accounts"};
  ev.decision = "allow";
  ev.rule = "agents-read";
  ev.statement_id = "s-1f3a9c2e/" + std::to_string(n);
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
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert,
      benchmark::Counter::kIs1000);
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
// iteration ingests 50,000 events written beforehand by two io threads.
void ingest(benchmark::State& state) {
  scratch_dir dir;
  std::string db = (dir.path / "state.db").string();
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

}  // namespace

BENCHMARK_MAIN();
