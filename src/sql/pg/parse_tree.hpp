// libpg_query behind a value: parse once into its JSON form, read that into
// a Boost.JSON tree held in one arena, free everything on destruction.
// Internal to sql/pg (STYLE.md §6): no header outside this folder includes it.
//
// Why JSON and not libpg_query's protobuf output: measured on this build
// (libpg-query-dev 15-4.0.0), producing the protobuf is about 4x slower than
// producing JSON, before protobuf-c even unpacks it (docs/classification.md,
// "Cost"). The JSON is read by Boost.JSON's non-recursive parser into a
// monotonic arena, so neither reading nor freeing recurses.
//
// Threads: libpg_query keeps its memory contexts per thread (thread-local
// storage), so parse() may run on several threads at once; each thread's
// top context lives until the thread exits.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>

#include "common/expected.hpp"

namespace gh::sql::pg {

struct parse_error {
  std::string message;  // PostgreSQL's own, e.g. `syntax error at or near "SELEC"`
  int cursor = 0;       // 1-based byte position, 0 when unknown
};

class parse_tree {
 public:
  // {"version": ..., "stmts": [{"stmt": {...}, "stmt_len": n}, ...]}
  const boost::json::value& root() const noexcept { return *root_; }

 private:
  parse_tree() = default;
  // The arena outlives the value; the value's destructor does nothing with a
  // monotonic resource (Boost.JSON skips destroying trivially freed trees).
  std::unique_ptr<boost::json::monotonic_resource> arena_;
  std::unique_ptr<boost::json::value> root_;
  friend expected<parse_tree, parse_error> parse(std::string_view sql, std::size_t max_json_depth);
};

// Preconditions: `sql` contains no NUL byte (libpg_query reads a C string),
// and its nesting was bounded (nesting_scan.hpp): libpg_query serialises the
// tree recursively. `max_json_depth` bounds Boost.JSON's own stack.
expected<parse_tree, parse_error> parse(std::string_view sql, std::size_t max_json_depth);

}  // namespace gh::sql::pg
