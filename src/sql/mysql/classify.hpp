// The MySQL/MariaDB statement classifier: text in, gh::sql::classification
// out. A hand-written lexer (lexer.hpp) and rules that fail closed: what is
// not positively known to be a read is not a read; what the classifier cannot
// lex or does not model is `unknown`. Rules: docs/classification-mysql.md.
//
// Contract:
//  * classify() never throws and never crashes, whatever the bytes. Text over
//    `max_statement_bytes` or nested deeper than `max_depth` is `unknown`.
//  * Every statement of a multi-statement string is classified; the string
//    takes the strictest class, and the reason of the statement that set it.
//    A SET sql_mode to a known value changes how the statements after it in
//    the same string are lexed, as on the server.
//  * Threads: safe from several threads at once; nothing is shared.
//
// What the session tracks (it reads statement_info):
//  * kind "use": settings {"database", name}. Unqualified tables of later
//    statements are in that database (table_name.schema is empty for them).
//  * kind "set_sql_mode": settings {"sql_mode", value} (value as written,
//    nullopt for DEFAULT: the server's global value). The session lexes its
//    next statements with lex_mode_of_sql_mode(value) (options.sql_mode).
//  * settings {"character_set_client", name} from SET NAMES / CHARACTER SET:
//    only utf8mb4, utf8mb3 and utf8 are reads (classify assumes them).
//  * kind "prepare" (PREPARE s FROM 'text'): prepared_name "s" (lower case:
//    statement names ignore case), class of the text. The session records it.
//  * kind "execute" (EXECUTE s [USING ...]): class unknown, prepared_name "s",
//    execute_floor = what its USING expressions need. The session substitutes
//    strictest(execute_floor, class recorded for s); an unrecorded s stays
//    unknown. PREPARE s FROM @var or an expression is unknown.
//  * kind "deallocate": a read with prepared_name "s".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sql/classification.hpp"
#include "sql/mysql/lexer.hpp"

namespace gh::sql::mysql {

struct classify_options {
  // The session's sql_mode flags that change lexing (NO_BACKSLASH_ESCAPES,
  // ANSI_QUOTES), as the session tracks them.
  lex_mode sql_mode;
  // Stored functions and procedures the connection declares read-only:
  // "name" (unqualified calls) or "db.name", compared ignoring ASCII case.
  // They cannot turn a built-in that is not a read into one.
  std::vector<std::string> read_functions;
  std::size_t max_statement_bytes = std::size_t{1} << 20;
  // Parenthesis and PREPARE nesting; hand-written queries stay far below.
  std::size_t max_depth = 200;
};

// Never throws. See the contract above.
classification classify(std::string_view sql, const classify_options& options);

// A stable fingerprint of the options, for caches keyed by statement text.
std::uint64_t options_fingerprint(const classify_options& options) noexcept;

// The lexing flags of an sql_mode value ("ANSI_QUOTES,STRICT_TRANS_TABLES",
// case-insensitive; combination modes ANSI, DB2, MAXDB, POSTGRESQL included).
// nullopt when the classifier cannot lex under it: ORACLE (another grammar),
// MSSQL (MariaDB then reads [name] as an identifier), a name it does not
// know, or a number (a bit mask that differs between MariaDB and MySQL).
std::optional<lex_mode> lex_mode_of_sql_mode(std::string_view value);

}  // namespace gh::sql::mysql
