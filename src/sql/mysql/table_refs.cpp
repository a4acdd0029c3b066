// Table lists: FROM, JOIN, UPDATE's targets, DELETE ... USING.
// https://mariadb.com/kb/en/join-syntax/ , https://dev.mysql.com/doc/refman/8.0/en/join.html
#include "sql/mysql/keywords.hpp"
#include "sql/mysql/query_scan.hpp"

namespace gh::sql::mysql {
namespace {

bool is_join_modifier(const statement_tokens& s, std::size_t i) {
  if (s.is(i, "INNER") || s.is(i, "CROSS") || s.is(i, "NATURAL") || s.is(i, "FULL") ||
      s.is(i, "OUTER"))
    return true;
  return (s.is(i, "LEFT") || s.is(i, "RIGHT")) && !s.is_open(i + 1);  // not LEFT(s, 2)
}

bool is_join(const statement_tokens& s, std::size_t i) {
  return s.is(i, "JOIN") || s.is(i, "STRAIGHT_JOIN");
}

bool is_hint_verb(const statement_tokens& s, std::size_t i) {
  return (s.is(i, "USE") || s.is(i, "IGNORE") || s.is(i, "FORCE")) &&
         (s.is(i + 1, "INDEX") || s.is(i + 1, "KEY"));
}

// The clauses that may follow a table list (and so end one): SELECT, DELETE,
// UPDATE and INSERT ... SELECT ... ON DUPLICATE KEY UPDATE. A table list that
// stops anywhere else stopped on a word the classifier misread (an alias it
// took for a keyword), and the tables after it would go unreported.
bool is_clause_after_tables(const statement_tokens& s, std::size_t i) {
  static constexpr std::string_view clauses[] = {
      "WHERE", "GROUP", "HAVING", "ORDER",     "LIMIT", "WINDOW", "UNION", "EXCEPT",
      "INTERSECT", "MINUS", "INTO", "FOR", "LOCK", "PROCEDURE", "SET", "RETURNING", "FETCH",
      "OFFSET"};
  if (s.is_punct(i - 1, ".") || s.is_punct(i + 1, ".")) return false;  // a qualified name
  for (std::string_view c : clauses)
    if (s.is(i, c)) return true;
  if (s.is(i, "WITH"))  // CREATE VIEW ... WITH [CASCADED | LOCAL] CHECK OPTION
    return s.is(i + 1, "CHECK") || s.is(i + 1, "CASCADED") || s.is(i + 1, "LOCAL");
  return s.is(i, "ON") && s.is(i + 1, "DUPLICATE");
}

// Where a join condition (an expression) may end: the next table, join,
// nested condition or clause.
bool ends_join_condition(const statement_tokens& s, std::size_t i) {
  if (s.is_punct(i, ",") || s.is_punct(i, ")")) return true;
  if (s.is_punct(i - 1, ".") || s.is_punct(i + 1, ".")) return false;  // alias.column
  return is_join(s, i) || is_join_modifier(s, i) || s.is(i, "ON") || s.is(i, "USING") ||
         is_clause_after_tables(s, i);
}

}  // namespace

std::size_t query_scan::table_refs(std::size_t b, std::size_t e, const cte_scope& scope) {
  if (!enter()) return e;
  std::size_t i = b;
  for (;;) {
    i = table_factor(i, e, scope);
    if (i == npos) break;
    for (;;) {
      std::size_t j = i;
      while (j < e && is_join_modifier(s_, j)) ++j;
      if (!is_join(s_, j)) {
        if (j != i) not_modelled("a join the classifier does not read");
        break;
      }
      i = table_factor(j + 1, e, scope);
      if (i == npos) break;
      if (s_.is(i, "ON") && !s_.is(i + 1, "DUPLICATE")) {
        // t1 JOIN t2 JOIN t3 ON c23 ON c12: nested conditions, innermost first.
        while (i != npos && i < e && s_.is(i, "ON") && !s_.is(i + 1, "DUPLICATE"))
          i = join_condition(i + 1, e, scope);
      } else if (s_.is(i, "USING") && s_.is_open(i + 1)) {
        i = s_.after_group(i + 1);
      }
    }
    if (i == npos || !s_.is_punct(i, ",") || i >= e) break;
    ++i;
  }
  // Fail closed: a list that stops on a token it does not expect may have
  // tables after that token.
  if (i != npos && i < e && !is_clause_after_tables(s_, i))
    not_modelled("the table list stops at '" + std::string(s_[i].text) +
                 "', which the classifier does not expect after a table");
  leave();
  return i == npos ? e : i;
}

std::size_t query_scan::table_factor(std::size_t i, std::size_t e, const cte_scope& scope) {
  if (i >= e) {
    not_modelled("a table list ends where a table belongs");
    return npos;
  }
  if (s_.is_open(i)) {
    const std::size_t close = s_.partner[i];
    if (is_query(i + 1, close)) {
      query(i + 1, close, scope);
      return after_table(close + 1, e, scope, true);
    }
    if (table_refs(i + 1, close, scope) != close) {
      not_modelled("a parenthesised table list the classifier does not read");
      return npos;
    }
    return after_table(close + 1, e, scope, false);
  }
  if (s_.is(i, "LATERAL") && s_.is_open(i + 1)) {
    query(i + 2, s_.partner[i + 1], scope);
    return after_table(s_.after_group(i + 1), e, scope, true);
  }
  if (s_.is(i, "JSON_TABLE") && s_.is_open(i + 1)) {
    facts_.add_function("json_table");  // the built-in table function, here only
    expression(i + 2, s_.partner[i + 1], scope);
    return after_table(s_.after_group(i + 1), e, scope, false);
  }
  if (s_.is(i, "DUAL")) return i + 1;
  const std::size_t j = table_at(i, e, scope);
  if (j == npos) return npos;
  return after_table(j, e, scope, false);
}

std::size_t query_scan::after_table(std::size_t i, std::size_t e, const cte_scope& scope,
                                    bool derived) {
  if (s_.is(i, "PARTITION") && s_.is_open(i + 1)) i = s_.after_group(i + 1);
  if (s_.is(i, "FOR") && s_.is(i + 1, "SYSTEM_TIME")) {
    // MariaDB system versioning: AS OF expr | BETWEEN expr AND expr | FROM expr TO expr | ALL.
    std::size_t k = i + 2;
    if (s_.is(k, "AS") && s_.is(k + 1, "OF")) k += 2;
    const std::size_t from = k;
    while (k < e && !ends_table_list(s_, k) && !s_.is(k, "AS") && !s_.is_punct(k, ",") &&
           !is_join(s_, k) && !is_join_modifier(s_, k))
      k = s_.is_open(k) ? s_.after_group(k) : k + 1;
    expression(from, k, scope);
    i = k;
  }
  if (s_.is(i, "AS")) {
    ++i;
    if (i < e && (s_[i].kind == token_kind::word || s_[i].kind == token_kind::quoted_identifier ||
                  s_[i].kind == token_kind::string)) {
      facts_.aliases.push_back(identifier_value(s_[i], s_.mode));
      ++i;
    }
  } else if (i < e && (s_[i].kind == token_kind::quoted_identifier ||
                       (s_[i].kind == token_kind::word && !is_reserved(to_upper(s_[i].text))))) {
    facts_.aliases.push_back(identifier_value(s_[i], s_.mode));
    ++i;
  }
  if (derived && s_.is_open(i)) i = s_.after_group(i);  // (SELECT ...) AS x (a, b)
  return index_hints(i, e);
}

std::size_t query_scan::join_condition(std::size_t i, std::size_t e, const cte_scope& scope) {
  std::size_t k = i;
  while (k < e && !ends_join_condition(s_, k)) k = s_.is_open(k) ? s_.after_group(k) : k + 1;
  expression(i, k, scope);
  return k;
}

std::size_t query_scan::index_hints(std::size_t i, std::size_t e) {
  while (i < e && is_hint_verb(s_, i)) {
    std::size_t j = i + 2;
    if (s_.is(j, "FOR")) {
      if (s_.is(j + 1, "JOIN")) {
        j += 2;
      } else if ((s_.is(j + 1, "ORDER") || s_.is(j + 1, "GROUP")) && s_.is(j + 2, "BY")) {
        j += 3;
      } else {
        not_modelled("an index hint the classifier does not read");
        return e;
      }
    }
    if (!s_.is_open(j)) {
      not_modelled("an index hint without its index list");
      return e;
    }
    i = s_.after_group(j);
    if (s_.is_punct(i, ",") && is_hint_verb(s_, i + 1)) ++i;
  }
  return i;
}

}  // namespace gh::sql::mysql
