// The audit log in SQLite: the schema, the chain head, the journal offsets,
// and the writes the ingester makes. One file also holds reviews and grants
// (their owners add tables through db()).
//
//   events(seq INTEGER PRIMARY KEY, time_us, kind, principal, session, client,
//          connection, statement, statement_length, class, tables, decision,
//          rule, reviewer, ref, duration_us, rows, error, statement_id,
//          prev_hash BLOB, hash BLOB, outcome, outcome_time_us)
//     indexes: (principal, time_us), (time_us), (ref) for outcomes
//     a statement's row may hold its outcome too (audit/fold.hpp)
//   chain_head(id = 1, seq, hash)          the last event the chain covers
//   journal_offsets(file, offset)          bytes of each journal ingested
//   PRAGMA user_version                    the layout: 1 (0 before folding;
//                                          upgraded in place when opened
//                                          read-write, read as is otherwise)
//
// Events, head and offsets change in one transaction: after a crash the next
// ingester resumes exactly where the last commit left off.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "audit/chain.hpp"
#include "audit/event.hpp"
#include "store/sqlite_db.hpp"

namespace gh::store {

// One row for insert_events: `ev` at seq, and when `outcome` is not null the
// outcome folded into it at seq + 1 (precondition: foldable(*ev, *outcome)).
// Nothing is copied: the events and hashes must outlive the call.
struct event_row {
  std::uint64_t seq = 0;
  const audit::event* ev = nullptr;
  const audit::event* outcome = nullptr;
  std::string_view prev_hash;
  std::string_view hash;
};

class sqlite_store {
 public:
  // read_write creates the schema when missing; read_only requires it. A
  // read_write store is for one owner (the ingester) using it from one
  // thread at a time.
  static expected<sqlite_store, std::string> open(const std::string& path, open_mode mode);

  sqlite_db& db() noexcept { return db_; }

  // nullopt when the head row is gone (`audit verify` reports that).
  expected<std::optional<audit::chain_head>, std::string> read_head();
  expected<std::map<std::string, std::uint64_t>, std::string> read_offsets();

  // The ingester's writes, between begin() and commit().
  expected<void, std::string> begin();  // BEGIN IMMEDIATE: takes the write lock now
  expected<void, std::string> commit();
  void rollback() noexcept;
  // The rows, in order: rows_per_insert at a time with one statement while
  // that many are left (its cursors stay on the b-trees' last pages from row
  // to row), the rest one by one. After an error the transaction may be gone
  // (OR ROLLBACK) or may hold part of the rows: the caller calls rollback().
  expected<void, std::string> insert_events(std::span<const event_row> rows);
  expected<void, std::string> set_offset(std::string_view file, std::uint64_t offset);
  expected<void, std::string> delete_offset(std::string_view file);
  expected<void, std::string> set_head(const audit::chain_head& head);

 private:
  explicit sqlite_store(sqlite_db db) noexcept : db_(std::move(db)) {}
  expected<void, std::string> prepare_writes();
  expected<void, std::string> run(sqlite_stmt& s);

  static constexpr std::size_t rows_per_insert = 32;

  sqlite_db db_;
  sqlite_stmt insert_one_, insert_many_, set_offset_, delete_offset_, set_head_, begin_, commit_;
  std::string tables_text_[rows_per_insert];  // the rows' tables, bound without copying
};

}  // namespace gh::store
