// The rule for each kind of statement (docs/classification-mysql.md,
// "Statements"): a rule reads the statement's tokens, raises its class in
// `facts` and says what the session must track. Internal to sql/mysql.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sql/classification.hpp"
#include "sql/mysql/classify.hpp"
#include "sql/mysql/query_scan.hpp"
#include "sql/mysql/statement_tokens.hpp"

namespace gh::sql::mysql {

struct statement_rule {
  std::string kind;
  std::string prepared_name;
  // EXECUTE: the class is the prepared statement's, which the session knows;
  // facts then hold what the statement needs besides (the execute floor).
  bool executes = false;
  std::vector<setting_change> settings;
  // A SET sql_mode: how the server lexes the statements after this one.
  std::optional<lex_mode> next_mode;
  bool next_mode_unknown = false;
};

struct rule_context {
  const statement_tokens& s;
  const classify_options& options;
  statement_facts& facts;
  query_scan& scan;
  std::size_t nesting = 0;  // PREPARE / EXECUTE IMMEDIATE text inside text

  void raise(statement_class c, std::string why) { facts.structure.raise(c, std::move(why)); }
};

// The statement starting at token b (after EXPLAIN and the like, b > 0).
statement_rule rule_for(rule_context& c, std::size_t b);

// By family; an empty kind means "not mine".
statement_rule dml_rule(rule_context& c, std::size_t b);      // queries, INSERT, UPDATE, DELETE, LOAD
statement_rule session_rule(rule_context& c, std::size_t b);  // transactions, USE, PREPARE, DO, CALL, LOCK
statement_rule set_rule(rule_context& c, std::size_t b);      // SET in all its forms
statement_rule explain_rule(rule_context& c, std::size_t b);  // SHOW, DESCRIBE, EXPLAIN, ANALYZE stmt
statement_rule ddl_rule(rule_context& c, std::size_t b);      // CREATE, ALTER, DROP, RENAME, TRUNCATE
statement_rule utility_rule(rule_context& c, std::size_t b);  // maintenance, rights, server

// A comma-separated list of table names from i (each may carry trailing
// words up to the next ','); returns the index after the list.
std::size_t table_list(rule_context& c, std::size_t i, bool names_only);
// The tables a routine, trigger or event body names, and unknown when the
// classifier cannot read it. The body's own class does not count: it does
// not run now.
void body_tables(rule_context& c, std::size_t b);

// Classifies SQL text found inside a statement (PREPARE s FROM 'text',
// EXECUTE IMMEDIATE 'text'), lexed with `mode`, one nesting level deeper.
classification classify_text(std::string_view text, const classify_options& options,
                             lex_mode mode, std::size_t nesting);

// The value of a statement's one string literal at i (adjacent literals
// concatenate: 'DEL' 'ETE'), when [i, end) is exactly that; nullopt otherwise.
std::optional<std::string> literal_text(const statement_tokens& s, std::size_t i, std::size_t end);

}  // namespace gh::sql::mysql
