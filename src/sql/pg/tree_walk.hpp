// One pass over every node of a statement's parse tree, generic over the
// JSON shape (json_node.hpp), so no node type can be missed when a grammar
// version adds one. It collects what the statement touches and does: tables
// (RangeVar, minus references to CTEs in scope), function calls, operators,
// nested data-modifying statements, row locks, SELECT INTO.
// Internal to sql/pg.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sql/classification.hpp"
#include "sql/pg/classify.hpp"
#include "sql/pg/json_node.hpp"

namespace gh::sql::pg {

// The strictest class seen so far and the first reason given for it.
struct effect {
  statement_class cls = statement_class::read;
  std::string reason;
  void raise(statement_class c, std::string_view why);
  void raise(const effect& other) { raise(other.cls, other.reason); }
};

struct statement_facts {
  effect structure;  // nested INSERT/UPDATE/DELETE/MERGE, row locks, SELECT INTO
  effect calls;      // functions, operators, sampling methods
  std::vector<table_name> tables;
  std::vector<std::string> functions;
  std::vector<setting_change> settings;  // from set_config() with constant arguments
  bool too_deep = false;

  void add_table(table_name t);
  void add_function(std::string name);
};

// Walks `root` (a statement node, or any part of one) into `facts`.
void walk(const json::value& root, const classify_options& options, statement_facts& facts);

// How a function called by this name is classified.
effect function_effect(const std::vector<std::string_view>& parts, const classify_options& options);

}  // namespace gh::sql::pg
