// A thin RAII layer over SQLite: a connection opened the way every Gatehouse
// store connection is (WAL, synchronous=NORMAL, busy_timeout, foreign keys)
// and prepared statements. Shared by the audit store and, in the same file,
// reviews and grants. Errors are values; nothing here throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/expected.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace gh::store {

enum class open_mode : std::uint8_t {
  read_write,  // creates the file; sets WAL mode
  read_only,   // for `audit search` / `audit verify`: never writes the file
};

// Who may use a connection. SQLite's default (serialized) takes the
// connection's mutex in every call, binds included; a connection that one
// owner uses from one thread at a time does not need it.
enum class thread_use : std::uint8_t {
  shared,        // any thread, any time (SQLite's serialized mode)
  one_at_a_time, // one thread at a time, the owner serialising (multi-thread mode)
};

// A prepared statement. Bind indexes start at 1, column indexes at 0.
class sqlite_stmt {
 public:
  sqlite_stmt() = default;
  explicit sqlite_stmt(sqlite3_stmt* s) noexcept : stmt_(s) {}
  sqlite_stmt(sqlite_stmt&& o) noexcept : stmt_(o.stmt_) { o.stmt_ = nullptr; }
  sqlite_stmt& operator=(sqlite_stmt&& o) noexcept;
  sqlite_stmt(const sqlite_stmt&) = delete;
  sqlite_stmt& operator=(const sqlite_stmt&) = delete;
  ~sqlite_stmt();

  sqlite3_stmt* get() const noexcept { return stmt_; }

  // SQLite copies the bytes (SQLITE_TRANSIENT) unless stated otherwise.
  void bind(int i, std::int64_t v) noexcept;
  void bind_text(int i, std::string_view v) noexcept;
  // Binds without copying: `v` must outlive the next step().
  void bind_text_static(int i, std::string_view v) noexcept;
  void bind_blob_static(int i, std::string_view v) noexcept;
  void bind_null(int i) noexcept;

  // SQLITE_ROW, SQLITE_DONE, or an error code.
  int step() noexcept;
  // Ready for the next execution; bindings are cleared.
  void reset() noexcept;
  // Ready for the next execution, bindings kept (static ones still point at
  // the caller's bytes): for a statement whose every parameter is bound
  // again before each step.
  void reset_keep_bindings() noexcept;

  std::int64_t column_int(int c) const noexcept;
  bool column_is_null(int c) const noexcept;
  // Valid until the next step() or reset().
  std::string_view column_text(int c) const noexcept;
  std::string_view column_blob(int c) const noexcept;

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

class sqlite_db {
 public:
  // Opens `path`. read_write sets journal_mode=WAL and synchronous=NORMAL
  // (durable at each checkpoint, never corrupt on a crash); both modes set a
  // busy_timeout so that the gateway's connections wait for each other.
  static expected<sqlite_db, std::string> open(const std::string& path, open_mode mode,
                                               thread_use use = thread_use::shared);

  sqlite_db(sqlite_db&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  sqlite_db& operator=(sqlite_db&& o) noexcept;
  sqlite_db(const sqlite_db&) = delete;
  sqlite_db& operator=(const sqlite_db&) = delete;
  ~sqlite_db();

  // For code that needs the raw API (reviews, grants): do not close it.
  sqlite3* handle() const noexcept { return db_; }

  // Runs one or more statements that return no rows.
  expected<void, std::string> exec(const char* sql);
  expected<sqlite_stmt, std::string> prepare(std::string_view sql);
  // The connection's last error, "what (code)".
  std::string error_text() const;

 private:
  explicit sqlite_db(sqlite3* db) noexcept : db_(db) {}
  sqlite3* db_ = nullptr;
};

inline constexpr int busy_timeout_ms = 5000;

}  // namespace gh::store
