// Walks a statement's tokens the way the server's grammar nests them, to find
// what a query part does and names: function calls (through the catalogue),
// subqueries, table references (FROM and JOIN lists, with CTE scope), INTO
// OUTFILE/DUMPFILE, locking clauses, sequences. Anything in a table position
// it cannot read makes the statement unknown: a table it missed could be one
// a rule does not cover. Internal to sql/mysql.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sql/mysql/classify.hpp"
#include "sql/mysql/statement_tokens.hpp"

namespace gh::sql::mysql {

// Names of common table expressions in scope: an unqualified table reference
// equal to one (byte for byte) is the CTE, not a table.
using cte_scope = std::vector<std::string>;

class query_scan {
 public:
  query_scan(const statement_tokens& s, const classify_options& options, statement_facts& facts)
      : s_(s), options_(options), facts_(facts) {}

  // [b, e) is (part of) a query: FROM lists name tables; INTO, FOR, LOCK and
  // sequences are checked; a WITH clause extends the scope for what follows.
  void query(std::size_t b, std::size_t e, const cte_scope& scope) { walk(b, e, scope, true); }
  // [b, e) is an expression (function arguments, SET values, ON conditions):
  // FROM and FOR there belong to function syntax (EXTRACT(x FROM y)).
  void expression(std::size_t b, std::size_t e, const cte_scope& scope) {
    walk(b, e, scope, false);
  }
  // A table list (FROM, JOIN, UPDATE's targets, DELETE ... USING) starting at b;
  // returns the index after it.
  std::size_t table_refs(std::size_t b, std::size_t e, const cte_scope& scope);
  // A possibly qualified name (`t`, `db`.`t`) at i: the index after it, or
  // npos when there is none; `out` receives it with quotes removed.
  std::size_t name_at(std::size_t i, std::size_t e, table_name& out) const;
  // A table name at i, reported; npos (and unknown) when there is none.
  std::size_t table_at(std::size_t i, std::size_t e, const cte_scope& scope);
  // A WITH clause at i: walks its CTE bodies, adds their names to `scope`,
  // returns the index after the list. npos when `i` does not open a CTE list.
  std::size_t with_clause(std::size_t i, std::size_t e, cte_scope& scope);
  // Whether [b, e) begins a query (SELECT, WITH, VALUES, TABLE, or '(' query).
  bool is_query(std::size_t b, std::size_t e) const;
  // Marks the statement unknown: something in it is not read.
  void not_modelled(const std::string& why);

 private:
  void walk(std::size_t b, std::size_t e, cte_scope scope, bool query_mode);
  std::size_t word(std::size_t i, std::size_t e, cte_scope& scope, bool query_mode);
  std::size_t group(std::size_t i, const cte_scope& scope);
  bool keyword_here(std::size_t i, const std::string& lower) const;
  std::size_t call(std::size_t i, std::size_t name_end, const cte_scope& scope);
  std::size_t into(std::size_t i, std::size_t e);
  std::size_t locking(std::size_t i, std::size_t e, bool query_mode);
  std::size_t sequence_value(std::size_t i, std::size_t e, const cte_scope& scope);
  std::size_t table_factor(std::size_t i, std::size_t e, const cte_scope& scope);
  std::size_t after_table(std::size_t i, std::size_t e, const cte_scope& scope, bool derived);
  std::size_t join_condition(std::size_t i, std::size_t e, const cte_scope& scope);
  std::size_t index_hints(std::size_t i, std::size_t e);
  bool enter();
  void leave() { --facts_.depth; }

  const statement_tokens& s_;
  const classify_options& options_;
  statement_facts& facts_;
};

// Words that end a table list at its own level.
bool ends_table_list(const statement_tokens& s, std::size_t i);

}  // namespace gh::sql::mysql
