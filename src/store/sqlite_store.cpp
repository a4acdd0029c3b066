#include "store/sqlite_store.hpp"

#include <sqlite3.h>

#include "store/event_rows.hpp"

namespace gh::store {
namespace {

// Columns are declared without NOT NULL on the text fields on purpose: the
// ingester always writes them, and a forged NULL reads back as "" which then
// fails the hash, so verification, not the schema, is the guard.
constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  time_us INTEGER NOT NULL,
  kind TEXT NOT NULL,
  principal TEXT, session TEXT, client TEXT, connection TEXT,
  statement TEXT, statement_length INTEGER,
  class TEXT, tables TEXT, decision TEXT, rule TEXT, reviewer TEXT, ref TEXT,
  duration_us INTEGER, rows INTEGER, error TEXT, statement_id TEXT,
  prev_hash BLOB NOT NULL, hash BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS events_principal_time ON events(principal, time_us);
CREATE INDEX IF NOT EXISTS events_connection_time ON events(connection, time_us);
CREATE INDEX IF NOT EXISTS events_time ON events(time_us);
CREATE INDEX IF NOT EXISTS events_outcome_ref ON events(ref) WHERE kind = 'outcome';
CREATE TABLE IF NOT EXISTS chain_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash BLOB NOT NULL
);
INSERT OR IGNORE INTO chain_head(id, seq, hash) VALUES (1, 0, zeroblob(32));
CREATE TABLE IF NOT EXISTS journal_offsets (
  file TEXT PRIMARY KEY,
  offset INTEGER NOT NULL
);
)sql";

}  // namespace

expected<sqlite_store, std::string> sqlite_store::open(const std::string& path, open_mode mode) {
  // The read-write store is the ingester's alone, used under its pass lock:
  // one thread at a time, so SQLite need not lock in every call.
  auto db = sqlite_db::open(path, mode,
                            mode == open_mode::read_write ? thread_use::one_at_a_time
                                                          : thread_use::shared);
  if (!db) return unexpected(db.error());
  sqlite_store store(std::move(*db));
  if (mode == open_mode::read_write) {
    if (auto r = store.db_.exec(schema); !r) return unexpected(path + ": " + r.error());
    // The ingester's connection: a 16 MiB page cache keeps the indexes' hot
    // pages in memory, and checkpointing every 16 MiB of WAL (not 4) makes
    // for fewer fsyncs at the same durability (synchronous=NORMAL).
    if (auto r = store.db_.exec("PRAGMA cache_size=-16384; PRAGMA wal_autocheckpoint=4096;"); !r)
      return unexpected(path + ": " + r.error());
    if (auto r = store.prepare_writes(); !r) return unexpected(path + ": " + r.error());
  } else {
    // Fails here, with a clear message, when the file is not an audit store.
    auto probe = store.db_.prepare("SELECT 1 FROM events, chain_head, journal_offsets LIMIT 0");
    if (!probe) return unexpected(path + " holds no audit log: " + probe.error());
  }
  return store;
}

expected<void, std::string> sqlite_store::prepare_writes() {
  std::string insert = "INSERT INTO events(" + std::string(event_columns) +
                       ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,"
                       "?18,?19,?20,?21)";
  auto i = db_.prepare(insert);
  auto o = db_.prepare(
      "INSERT INTO journal_offsets(file, offset) VALUES (?1, ?2) "
      "ON CONFLICT(file) DO UPDATE SET offset = excluded.offset");
  auto d = db_.prepare("DELETE FROM journal_offsets WHERE file = ?1");
  auto h = db_.prepare("UPDATE chain_head SET seq = ?1, hash = ?2 WHERE id = 1");
  for (auto* r : {&i, &o, &d, &h})
    if (!*r) return unexpected(r->error());
  insert_ = std::move(*i);
  set_offset_ = std::move(*o);
  delete_offset_ = std::move(*d);
  set_head_ = std::move(*h);
  return {};
}

expected<void, std::string> sqlite_store::run(sqlite_stmt& s) {
  int rc = s.step();
  s.reset();
  if (rc != SQLITE_DONE) return unexpected(db_.error_text());
  return {};
}

expected<std::optional<audit::chain_head>, std::string> sqlite_store::read_head() {
  auto s = db_.prepare("SELECT seq, hash FROM chain_head WHERE id = 1");
  if (!s) return unexpected(s.error());
  int rc = s->step();
  if (rc == SQLITE_DONE) return std::optional<audit::chain_head>();
  if (rc != SQLITE_ROW) return unexpected(db_.error_text());
  return std::optional<audit::chain_head>(audit::chain_head{
      static_cast<std::uint64_t>(s->column_int(0)), std::string(s->column_blob(1))});
}

expected<std::map<std::string, std::uint64_t>, std::string> sqlite_store::read_offsets() {
  auto s = db_.prepare("SELECT file, offset FROM journal_offsets");
  if (!s) return unexpected(s.error());
  std::map<std::string, std::uint64_t> out;
  int rc;
  while ((rc = s->step()) == SQLITE_ROW)
    out[std::string(s->column_text(0))] = static_cast<std::uint64_t>(s->column_int(1));
  if (rc != SQLITE_DONE) return unexpected(db_.error_text());
  return out;
}

expected<void, std::string> sqlite_store::begin() { return db_.exec("BEGIN IMMEDIATE"); }
expected<void, std::string> sqlite_store::commit() { return db_.exec("COMMIT"); }
void sqlite_store::rollback() noexcept {
  if (!sqlite3_get_autocommit(db_.handle())) (void)db_.exec("ROLLBACK");
}

expected<void, std::string> sqlite_store::insert_event(std::uint64_t seq, const audit::event& ev,
                                                       std::string_view prev_hash,
                                                       std::string_view hash) {
  encode_tables(ev.tables, tables_text_);
  bind_event_row(insert_, static_cast<std::int64_t>(seq), ev, tables_text_, prev_hash, hash);
  int rc = insert_.step();
  // Every parameter is bound again before the next step: clearing is waste.
  insert_.reset_keep_bindings();
  if (rc != SQLITE_DONE) return unexpected(db_.error_text());
  return {};
}

expected<void, std::string> sqlite_store::set_offset(std::string_view file, std::uint64_t offset) {
  set_offset_.bind_text(1, file);
  set_offset_.bind(2, static_cast<std::int64_t>(offset));
  return run(set_offset_);
}

expected<void, std::string> sqlite_store::delete_offset(std::string_view file) {
  delete_offset_.bind_text(1, file);
  return run(delete_offset_);
}

expected<void, std::string> sqlite_store::set_head(const audit::chain_head& head) {
  set_head_.bind(1, static_cast<std::int64_t>(head.seq));
  set_head_.bind_blob_static(2, head.hash);
  return run(set_head_);
}

}  // namespace gh::store
