// The PostgreSQL statement classifier: text in, gh::sql::classification out.
// Parsing is PostgreSQL 15's own grammar (libpg_query); the rules are in
// docs/classification.md.
//
// Contract:
//  * classify() never throws and never crashes, whatever the bytes. What it
//    cannot parse or does not model is `unknown`, with a reason. Text over
//    `max_statement_bytes`, containing a NUL byte, or nested deeper than
//    `max_depth` (a lexical bound checked before the parser runs, see
//    nesting_scan.hpp) is `unknown` without being parsed.
//  * Every statement of a multi-statement string is classified; the string
//    takes the strictest class, and the reason of the statement that set it.
//  * Threads: safe to call from several threads at once. libpg_query keeps
//    its memory contexts per thread; nothing here is shared or global. Each
//    call needs up to 512 KiB of stack at the default max_depth (tested in
//    tests/sql/pg_depth_test.cpp); std::thread (and so Asio) stacks are
//    8 MiB on Linux.
//
// Prepared statements (the session's side of the contract):
//  * `PREPARE p AS stmt` has kind "prepare", prepared_name "p", and the class
//    of stmt. The session records that class under "p".
//  * `EXECUTE p(args)` has kind "execute", prepared_name "p", class `unknown`
//    with reason "executes prepared statement p", and `execute_floor` = the
//    class its arguments need. The session substitutes
//    strictest(execute_floor, recorded class of p); a name it never recorded
//    stays unknown. EXPLAIN [ANALYZE] EXECUTE follows the same contract;
//    CREATE TABLE AS EXECUTE is unknown (kind "create_table_as").
//  * `DEALLOCATE p` is a read with prepared_name "p" (empty for ALL).
//  Statements named by the extended protocol's Parse share this namespace:
//  `EXECUTE p` may run a statement the client prepared with Parse, so the
//  session records the class of those under their names too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sql/classification.hpp"

namespace gh::sql::pg {

struct classify_options {
  // User-defined functions (and operators) the connection declares read-only,
  // compared with the name as the statement writes it after the parser's
  // case folding: "app.report_total", or "report_total" for unqualified calls.
  // They cannot turn a built-in that is not a read into one.
  std::vector<std::string> read_functions;
  std::size_t max_statement_bytes = std::size_t{1} << 20;
  // Bound on nesting_bound(). At 1000 the deepest tree the grammar can build
  // needs about 320 KiB of stack to serialise and walk (pg_depth_test.cpp
  // runs every family at the limit on 512 KiB); hand-written and ORM queries
  // stay far below 100.
  std::size_t max_depth = 1000;
};

// Never throws. See the contract above.
classification classify(std::string_view sql, const classify_options& options);

// A stable fingerprint of the options, for caches keyed by statement text
// (classification_cache): two option sets that classify differently differ.
std::uint64_t options_fingerprint(const classify_options& options) noexcept;

}  // namespace gh::sql::pg
