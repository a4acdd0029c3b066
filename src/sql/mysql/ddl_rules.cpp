// Schema changes: CREATE, ALTER, DROP, RENAME, TRUNCATE. Schema objects are
// ddl; accounts, servers, tablespaces and loadable code are admin; an
// object that runs as another account (DEFINER = someone else) is admin.
#include "sql/mysql/statement_rules.hpp"

namespace gh::sql::mysql {
namespace {

using tokens = statement_tokens;

bool is_one_of(const tokens& s, std::size_t i, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words)
    if (s.is(i, w)) return true;
  return false;
}

std::size_t skip_if_exists(const tokens& s, std::size_t i) {
  if (s.is(i, "IF") && s.is(i + 1, "NOT") && s.is(i + 2, "EXISTS")) return i + 3;
  if (s.is(i, "IF") && s.is(i + 1, "EXISTS")) return i + 2;
  return i;
}

// DEFINER = user: CURRENT_USER[()] keeps the caller's rights; anyone else's is admin.
std::size_t definer(rule_context& c, std::size_t i) {
  const auto& s = c.s;
  std::size_t j = i + 2;
  if (s.is(j, "CURRENT_USER")) {
    ++j;
    if (s.is_open(j)) j = s.after_group(j);
    return j;
  }
  c.raise(statement_class::admin, "DEFINER names an account: the object runs with its rights");
  if (j < s.size()) ++j;                                           // 'user' or user
  if (j < s.size() && s[j].kind == token_kind::user_variable) ++j;  // @'host'
  return j;
}

// OR REPLACE, TEMPORARY, ALGORITHM = x, DEFINER = u, SQL SECURITY x, and the
// index and function modifiers, in any order.
std::size_t create_prefix(rule_context& c, std::size_t i) {
  const auto& s = c.s;
  for (;;) {
    if (s.is(i, "OR") && s.is(i + 1, "REPLACE")) i += 2;
    else if (s.is(i, "ALGORITHM") && s.is_punct(i + 1, "=")) i += 3;
    else if (s.is(i, "DEFINER") && s.is_punct(i + 1, "=")) i = definer(c, i);
    else if (s.is(i, "SQL") && s.is(i + 1, "SECURITY")) i += 3;
    else if (is_one_of(s, i, {"TEMPORARY", "AGGREGATE", "UNIQUE", "FULLTEXT", "SPATIAL", "ONLINE",
                              "OFFLINE", "IGNORE"}))
      ++i;
    else return i;
  }
}

// Table options that reach beyond the database: other servers, files.
void reaching_options(rule_context& c, std::size_t from) {
  const auto& s = c.s;
  for (std::size_t i = from; i < s.size(); ++i) {
    if (s.is(i, "ENGINE")) {
      const std::size_t v = s.is_punct(i + 1, "=") ? i + 2 : i + 1;
      if (is_one_of(s, v, {"FEDERATED", "FEDERATEDX", "CONNECT", "SPIDER", "OQGRAPH", "CSV"}))
        c.raise(statement_class::admin, "a table whose engine reaches other servers or files");
    }
    if ((s.is(i, "DATA") || s.is(i, "INDEX")) && s.is(i + 1, "DIRECTORY"))
      c.raise(statement_class::admin, "DATA/INDEX DIRECTORY places files on the server");
    if (s.is(i, "CONNECTION") && (s.is_punct(i + 1, "=") || (i + 1 < s.size() && s[i + 1].kind == token_kind::string)))
      c.raise(statement_class::admin, "CONNECTION makes a table that reaches another server");
  }
}

// Every REFERENCES t (foreign keys), at any depth.
void references(rule_context& c, std::size_t from) {
  for (std::size_t i = from; i < c.s.size(); ++i)
    if (c.s.is(i, "REFERENCES")) c.scan.table_at(i + 1, c.s.size(), {});
}

// The query of CREATE TABLE ... [AS] SELECT, CREATE VIEW ... AS SELECT.
void trailing_query(rule_context& c, std::size_t from) {
  const auto& s = c.s;
  for (std::size_t i = from; i < s.size(); i = s.is_open(i) ? s.after_group(i) : i + 1) {
    if (c.scan.is_query(i, s.size())) {
      c.scan.query(i, s.size(), {});
      return;
    }
  }
}

void create_table(rule_context& c, std::size_t i) {
  const auto& s = c.s;
  const std::size_t j = c.scan.table_at(skip_if_exists(s, i + 1), s.size(), {});
  if (j == npos) return;
  references(c, j);
  reaching_options(c, j);
  if (s.is(j, "LIKE")) c.scan.table_at(j + 1, s.size(), {});
  if (s.is_open(j) && s.is(j + 1, "LIKE")) c.scan.table_at(j + 2, s.size(), {});
  trailing_query(c, j);
}

void create_view(rule_context& c, std::size_t i) {
  std::size_t j = c.scan.table_at(skip_if_exists(c.s, i + 1), c.s.size(), {});
  if (j == npos) return;
  if (c.s.is_open(j)) j = c.s.after_group(j);  // column names
  if (!c.s.is(j, "AS")) return c.scan.not_modelled("a view without AS");
  c.scan.query(j + 1, c.s.size(), {});
}

// ... ON t: indexes and triggers.
void on_table(rule_context& c, std::size_t from) {
  for (std::size_t i = from; i < c.s.size(); ++i)
    if (c.s.is(i, "ON")) {
      c.scan.table_at(i + 1, c.s.size(), {});
      return;
    }
  c.scan.not_modelled("no ON table where the classifier expects it");
}

// Where a routine's body starts: the first statement after its header.
std::size_t body_start(const tokens& s, std::size_t from) {
  for (std::size_t i = from; i < s.size(); i = s.is_open(i) ? s.after_group(i) : i + 1)
    if (is_one_of(s, i, {"SELECT", "WITH", "INSERT", "REPLACE", "UPDATE", "DELETE", "CALL", "SET",
                         "DO", "RETURN", "BEGIN", "IF", "CASE", "LOOP", "WHILE", "REPEAT", "DECLARE",
                         "TRUNCATE", "CREATE", "DROP", "ALTER", "LOCK", "UNLOCK", "VALUES"}))
      return i;
  return npos;
}

void create_routine(rule_context& c, std::size_t i) {
  const auto& s = c.s;
  for (std::size_t k = i; k < s.size(); ++k)
    if (s.is(k, "SONAME")) {
      c.raise(statement_class::admin, "CREATE FUNCTION ... SONAME loads a library into the server");
      return;
    }
  std::size_t j = skip_if_exists(s, i + 1);
  table_name name;
  j = c.scan.name_at(j, s.size(), name);
  if (j == npos || !s.is_open(j)) return c.scan.not_modelled("a routine without its parameters");
  const std::size_t body = body_start(s, s.after_group(j));
  if (body == npos) return c.scan.not_modelled("a routine body the classifier does not find");
  body_tables(c, body);
}

void create_object(rule_context& c, std::size_t i) {
  const auto& s = c.s;
  if (s.is(i, "TABLE")) return create_table(c, i);
  if (s.is(i, "VIEW")) return create_view(c, i);
  if (s.is(i, "SEQUENCE")) {
    c.scan.table_at(skip_if_exists(s, i + 1), s.size(), {});
    return;
  }
  if (s.is(i, "INDEX")) return on_table(c, i + 1);
  if (s.is(i, "TRIGGER")) {
    on_table(c, i + 1);
    for (std::size_t k = i; k < s.size(); ++k)
      if (s.is(k, "EACH") && s.is(k + 1, "ROW")) {
        std::size_t body = k + 2;
        if (s.is(body, "FOLLOWS") || s.is(body, "PRECEDES")) body += 2;
        return body_tables(c, body);
      }
    return c.scan.not_modelled("a trigger without FOR EACH ROW");
  }
  if (s.is(i, "PROCEDURE") || s.is(i, "FUNCTION")) return create_routine(c, i);
  if (s.is(i, "EVENT")) {
    for (std::size_t k = i; k < s.size(); k = s.is_open(k) ? s.after_group(k) : k + 1)
      if (s.is(k, "DO")) return body_tables(c, k + 1);
    return c.scan.not_modelled("an event without DO");
  }
  if (s.is(i, "DATABASE") || s.is(i, "SCHEMA")) return;
  c.scan.not_modelled("CREATE " + std::string(i < s.size() ? s[i].text : "") + " is not modelled");
}

bool is_account_or_server(const tokens& s, std::size_t i) {
  return is_one_of(s, i, {"USER", "ROLE", "SERVER", "TABLESPACE", "LOGFILE", "INSTANCE", "RESOURCE",
                          "SPATIAL"});
}

statement_rule create_rule(rule_context& c, std::size_t b) {
  const std::size_t i = create_prefix(c, b + 1);
  if (is_account_or_server(c.s, i)) {
    c.raise(statement_class::admin, "CREATE " + c.s.upper_word(i) + " acts on accounts or the server");
    return {"create_" + to_lower(c.s.upper_word(i))};
  }
  c.raise(statement_class::ddl, "CREATE changes the schema");
  create_object(c, i);
  return {"create_" + to_lower(c.s.upper_word(i))};
}

void alter_table(rule_context& c, std::size_t i) {
  const auto& s = c.s;
  const std::size_t j = c.scan.table_at(skip_if_exists(s, i + 1), s.size(), {});
  if (j == npos) return;
  references(c, j);
  reaching_options(c, j);
  for (std::size_t k = j; k < s.size(); k = s.is_open(k) ? s.after_group(k) : k + 1) {
    if (s.is(k, "RENAME") && !is_one_of(s, k + 1, {"COLUMN", "INDEX", "KEY"})) {
      const std::size_t n = (s.is(k + 1, "TO") || s.is(k + 1, "AS")) ? k + 2 : k + 1;
      c.scan.table_at(n, s.size(), {});
    }
    if (s.is(k, "WITH") && s.is(k + 1, "TABLE")) c.scan.table_at(k + 2, s.size(), {});  // EXCHANGE PARTITION
  }
}

statement_rule alter_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  const std::size_t i = create_prefix(c, b + 1);
  if (is_account_or_server(s, i)) {
    c.raise(statement_class::admin, "ALTER " + s.upper_word(i) + " acts on accounts or the server");
    return {"alter_" + to_lower(s.upper_word(i))};
  }
  c.raise(statement_class::ddl, "ALTER changes the schema");
  if (s.is(i, "TABLE")) alter_table(c, i);
  else if (s.is(i, "VIEW")) create_view(c, i);
  else if (s.is(i, "SEQUENCE")) c.scan.table_at(skip_if_exists(s, i + 1), s.size(), {});
  else if (s.is(i, "EVENT")) {
    for (std::size_t k = i; k < s.size(); k = s.is_open(k) ? s.after_group(k) : k + 1)
      if (s.is(k, "DO")) body_tables(c, k + 1);
  } else if (!is_one_of(s, i, {"DATABASE", "SCHEMA", "PROCEDURE", "FUNCTION"}))
    c.scan.not_modelled("ALTER " + s.upper_word(i) + " is not modelled");
  return {"alter_" + to_lower(s.upper_word(i))};
}

