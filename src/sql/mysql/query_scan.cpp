#include "sql/mysql/query_scan.hpp"

#include <algorithm>

#include "sql/mysql/function_catalogue.hpp"
#include "sql/mysql/keywords.hpp"

namespace gh::sql::mysql {
namespace {

bool is_name_token(const token& t) {
  return t.kind == token_kind::word || t.kind == token_kind::quoted_identifier;
}

// Statements that cannot stand inside a query: seeing one there means the
// text is not what it looks like.
constexpr std::string_view foreign_statements[] = {
    "ALTER", "CALL", "CREATE", "DELETE", "DROP", "GRANT", "HANDLER", "INSERT",
    "LOAD", "RENAME", "REPLACE", "REVOKE", "TRUNCATE", "UPDATE",
};

bool read_function_declared(const classify_options& o, const std::string& schema,
                            std::string_view lower_name) {
  for (const auto& f : o.read_functions) {
    const auto dot = f.find('.');
    const std::string_view fs = dot == std::string::npos ? std::string_view() : std::string_view(f).substr(0, dot);
    const std::string_view fn = dot == std::string::npos ? std::string_view(f) : std::string_view(f).substr(dot + 1);
    if (fs == schema && to_lower(fn) == lower_name) return true;
  }
  return false;
}

}  // namespace

bool ends_table_list(const statement_tokens& s, std::size_t i) {
  if (i >= s.size()) return true;
  if (s.is_punct(i, ")")) return true;
  static constexpr std::string_view clauses[] = {
      "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "WINDOW", "UNION", "EXCEPT", "INTERSECT",
      "MINUS", "INTO", "FOR", "LOCK", "PROCEDURE", "SET", "USING", "ON", "RETURNING", "FETCH",
      "OFFSET", "SELECT", "VALUES", "VALUE"};
  for (std::string_view c : clauses)
    if (s.is(i, c)) return true;
  return false;
}

void query_scan::not_modelled(const std::string& why) {
  facts_.structure.raise(statement_class::unknown, why);
}

bool query_scan::enter() {
  if (facts_.depth >= options_.max_depth) {
    facts_.too_deep = true;
    return false;
  }
  ++facts_.depth;
  return true;
}

bool query_scan::is_query(std::size_t b, std::size_t e) const {
  while (b < e && s_.is_open(b)) {
    e = s_.partner[b];
    ++b;
  }
  return b < e && (s_.is(b, "SELECT") || s_.is(b, "WITH") || s_.is(b, "VALUES") || s_.is(b, "TABLE"));
}

void query_scan::walk(std::size_t b, std::size_t e, cte_scope scope, bool query_mode) {
  if (!enter()) return;
  std::size_t i = b;
  while (i < e) {
    const token& t = s_[i];
    if (s_.is_open(i)) {
      i = group(i, scope);
    } else if (t.kind == token_kind::word) {
      i = word(i, e, scope, query_mode);
    } else if (t.kind == token_kind::quoted_identifier) {
      if (s_.is_punct(i + 1, ".") && i + 2 < e && is_name_token(s_[i + 2]) && s_.is_open(i + 3))
        i = call(i, i + 3, scope);
      else if (s_.is_open(i + 1))
        i = call(i, i + 1, scope);
      else
        ++i;
    } else {
      ++i;
    }
  }
  leave();
}

// Whether the word at i, followed by '(', is a keyword here rather than a
// call. Some words are keywords only in one place, and MariaDB calls a
// stored function of that name anywhere else (`SELECT 1 + against(1)`).
bool query_scan::keyword_here(std::size_t i, const std::string& lower) const {
  if (!is_keyword_before_parenthesis(lower)) return false;
  if (lower == "against") {  // MATCH (columns) AGAINST (...)
    return i >= 2 && s_.is_punct(i - 1, ")") && s_.partner[i - 1] >= 1 &&
           s_.is(s_.partner[i - 1] - 1, "MATCH");
  }
  if (lower == "columns") return i >= 1 && s_[i - 1].kind == token_kind::string;  // JSON_TABLE path
  if (lower == "of") return s_.is(i - 1, "MEMBER") || s_.is(i - 1, "AS");
  if (lower == "sql_buffer_result" || lower == "sql_cache" || lower == "sql_no_cache") {
    // Select options: only right after SELECT or another option.
    static constexpr std::string_view options[] = {
        "SELECT", "ALL", "DISTINCT", "DISTINCTROW", "HIGH_PRIORITY", "STRAIGHT_JOIN",
        "SQL_SMALL_RESULT", "SQL_BIG_RESULT", "SQL_BUFFER_RESULT", "SQL_CACHE", "SQL_NO_CACHE",
        "SQL_CALC_FOUND_ROWS"};
    for (std::string_view o : options)
      if (s_.is(i - 1, o)) return true;
    return false;
  }
  return true;
}

std::size_t query_scan::group(std::size_t i, const cte_scope& scope) {
  const std::size_t close = s_.partner[i];
  walk(i + 1, close, scope, is_query(i + 1, close));
  return close + 1;
}

std::size_t query_scan::word(std::size_t i, std::size_t e, cte_scope& scope, bool query_mode) {
  if (s_.is_punct(i + 1, ".") && i + 2 < e && is_name_token(s_[i + 2]) && s_.is_open(i + 3))
    return call(i, i + 3, scope);  // db.f(...): a stored function
  const std::string lower = to_lower(s_[i].text);
  if (s_.is_open(i + 1) && (s_.is_punct(i - 1, ".") || !keyword_here(i, lower)))
    return call(i, i + 1, scope);
  const std::string upper = to_upper(s_[i].text);
  if (query_mode) {
    if (upper == "FROM" || upper == "JOIN" || upper == "STRAIGHT_JOIN")
      return table_refs(i + 1, e, scope);
    if (upper == "TABLE" && i + 1 < e && is_name_token(s_[i + 1])) {
      const std::size_t j = table_at(i + 1, e, scope);
      return j == npos ? e : j;
    }
    if (upper == "WITH") {
      const std::size_t j = with_clause(i, e, scope);
      return j == npos ? i + 1 : j;
    }
  }
  if (upper == "FOR") return locking(i, e, query_mode);
  if (upper == "INTO") return into(i, e);
  if (upper == "NEXT" || upper == "PREVIOUS") return sequence_value(i, e, scope);
  if (upper == "LOCK") {
    if (s_.is(i + 1, "IN") && s_.is(i + 2, "SHARE") && s_.is(i + 3, "MODE")) {
      facts_.structure.raise(statement_class::write, "LOCK IN SHARE MODE locks the rows it reads");
      return i + 4;
    }
    not_modelled("LOCK in a query without IN SHARE MODE");
    return i + 1;
  }
  if (upper == "PROCEDURE") {
    facts_.structure.raise(statement_class::write, "PROCEDURE after a query runs a procedure on its rows");
    return i + 1;
  }
  if (upper == "ON" && s_.is(i + 1, "DUPLICATE") && s_.is(i + 2, "KEY") && s_.is(i + 3, "UPDATE")) {
    facts_.structure.raise(statement_class::write, "ON DUPLICATE KEY UPDATE updates rows");
    return i + 4;
  }
  if (std::binary_search(std::begin(foreign_statements), std::end(foreign_statements), upper))
    not_modelled(upper + " inside a query");
  return i + 1;
}

std::size_t query_scan::call(std::size_t i, std::size_t open, const cte_scope& scope) {
  const std::size_t close = s_.partner[open];
  const bool qualified = open == i + 3;
  const token& name_token = s_[qualified ? i + 2 : i];
  const std::string lower = to_lower(identifier_value(name_token, s_.mode));
  const std::string schema = qualified ? identifier_value(s_[i], s_.mode) : std::string();
  std::size_t args = 0;
  for (std::size_t k = open + 1; k < close; ++k) {
    if (args == 0) args = 1;
    if (s_.is_open(k)) k = s_.partner[k];
    else if (s_.is_punct(k, ",")) ++args;
  }
  facts_.add_function(qualified ? schema + "." + lower : lower);

  const auto found = qualified ? std::nullopt : find_builtin_function(lower);
  const builtin_function builtin = found.value_or(builtin_function{});
  const bool quoted = name_token.kind == token_kind::quoted_identifier;
  const bool counts = found && args >= builtin.min_args && args <= builtin.max_args;
  if (counts && !quoted) {
    facts_.calls.raise(builtin.cls, "built-in " + lower + "() " +
                                        (builtin.cls == statement_class::read ? "only reads"
                                         : builtin.cls == statement_class::admin
                                             ? "reaches beyond the database (server files or commands)"
                                             : "changes state other sessions see (locks, sequences)"));
    if (builtin.sequence_argument) {
      table_name t;
      if (name_at(open + 1, close, t) != npos) facts_.add_table(std::move(t));
    }
  } else if (read_function_declared(options_, schema, lower)) {
    facts_.calls.raise(statement_class::read, "function " + lower + " is declared read-only");
  } else {
    const std::string shown = qualified ? schema + "." + lower : lower;
    facts_.calls.raise(statement_class::write,
                       "function " + shown + " is not a built-in: a stored or loadable function may write");
    if (found) facts_.calls.raise(builtin.cls, "function " + shown + " may be the built-in");
  }
  walk(open + 1, close, scope, false);
  return close + 1;
}

std::size_t query_scan::into(std::size_t i, std::size_t e) {
  std::size_t j = i + 1;
  if (s_.is(j, "OUTFILE") || s_.is(j, "DUMPFILE")) {
    facts_.structure.raise(statement_class::admin,
                           "SELECT ... INTO OUTFILE/DUMPFILE writes a file on the database server");
    return j + 1;
  }
  if (j < e && s_[j].kind == token_kind::user_variable) {
    while (j < e && s_[j].kind == token_kind::user_variable) {
      ++j;
      if (!s_.is_punct(j, ",")) break;
      ++j;
    }
    return j;
  }
  not_modelled("INTO in a query, not followed by OUTFILE, DUMPFILE or @variables");
  return j;
}

std::size_t query_scan::locking(std::size_t i, std::size_t e, bool query_mode) {
  const std::size_t n = i + 1;
  if (s_.is(n, "UPDATE") || s_.is(n, "SHARE")) {
    facts_.structure.raise(statement_class::write,
                           "a locking read (FOR UPDATE / FOR SHARE) locks rows like a write");
    return n + 1;
  }
  static constexpr std::string_view neutral[] = {"SYSTEM_TIME", "ORDINALITY", "EACH", "JOIN",
                                                 "ORDER", "GROUP", "PORTION"};
  for (std::string_view w : neutral)
    if (s_.is(n, w)) return n + 1;
  if (query_mode && n < e) not_modelled("FOR " + std::string(s_[n].text) + " in a query");
  return n;
}

std::size_t query_scan::sequence_value(std::size_t i, std::size_t e, const cte_scope& scope) {
  if (!(s_.is(i + 1, "VALUE") && s_.is(i + 2, "FOR"))) return i + 1;  // a column named next
  const bool next = s_.is(i, "NEXT");
  if (next)
    facts_.structure.raise(statement_class::write, "NEXT VALUE FOR advances a sequence");
  const std::size_t j = table_at(i + 3, e, scope);
  return j == npos ? e : j;
}

std::size_t query_scan::name_at(std::size_t i, std::size_t e, table_name& out) const {
  if (i >= e) return npos;
  const token& t = s_[i];
  if (!(t.kind == token_kind::quoted_identifier ||
        (t.kind == token_kind::word && !is_reserved(to_upper(t.text)))))
    return npos;
  std::string first = identifier_value(t, s_.mode);
  if (s_.is_punct(i + 1, ".") && i + 2 < e && is_name_token(s_[i + 2])) {
    out = table_name{std::move(first), identifier_value(s_[i + 2], s_.mode)};
    return i + 3;
  }
  out = table_name{std::string(), std::move(first)};
  return i + 1;
}

std::size_t query_scan::table_at(std::size_t i, std::size_t e, const cte_scope& scope) {
  table_name t;
  const std::size_t j = name_at(i, e, t);
  if (j == npos) {
    not_modelled(i < e ? "a table reference the classifier does not read: " + std::string(s_[i].text)
                       : "a table reference is missing");
    return npos;
  }
  const bool cte = t.schema.empty() && std::find(scope.begin(), scope.end(), t.name) != scope.end();
  if (!cte) facts_.add_table(std::move(t));
  return j;
}

std::size_t query_scan::with_clause(std::size_t i, std::size_t e, cte_scope& scope) {
  struct cte {
    std::string name;
    std::size_t begin, end;
  };
  std::vector<cte> ctes;
  std::size_t j = i + 1;
  const bool recursive = s_.is(j, "RECURSIVE");
  if (recursive) ++j;
  for (;;) {
    table_name n;
    const std::size_t after = name_at(j, e, n);
    std::size_t k = after;
    if (k != npos && n.schema.empty() && s_.is_open(k)) k = s_.after_group(k);  // column names
    if (k == npos || !n.schema.empty() || !s_.is(k, "AS") || !s_.is_open(k + 1)) {
      if (ctes.empty() && !recursive) return npos;  // WITH ROLLUP, WITH CHECK OPTION...
      not_modelled("a WITH clause the classifier does not read");
      return e;
    }
    ctes.push_back({n.name, k + 2, s_.partner[k + 1]});
    j = s_.partner[k + 1] + 1;
    if (!s_.is_punct(j, ",")) break;
    ++j;
  }
  for (std::size_t c = 0; c < ctes.size(); ++c) {
    cte_scope inner = scope;
    // A CTE sees the CTEs before it; with RECURSIVE also itself and those after.
    for (std::size_t d = 0; d < ctes.size(); ++d)
      if (recursive || d < c) inner.push_back(ctes[d].name);
    query(ctes[c].begin, ctes[c].end, inner);
  }
  for (auto& c : ctes) scope.push_back(std::move(c.name));
  return j;
}

}  // namespace gh::sql::mysql
