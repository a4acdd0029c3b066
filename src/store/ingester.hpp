// The ingester: one background thread that moves the io threads' journals
// (journal.hpp) into the SQLite store, computing the hash chain as it goes.
//
// Each pass reads the whole records past each journal's ingested offset and
// stores them with one transaction per batch: events, chain head and the new
// offsets commit together, so after a crash (kill -9 included) the next start
// resumes exactly there: nothing lost, nothing stored twice. An outcome whose
// statement is in the same batch goes into the statement's row
// (audit/fold.hpp). A journal whose
// writer has moved on (a later generation exists) is deleted once ingested.
// Damage it cannot read (a checksum failure, a torn tail left by a crash) is
// skipped and recorded in the chain itself as a `journal` event.
//
// Gateway lifecycle:
//   auto ing = ingester::open(store_path, journal_dir_for(store_path));
//   ing->recover();             // before any journal_writer exists
//   ...create one journal_writer per io thread...
//   ing->start();               // then poke() after flushes, from any thread
//   ...on shutdown: flush and destroy the writers...
//   ing->flush_and_stop();
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "audit/chain.hpp"
#include "audit/event.hpp"
#include "audit/fold.hpp"
#include "common/expected.hpp"
#include "store/journal_files.hpp"
#include "store/sqlite_store.hpp"

namespace gh::store {

struct ingester_options {
  std::chrono::milliseconds interval{20};  // sleep between passes while events arrive
  // After passes that found nothing the sleep doubles, up to this: an idle
  // gateway does not scan its journals fifty times a second.
  std::chrono::milliseconds idle_interval{320};
  std::size_t batch_max = 8192;            // events per transaction
  // The background thread's nice value; above 0 it also runs SCHED_BATCH.
  // A busy machine's CPU goes to the io threads and the database first, the
  // ingester catching up when there is slack; never starved (docs/audit.md).
  int nice = 5;
};

struct ingester_stats {
  std::uint64_t events = 0;         // stored since open, notes included
  std::uint64_t folded = 0;         // of which outcomes stored in their statement's row
  std::uint64_t batches = 0;        // transactions committed
  std::uint64_t damaged = 0;        // damaged records or regions skipped (each noted)
  std::uint64_t files_removed = 0;  // journals ingested and deleted
  std::uint64_t failures = 0;       // passes that failed (the store refused a write...)
  std::string last_error;           // of the last failed pass; empty after a good one
  // How far behind the ingester is: the age of the oldest event the last
  // pass that stored any stored, when it stored it.
  std::chrono::microseconds lag{0};
};

class ingester {
 public:
  // Opens (creating) the store and takes the journal directory's lock: one
  // ingester per directory, so the chain has one writer.
  static expected<std::unique_ptr<ingester>, std::string> open(
      const std::string& sqlite_path, const std::filesystem::path& journal_dir,
      ingester_options options = {});

  // Stops the thread without a last pass: like a crash, as far as the store
  // can tell. Call flush_and_stop() for an orderly stop.
  ~ingester();
  ingester(const ingester&) = delete;
  ingester& operator=(const ingester&) = delete;

  // Ingests every journal left by an earlier run, to the end, treating each
  // as finished (torn tails noted and dropped), and deletes them. Call before
  // any journal_writer is opened. Returns the events stored.
  expected<std::uint64_t, std::string> recover();

  // Starts the background thread: a pass every `interval` or when poked.
  void start();
  // Asks for a pass soon. Cheap and non-blocking, callable from any thread.
  void poke() noexcept;
  // Stops the thread, then ingests what the journals hold. Call once the
  // writers have flushed for the last time. Returns the events stored last.
  expected<std::uint64_t, std::string> flush_and_stop();

  // One pass on the caller's thread, of at most `max_events` events.
  expected<std::uint64_t, std::string> ingest_once(std::size_t max_events = SIZE_MAX);

  ingester_stats stats() const;
  audit::chain_head head() const;

 private:
  struct open_journal {
    int fd = -1;
    journal_header_view header;  // where its records end (journal_files.hpp)
    bool unreadable_noted = false;
  };

  ingester(sqlite_store store, std::filesystem::path dir, int lock_fd, ingester_options o);
  void run();
  void stop_thread();
  expected<std::uint64_t, std::string> pass(bool all_finished, std::size_t max_events);
  expected<std::uint64_t, std::string> ingest_file(const journal_file& f, bool finished,
                                                   std::size_t budget);
  bool take(journal_cursor& cursor, const std::string& name, bool finished, std::uint64_t size,
            open_journal& j, std::uint64_t& end);
  audit::chain_head chain_rows();
  expected<void, std::string> commit(const std::string& file, std::uint64_t offset);
  expected<void, std::string> remove_file(const std::string& name);
  expected<void, std::string> forget_vanished_files();
  audit::event& next_slot();
  void note(const std::string& file, std::string what);
  void failed(const std::string& error);
  void measure_lag();

  sqlite_store store_;
  std::filesystem::path dir_;
  int lock_fd_ = -1;
  ingester_options options_;

  // Owned by whoever holds pass_mutex_ (the thread, or a caller of recover,
  // ingest_once, flush_and_stop).
  std::mutex pass_mutex_;
  std::map<std::string, std::uint64_t> offsets_;  // as committed
  std::map<std::string, open_journal> files_;
  audit::chain_head head_;
  std::vector<audit::event> batch_;
  std::size_t batch_size_ = 0;
  audit::fold_plan fold_plan_;
  std::vector<event_row> rows_;     // the batch's rows, as chain_rows() made them
  std::vector<std::string> hashes_; // their hashes
  std::string read_buffer_, scratch_;
  int read_error_ = 0;  // errno of a failed journal read, reported after the batch
  std::optional<sys_time> pass_oldest_;  // of the events this pass took
  bool lag_warned_ = false;

  mutable std::mutex stats_mutex_;
  ingester_stats stats_;
  audit::chain_head head_copy_;

  std::mutex wake_mutex_;
  std::condition_variable wake_;
  std::atomic<bool> poked_{false};
  bool stop_ = false;  // under wake_mutex_
  std::thread thread_;
};

}  // namespace gh::store