statement_rule drop_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  std::size_t i = b + 1;
  if (s.is(i, "TEMPORARY")) ++i;
  const std::string object = to_lower(s.upper_word(i));
  if (is_account_or_server(s, i)) {
    c.raise(statement_class::admin, "DROP " + s.upper_word(i) + " acts on accounts or the server");
    return {"drop_" + object};
  }
  c.raise(statement_class::ddl, "DROP removes schema objects");
  if (is_one_of(s, i, {"TABLE", "TABLES", "VIEW", "SEQUENCE"})) {
    table_list(c, skip_if_exists(s, i + 1), true);
  } else if (s.is(i, "INDEX")) {
    on_table(c, i + 1);
  } else if (!is_one_of(s, i, {"TRIGGER", "PROCEDURE", "FUNCTION", "EVENT", "DATABASE", "SCHEMA"})) {
    c.scan.not_modelled("DROP " + s.upper_word(i) + " is not modelled");
  }
  return {"drop_" + object};
}

}  // namespace

std::size_t table_list(rule_context& c, std::size_t i, bool names_only) {
  const auto& s = c.s;
  while (i < s.size()) {
    i = c.scan.table_at(i, s.size(), {});
    if (i == npos) return s.size();
    if (!names_only)
      while (i < s.size() && !s.is_punct(i, ",")) i = s.is_open(i) ? s.after_group(i) : i + 1;
    if (!s.is_punct(i, ",")) break;
    ++i;
  }
  return i;
}

