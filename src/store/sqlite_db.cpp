#include "store/sqlite_db.hpp"

#include <sqlite3.h>

namespace gh::store {

sqlite_stmt& sqlite_stmt::operator=(sqlite_stmt&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    stmt_ = o.stmt_;
    o.stmt_ = nullptr;
  }
  return *this;
}

sqlite_stmt::~sqlite_stmt() { sqlite3_finalize(stmt_); }

// Lengths passed to SQLite are ints; callers bound records far below 2 GiB
// (audit::record_max), so the casts below cannot truncate.
void sqlite_stmt::bind(int i, std::int64_t v) noexcept { sqlite3_bind_int64(stmt_, i, v); }
void sqlite_stmt::bind_text(int i, std::string_view v) noexcept {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}
void sqlite_stmt::bind_text_static(int i, std::string_view v) noexcept {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}
void sqlite_stmt::bind_blob_static(int i, std::string_view v) noexcept {
  sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}
void sqlite_stmt::bind_null(int i) noexcept { sqlite3_bind_null(stmt_, i); }

int sqlite_stmt::step() noexcept { return sqlite3_step(stmt_); }
void sqlite_stmt::reset() noexcept {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}
void sqlite_stmt::reset_keep_bindings() noexcept { sqlite3_reset(stmt_); }

std::int64_t sqlite_stmt::column_int(int c) const noexcept { return sqlite3_column_int64(stmt_, c); }
bool sqlite_stmt::column_is_null(int c) const noexcept {
  return sqlite3_column_type(stmt_, c) == SQLITE_NULL;
}
std::string_view sqlite_stmt::column_text(int c) const noexcept {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
  int n = sqlite3_column_bytes(stmt_, c);  // after _text: the length of that form
  return p ? std::string_view(p, static_cast<std::size_t>(n)) : std::string_view();
}
std::string_view sqlite_stmt::column_blob(int c) const noexcept {
  auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, c));
  int n = sqlite3_column_bytes(stmt_, c);
  return p ? std::string_view(p, static_cast<std::size_t>(n)) : std::string_view();
}

expected<sqlite_db, std::string> sqlite_db::open(const std::string& path, open_mode mode,
                                                 thread_use use) {
  sqlite3* raw = nullptr;
  // Serialized by default: a handle given to other code stays safe even if
  // it is shared across threads.
  int flags = mode == open_mode::read_only ? SQLITE_OPEN_READONLY
                                           : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  flags |= use == thread_use::shared ? SQLITE_OPEN_FULLMUTEX : SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  sqlite_db db(raw);  // owns it even when open failed
  if (rc != SQLITE_OK)
    return unexpected("cannot open " + path + ": " + (raw ? db.error_text() : sqlite3_errstr(rc)));
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  if (mode == open_mode::read_write) {
    // page_size counts only for a new file, before WAL mode writes its
    // header. 16 KiB pages: the audit log grows at its end, and a commit's
    // new rows then take a quarter of the WAL frames (each a write(2)) and a
    // shallower b-tree.
    if (auto r = db.exec("PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                         "PRAGMA foreign_keys=ON;");
        !r)
      return unexpected(path + ": " + r.error());
  }
  return db;
}

sqlite_db& sqlite_db::operator=(sqlite_db&& o) noexcept {
  if (this != &o) {
    sqlite3_close_v2(db_);
    db_ = o.db_;
    o.db_ = nullptr;
  }
  return *this;
}

sqlite_db::~sqlite_db() { sqlite3_close_v2(db_); }

expected<void, std::string> sqlite_db::exec(const char* sql) {
  char* msg = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &msg);
  if (rc == SQLITE_OK) return {};
  std::string text = (msg ? msg : sqlite3_errstr(rc)) + std::string(" (") + std::to_string(rc) + ")";
  sqlite3_free(msg);
  return unexpected(std::move(text));
}

expected<sqlite_stmt, std::string> sqlite_db::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) return unexpected(error_text());
  return sqlite_stmt(s);
}

std::string sqlite_db::error_text() const {
  return std::string(sqlite3_errmsg(db_)) + " (" + std::to_string(sqlite3_extended_errcode(db_)) + ")";
}

}  // namespace gh::store
