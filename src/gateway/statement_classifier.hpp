// Classification with a per-worker cache in front of the parser: agents and
// drivers repeat statements, so most lookups never reach libpg_query (or the
// MySQL classifier).
#pragma once

#include <memory>
#include <string_view>

#include "sql/classification.hpp"
#include "sql/mysql/classify.hpp"
#include "sql/pg/classify.hpp"

namespace gh::gateway {

class statement_classifier {
 public:
  statement_classifier();
  ~statement_classifier();
  // The classification of `sql` under `options` (a connection's
  // read_functions and the limits), identified by `options_id` in the cache key.
  std::shared_ptr<const sql::classification> classify(std::string_view sql, const void* options_id,
                                                      const sql::pg::classify_options& options);
  // The MySQL dialect, cached by text and lexing mode. Everything in
  // `options` but sql_mode must be the same for one `options_id` (a
  // connection's read_functions).
  std::shared_ptr<const sql::classification> classify_mysql(std::string_view sql, const void* options_id,
                                                            const sql::mysql::classify_options& options);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace gh::gateway
