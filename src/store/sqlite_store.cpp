#include "store/sqlite_store.hpp"

#include <algorithm>

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
  prev_hash BLOB NOT NULL, hash BLOB NOT NULL,
  outcome TEXT, outcome_time_us INTEGER
);
CREATE INDEX IF NOT EXISTS events_principal_time ON events(principal, time_us);
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

// Layout 1 (PRAGMA user_version, 0 before): rows may hold a folded outcome
// (outcome, outcome_time_us), and connection searches use the time index.
// The columns are added in place, at the end, as ALTER TABLE adds them.
constexpr int audit_layout = 1;
constexpr const char* upgrade_to_layout_1 = R"sql(
ALTER TABLE events ADD COLUMN outcome TEXT;
ALTER TABLE events ADD COLUMN outcome_time_us INTEGER;
)sql";

bool has_outcome_columns(sqlite_db& db) {
  return db.prepare("SELECT outcome, outcome_time_us FROM events LIMIT 0").has_value();
}

expected<int, std::string> read_layout(sqlite_db& db) {
  auto s = db.prepare("PRAGMA user_version");
  if (!s) return unexpected(s.error());
  if (s->step() != SQLITE_ROW) return unexpected(db.error_text());
  auto v = static_cast<int>(s->column_int(0));
  if (v > audit_layout)
    return unexpected("written by a newer Gatehouse (audit layout " + std::to_string(v) +
                      "; this one knows layouts up to " + std::to_string(audit_layout) + ")");
  return v;
}

// Brings a store written by an earlier version to the current layout, in
// one transaction. Its rows are kept as they are: each verifies as before.
expected<void, std::string> upgrade(sqlite_db& db) {
  auto layout = read_layout(db);
  if (!layout) return unexpected(layout.error());
  if (*layout == audit_layout) return {};
  if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return r;
  auto r = has_outcome_columns(db) ? expected<void, std::string>() : db.exec(upgrade_to_layout_1);
  if (r) r = db.exec("DROP INDEX IF EXISTS events_connection_time");
  if (r) r = db.exec(("PRAGMA user_version = " + std::to_string(audit_layout)).c_str());
  if (r) r = db.exec("COMMIT");
  if (!r) (void)db.exec("ROLLBACK");
  return r;
}

// A read-only look at a store of layout 0 (not yet upgraded by a gateway):
// a temporary view gives its events the columns of today's, empty.
expected<void, std::string> read_as_current(sqlite_db& db) {
  auto layout = read_layout(db);
  if (!layout) return unexpected(layout.error());
  if (has_outcome_columns(db)) return {};
  return db.exec(
      "CREATE TEMP VIEW events AS SELECT *, NULL AS outcome, NULL AS outcome_time_us "
      "FROM main.events");
}

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
    if (auto r = upgrade(store.db_); !r) return unexpected(path + ": " + r.error());
    // The ingester's connection: a 16 MiB page cache keeps the indexes' hot
    // pages in memory, and checkpointing every 16 MiB of WAL (not 4) makes
    // for fewer fsyncs at the same durability (synchronous=NORMAL). The
    // checkpoint threshold counts pages, whose size depends on the file.
    std::int64_t page_size = 4096;
    if (auto ps = store.db_.prepare("PRAGMA page_size"); ps && ps->step() == SQLITE_ROW)
      page_size = std::max<std::int64_t>(512, ps->column_int(0));
    const std::string tuning = "PRAGMA cache_size=-16384; PRAGMA wal_autocheckpoint=" +
                               std::to_string((16 << 20) / page_size) + ";";
    if (auto r = store.db_.exec(tuning.c_str()); !r) return unexpected(path + ": " + r.error());
    if (auto r = store.prepare_writes(); !r) return unexpected(path + ": " + r.error());
  } else {
    // Fails here, with a clear message, when the file is not an audit store.
    auto probe = store.db_.prepare("SELECT 1 FROM events, chain_head, journal_offsets LIMIT 0");
    if (!probe) return unexpected(path + " holds no audit log: " + probe.error());
    if (auto r = read_as_current(store.db_); !r) return unexpected(path + ": " + r.error());
  }
  return store;
}

namespace {

// INSERT INTO events(...) VALUES (?1,...,?23),(?24,...),... for `rows` rows.
// OR ROLLBACK: a row that breaks a constraint ends the whole transaction,
// which the ingester rolls back anyway. With the default (ABORT) SQLite must
// be able to undo just the one statement, and for a multi-row INSERT it
// keeps a statement journal: a temporary file that got a copy of every page
// the INSERT touched, two write(2)s each, more than the WAL itself.
std::string insert_sql(std::size_t rows) {
  std::string sql = "INSERT OR ROLLBACK INTO events(" + std::string(event_columns) + ") VALUES ";
  int p = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r ? ",(" : "(";
    for (int c = 0; c < event_column_count; ++c) sql += (c ? ",?" : "?") + std::to_string(++p);
    sql += ')';
  }
  return sql;
}

}  // namespace

expected<void, std::string> sqlite_store::prepare_writes() {
  auto i = db_.prepare(insert_sql(1));
  auto m = db_.prepare(insert_sql(rows_per_insert));
  auto o = db_.prepare(
      "INSERT INTO journal_offsets(file, offset) VALUES (?1, ?2) "
      "ON CONFLICT(file) DO UPDATE SET offset = excluded.offset");
  auto d = db_.prepare("DELETE FROM journal_offsets WHERE file = ?1");
  auto h = db_.prepare("UPDATE chain_head SET seq = ?1, hash = ?2 WHERE id = 1");
  auto b = db_.prepare("BEGIN IMMEDIATE");
  auto c = db_.prepare("COMMIT");
  for (auto* r : {&i, &m, &o, &d, &h, &b, &c})
    if (!*r) return unexpected(r->error());
  begin_ = std::move(*b);
  commit_ = std::move(*c);
  insert_one_ = std::move(*i);
  insert_many_ = std::move(*m);
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

// Prepared once: parsing them again for every batch was a noticeable part of
// a small batch's cost.
expected<void, std::string> sqlite_store::begin() { return run(begin_); }
expected<void, std::string> sqlite_store::commit() { return run(commit_); }
void sqlite_store::rollback() noexcept {
  if (!sqlite3_get_autocommit(db_.handle())) (void)db_.exec("ROLLBACK");
}

expected<void, std::string> sqlite_store::insert_events(std::span<const event_row> rows) {
  while (!rows.empty()) {
    std::size_t n = rows.size() >= rows_per_insert ? rows_per_insert : 1;
    sqlite_stmt& s = n > 1 ? insert_many_ : insert_one_;
    for (std::size_t r = 0; r < n; ++r) {
      const event_row& row = rows[r];
      encode_tables(row.ev->tables, tables_text_[r]);
      bind_event_row(s, static_cast<int>(r) * event_column_count + 1,
                     static_cast<std::int64_t>(row.seq), *row.ev, row.outcome, tables_text_[r],
                     row.prev_hash, row.hash);
    }
    int rc = s.step();
    // Every parameter is bound again before the next step: clearing is waste.
    s.reset_keep_bindings();
    if (rc != SQLITE_DONE)
      return unexpected("events from " + std::to_string(rows.front().seq) + ": " +
                        db_.error_text());
    rows = rows.subspan(n);
  }
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
