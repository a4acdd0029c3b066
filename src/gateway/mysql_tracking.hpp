// What a MySQL session must know to classify its next statement the way the
// server will read it: the current database (unqualified tables are in it),
// the sql_mode (it changes lexing), the client character set, and whether the
// upstream session is still read-only (the second wall).
//
// The server is the authority: the upstream session runs with
// session_track_schema and session_track_system_variables on, so each OK
// packet says what the command changed, and the SERVER_STATUS_NO_BACKSLASH_ESCAPES
// flag of every OK and EOF says how strings are lexed now. The classifier
// predicts the changes a command makes (USE, SET sql_mode, SET NAMES,
// COM_INIT_DB); a change the server reports that the classifier did not
// predict means the classifier misread the command, and the statements after
// it in the same text may have been misread too: the session must end.
// Pure: fed decoded reports, no I/O (docs/mysql.md, "What the session tracks").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "sql/classification.hpp"
#include "sql/mysql/lexer.hpp"
#include "wire/mysql/generic.hpp"

namespace gh::gateway {

// The system variables the gateway asks the server to report. `read_only`
// is tx_read_only on MariaDB (before 11.1 the only name), transaction_read_only
// on MySQL 8; the upstream code finds which one the server knows.
struct mysql_tracked_names {
  std::string read_only = "tx_read_only";
  // The value of session_track_system_variables the gateway sets.
  std::string track_list() const;
};

// Which changes the command in flight may make.
struct mysql_expected_changes {
  bool database = false;
  bool sql_mode = false;
  bool charset = false;
  // What a text of statements predicts (USE, SET sql_mode / NAMES / character_set_client).
  static mysql_expected_changes of(const sql::classification& cls);
};

class mysql_session_state {
 public:
  // `sql_mode` as the server reported it at connect; false when the
  // classifier cannot lex under it (see lex_mode_of_sql_mode).
  bool start(std::string database, std::string sql_mode, std::string charset, bool read_only,
             mysql_tracked_names names);

  const std::string& database() const noexcept { return database_; }
  const std::string& sql_mode() const noexcept { return sql_mode_; }
  sql::mysql::lex_mode lex() const noexcept { return lex_; }
  bool read_only() const noexcept { return read_only_; }
  const mysql_tracked_names& names() const noexcept { return names_; }

  // The session state an OK packet reports (its raw session_state field).
  // An error names what went wrong; the session must then end. `must_be_read_only`:
  // the session's principal may not write, so the upstream must stay read-only.
  expected<void, std::string> on_reported(std::string_view session_state, const mysql_expected_changes& allowed,
                                          bool must_be_read_only);
  // The status flags of an OK or EOF: a cross-check of the lexing mode.
  expected<void, std::string> on_status(std::uint16_t status) const;

 private:
  expected<void, std::string> on_variable(std::string_view name, std::string_view value,
                                          const mysql_expected_changes& allowed, bool must_be_read_only);

  std::string database_;
  std::string sql_mode_;
  std::string charset_;
  sql::mysql::lex_mode lex_;
  bool read_only_ = false;
  mysql_tracked_names names_;
};

// Whether the classifier's assumptions hold for a character set name
// (utf8mb4, utf8mb3, utf8: bytes >= 0x80 never end in a quote or backslash).
bool mysql_lexable_charset(std::string_view name) noexcept;

}  // namespace gh::gateway