void body_tables(rule_context& c, std::size_t b) {
  statement_facts facts;
  query_scan scan(c.s, c.options, facts);
  rule_context inner{c.s, c.options, facts, scan, c.nesting};
  if (c.s.is(b, "RETURN")) scan.expression(b + 1, c.s.size(), {});
  else if (rule_for(inner, b).kind.empty()) scan.not_modelled("a body the classifier does not read");
  for (auto& t : facts.tables) c.facts.add_table(std::move(t));
  if (facts.structure.cls == statement_class::unknown || facts.too_deep)
    c.scan.not_modelled("a routine, trigger or event body the classifier does not read: " +
                        facts.structure.reason);
}

statement_rule ddl_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  if (s.is(b, "CREATE")) return create_rule(c, b);
  if (s.is(b, "ALTER")) return alter_rule(c, b);
  if (s.is(b, "DROP")) return drop_rule(c, b);
  if (s.is(b, "TRUNCATE")) {
    c.raise(statement_class::ddl, "TRUNCATE empties a table outright");
    c.scan.table_at(s.is(b + 1, "TABLE") ? b + 2 : b + 1, s.size(), {});
    return {"truncate"};
  }
  if (s.is(b, "RENAME")) {
    if (!(s.is(b + 1, "TABLE") || s.is(b + 1, "TABLES"))) {
      c.raise(statement_class::admin, "RENAME USER changes accounts");
      return {"rename_user"};
    }
    c.raise(statement_class::ddl, "RENAME TABLE changes the schema");
    for (std::size_t i = b + 2; i < s.size();) {  // a TO b [, c TO d]
      i = c.scan.table_at(i, s.size(), {});
      if (i == npos || !s.is(i, "TO")) break;
      i = c.scan.table_at(i + 1, s.size(), {});
      if (i == npos || !s.is_punct(i, ",")) break;
      ++i;
    }
    return {"rename_table"};
  }
  return {};
}

}  // namespace gh::sql::mysql
