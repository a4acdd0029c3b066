// The class a top-level statement has by its kind alone (docs/classification.md,
// "Statements"); tree_walk adds what its parts do. Internal to sql/pg.
#pragma once

#include <string>
#include <vector>

#include "sql/classification.hpp"
#include "sql/pg/json_node.hpp"
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

statement_rule make_rule(statement_class c, std::string kind, std::string reason);

// Queries, EXPLAIN, COPY, prepared statements, cursors, CALL, DO; the others
// through session_rule and utility_rule. `facts` receives what the rule
// itself finds (tables named by lists rather than RangeVars: DROP TABLE).
statement_rule rule_for(const json::value* stmt, statement_facts& facts,
                        const classify_options& options);

// SET/RESET/SHOW, transaction control, DISCARD, LISTEN/NOTIFY, LOCK, LOAD,
// CHECKPOINT. An empty kind when `stmt` is none of them.
statement_rule session_rule(const node& stmt);

// DDL, rights, server objects and maintenance; `unknown` for anything else.
statement_rule utility_rule(const node& stmt, statement_facts& facts);

}  // namespace gh::sql::pg
