// The class a top-level statement has by its kind alone (docs/classification.md,
// "Statements"); tree_walk adds what its parts do. Internal to sql/pg.
#pragma once

#include <string>
#include <vector>

#include <pg_query/pg_query.pb-c.h>

#include "sql/classification.hpp"
#include "sql/pg/tree_walk.hpp"

namespace gh::sql::pg {

struct statement_rule {
  statement_class cls = statement_class::unknown;
  std::string kind;
  std::string reason;
  // EXPLAIN without ANALYZE: nothing runs but the planner, which may fold
  // function calls; only the calls' effects count, not the statement's own.
  bool plan_only = false;
  // Non-empty: the statement runs this prepared statement (EXECUTE
  // contract in classify.hpp); `cls` is then the execute floor.
  std::string executes;
  std::string prepared_name;
  std::vector<setting_change> settings;
};

// `facts` receives what the rule itself finds (tables named by lists rather
// than RangeVars, as in DROP TABLE). Queries, EXPLAIN, COPY, prepared
// statements, cursors, CALL, DO.
statement_rule rule_for(const PgQuery__Node* stmt, statement_facts& facts,
                        const classify_options& options);

// SET/RESET/SHOW, transaction control, DISCARD, LISTEN/NOTIFY, LOCK, LOAD,
// CHECKPOINT; nullopt-like empty kind when `stmt` is none of them.
statement_rule session_rule(const PgQuery__Node* stmt);

// DDL, rights, server objects and maintenance; `unknown` for anything else.
statement_rule utility_rule(const PgQuery__Node* stmt, statement_facts& facts);

}  // namespace gh::sql::pg
