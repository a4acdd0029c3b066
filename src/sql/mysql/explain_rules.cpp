// Statements that describe: SHOW, DESCRIBE / DESC / EXPLAIN, and MariaDB's
// ANALYZE <statement>, which runs the statement.
#include "sql/mysql/statement_rules.hpp"

namespace gh::sql::mysql {
namespace {

bool starts_dml(const statement_tokens& s, std::size_t i) {
  return s.is_open(i) || s.is(i, "SELECT") || s.is(i, "WITH") || s.is(i, "VALUES") ||
         s.is(i, "TABLE") || s.is(i, "INSERT") || s.is(i, "REPLACE") || s.is(i, "UPDATE") ||
         s.is(i, "DELETE");
}

// FORMAT = name
std::size_t skip_format(const statement_tokens& s, std::size_t i) {
  if (s.is(i, "FORMAT") && s.is_punct(i + 1, "=") && i + 2 < s.size()) return i + 3;
  return i;
}

// The statement after EXPLAIN / ANALYZE, classified whole. Plain EXPLAIN
// does not run it, but MariaDB refuses EXPLAIN of a write (and of a locking
// read) in a read-only transaction all the same, so EXPLAIN takes the class
// of what it explains: the second wall and the classifier then agree.
statement_rule explained(rule_context& c, std::size_t i, bool runs) {
  if (!starts_dml(c.s, i)) {
    c.scan.not_modelled("EXPLAIN of a statement the server does not explain");
    return {"explain"};
  }
  dml_rule(c, i);
  return {runs ? "explain_analyze" : "explain"};
}

// SHOW COLUMNS|FIELDS|INDEX|INDEXES|KEYS FROM|IN t [FROM|IN db]: the table.
void show_table(rule_context& c, std::size_t i) {
  const auto& s = c.s;
  if (!(s.is(i, "FROM") || s.is(i, "IN"))) return;
  table_name t;
  std::size_t j = c.scan.name_at(i + 1, s.size(), t);
  if (j == npos) return c.scan.not_modelled("SHOW of a table the classifier does not read");
  if ((s.is(j, "FROM") || s.is(j, "IN")) && j + 1 < s.size() && t.schema.empty())
    t.schema = identifier_value(s[j + 1], s.mode);
  c.facts.add_table(std::move(t));
}

// What shows other sessions' statements (every principal of a connection
// shares one database user) reports the catalog view it reads, so that a
// table-restricted rule must name that view (policy/match.hpp).
void other_sessions(rule_context& c, std::string_view view) {
  c.facts.add_table(table_name{"information_schema", std::string(view)});
}

statement_rule show_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  c.raise(statement_class::read, "SHOW reads metadata or server state");
  std::size_t i = b + 1;
  if (s.is(i, "PROCESSLIST") || (s.is(i, "FULL") && s.is(i + 1, "PROCESSLIST")) ||
      ((s.is(i, "EXPLAIN") || s.is(i, "ANALYZE")) && s.is(skip_format(s, i + 1), "FOR")))
    other_sessions(c, "processlist");  // SHOW EXPLAIN/ANALYZE FOR thread: another session's plan
  if (s.is(i, "ENGINE") && !s.is(i + 1, "PERFORMANCE_SCHEMA"))
    other_sessions(c, "innodb_trx");  // INNODB STATUS lists transactions and their statements
  if (s.is(i, "CREATE") && (s.is(i + 1, "TABLE") || s.is(i + 1, "VIEW") || s.is(i + 1, "SEQUENCE"))) {
    c.scan.table_at(i + 2, s.size(), {});
  } else {
    while (s.is(i, "FULL") || s.is(i, "EXTENDED")) ++i;
    if (s.is(i, "COLUMNS") || s.is(i, "FIELDS") || s.is(i, "INDEX") || s.is(i, "INDEXES") ||
        s.is(i, "KEYS"))
      show_table(c, i + 1);
  }
  // SHOW ... WHERE expr, SHOW GRANTS FOR CURRENT_USER(): the calls count.
  for (std::size_t k = b + 1; k < s.size(); ++k) {
    if (s.is(k, "WHERE")) {
      c.scan.expression(k + 1, s.size(), {});
      break;
    }
    if (s.is_open(k + 1) && s[k].kind == token_kind::word) {
      c.scan.expression(k, s.after_group(k + 1), {});
      k = s.partner[k + 1];
    }
  }
  return {"show"};
}

statement_rule describe_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  std::size_t i = b + 1;
  bool runs = false;
  if (s.is(i, "EXTENDED") || s.is(i, "PARTITIONS")) ++i;
  if (s.is(i, "ANALYZE")) {  // MySQL 8: EXPLAIN ANALYZE runs the statement
    runs = true;
    ++i;
  }
  i = skip_format(s, i);
  if (s.is(i, "FOR") && s.is(i + 1, "CONNECTION")) {
    c.raise(statement_class::read, "EXPLAIN FOR CONNECTION shows another session's plan");
    other_sessions(c, "processlist");
    return {"explain"};
  }
  if (starts_dml(s, i)) {
    c.raise(statement_class::read, runs ? "EXPLAIN ANALYZE runs the statement" : "EXPLAIN plans a query");
    return explained(c, i, runs);
  }
  c.raise(statement_class::read, "DESCRIBE reads a table's columns");
  if (c.scan.table_at(i, s.size(), {}) == npos) return {"describe"};
  return {"describe"};
}

statement_rule analyze_rule(rule_context& c, std::size_t b) {
  const std::size_t i = skip_format(c.s, b + 1);
  c.raise(statement_class::read, "ANALYZE runs the statement and reports its plan");
  return explained(c, i, true);
}

}  // namespace

statement_rule explain_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  if (s.is(b, "SHOW")) return show_rule(c, b);
  if (s.is(b, "DESCRIBE") || s.is(b, "DESC") || s.is(b, "EXPLAIN")) return describe_rule(c, b);
  if (s.is(b, "ANALYZE") && !s.is(b + 1, "TABLE") && !s.is(b + 1, "NO_WRITE_TO_BINLOG") &&
      !s.is(b + 1, "LOCAL"))
    return analyze_rule(c, b);
  return {};
}

}  // namespace gh::sql::mysql
