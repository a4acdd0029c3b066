// libpg_query behind a value: parse once, own the unpacked protobuf tree, free
// everything on destruction. Internal to sql/pg (STYLE.md §6): no header
// outside this folder includes it.
//
// Threads: libpg_query keeps its memory contexts per thread (thread-local
// storage), so parse() may run on several threads at once; each thread's
// top context lives until the thread exits.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <pg_query/pg_query.pb-c.h>

#include "common/expected.hpp"

namespace gh::sql::pg {

struct parse_error {
  std::string message;  // PostgreSQL's own, e.g. `syntax error at or near "SELEC"`
  int cursor = 0;       // 1-based byte position, 0 when unknown
};

class parse_tree {
 public:
  const PgQuery__ParseResult& result() const noexcept { return *tree_; }

 private:
  struct free_tree {
    void operator()(PgQuery__ParseResult* t) const noexcept;
  };
  explicit parse_tree(PgQuery__ParseResult* t) : tree_(t) {}
  std::unique_ptr<PgQuery__ParseResult, free_tree> tree_;
  friend expected<parse_tree, parse_error> parse(std::string_view sql);
};

// Precondition: `sql` contains no NUL byte (libpg_query reads a C string).
expected<parse_tree, parse_error> parse(std::string_view sql);

}  // namespace gh::sql::pg
