// Queries and data changes: SELECT, WITH, VALUES, TABLE, INSERT, REPLACE,
// UPDATE, DELETE, LOAD DATA / XML / INDEX.
#include "sql/mysql/statement_rules.hpp"

#include <algorithm>

namespace gh::sql::mysql {
namespace {

std::size_t skip_words(const statement_tokens& s, std::size_t i,
                       std::initializer_list<std::string_view> words) {
  for (bool again = true; again;) {
    again = false;
    for (std::string_view w : words)
      if (s.is(i, w)) {
        ++i;
        again = true;
      }
  }
  return i;
}

// The first `word` at the statement's own level (not inside parentheses).
std::size_t find_top(const statement_tokens& s, std::size_t from, std::string_view word) {
  for (std::size_t i = from; i < s.size(); ++i) {
    if (s.is_open(i)) i = s.partner[i];
    else if (s.is(i, word)) return i;
  }
  return npos;
}

statement_rule query_rule(rule_context& c, std::size_t b) {
  c.raise(statement_class::read, "a query only reads");
  c.scan.query(b, c.s.size(), {});
  return {"select"};
}

statement_rule insert_rule(rule_context& c, std::size_t b, const char* kind) {
  c.raise(statement_class::write, std::string(kind == std::string("insert") ? "INSERT" : "REPLACE") +
                                      " adds rows");
  std::size_t i = skip_words(c.s, b + 1, {"LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE"});
  if (c.s.is(i, "INTO")) ++i;
  i = c.scan.table_at(i, c.s.size(), {});
  if (i == npos) return {kind};
  if (c.s.is(i, "PARTITION") && c.s.is_open(i + 1)) i = c.s.after_group(i + 1);
  if (c.s.is_open(i) && !c.scan.is_query(i + 1, c.s.partner[i])) i = c.s.after_group(i);  // columns
  c.scan.query(i, c.s.size(), {});
  return {kind};
}

statement_rule update_rule(rule_context& c, std::size_t b) {
  c.raise(statement_class::write, "UPDATE changes rows");
  const std::size_t i = skip_words(c.s, b + 1, {"LOW_PRIORITY", "IGNORE"});
  const std::size_t set = c.scan.table_refs(i, c.s.size(), {});
  if (!c.s.is(set, "SET")) {
    c.scan.not_modelled("UPDATE without SET where the classifier expects it");
    return {"update"};
  }
  c.scan.query(set + 1, c.s.size(), {});
  return {"update"};
}

// DELETE t1, t2.* FROM ... / DELETE FROM t1, t2 USING ...: the targets.
std::vector<table_name> delete_targets(rule_context& c, std::size_t i, std::size_t end) {
  std::vector<table_name> out;
  while (i < end) {
    table_name t;
    const std::size_t j = c.scan.name_at(i, end, t);
    if (j == npos) break;
    out.push_back(std::move(t));
    i = j;
    if (c.s.is_punct(i, ".") && c.s.is_punct(i + 1, "*")) i += 2;
    if (!c.s.is_punct(i, ",")) break;
    ++i;
  }
  if (i != end) c.scan.not_modelled("a DELETE target list the classifier does not read");
  return out;
}

statement_rule delete_rule(rule_context& c, std::size_t b) {
  c.raise(statement_class::write, "DELETE removes rows");
  const std::size_t n = c.s.size();
  const std::size_t i = skip_words(c.s, b + 1, {"LOW_PRIORITY", "QUICK", "IGNORE"});
  std::vector<table_name> targets;
  if (c.s.is(i, "FROM")) {
    const std::size_t using_at = find_top(c.s, i + 1, "USING");
    if (using_at == npos) {  // DELETE FROM t [AS a] [PARTITION (p)] WHERE ...
      c.scan.query(c.scan.table_refs(i + 1, n, {}), n, {});
      return {"delete"};
    }
    targets = delete_targets(c, i + 1, using_at);
    c.scan.query(c.scan.table_refs(using_at + 1, n, {}), n, {});
  } else {
    const std::size_t from = find_top(c.s, i, "FROM");
    if (from == npos) {
      c.scan.not_modelled("DELETE without FROM");
      return {"delete"};
    }
    targets = delete_targets(c, i, from);
    c.scan.query(c.scan.table_refs(from + 1, n, {}), n, {});
  }
  for (auto& t : targets) {
    const auto& aliases = c.facts.aliases;
    const bool alias = t.schema.empty() && std::find(aliases.begin(), aliases.end(), t.name) != aliases.end();
    if (!alias) c.facts.add_table(std::move(t));
  }
  return {"delete"};
}

statement_rule load_rule(rule_context& c, std::size_t b) {
  const std::size_t n = c.s.size();
  if (c.s.is(b + 1, "INDEX")) {  // LOAD INDEX INTO CACHE t1 [INDEX (i)] [IGNORE LEAVES], t2 ...
    c.raise(statement_class::admin, "LOAD INDEX preloads key caches, a server resource");
    for (std::size_t i = skip_words(c.s, b + 2, {"INTO", "CACHE"}); i < n;) {
      i = c.scan.table_at(i, n, {});
      while (i != npos && i < n && !c.s.is_punct(i, ",")) i = c.s.is_open(i) ? c.s.after_group(i) : i + 1;
      if (i == npos || i >= n) break;
      ++i;
    }
    return {"load_index"};
  }
  if (!c.s.is(b + 1, "DATA") && !c.s.is(b + 1, "XML")) {
    c.scan.not_modelled("a LOAD statement the classifier does not read");
    return {"load"};
  }
  const bool local = find_top(c.s, b, "LOCAL") != npos;
  c.raise(statement_class::admin, local ? "LOAD DATA LOCAL INFILE reads a file from the client's machine"
                                        : "LOAD DATA INFILE reads a file on the database server");
  const std::size_t into = find_top(c.s, b, "INTO");
  if (into == npos || !c.s.is(into + 1, "TABLE")) {
    c.scan.not_modelled("LOAD DATA without INTO TABLE");
    return {"load_data"};
  }
  const std::size_t after = c.scan.table_at(into + 2, n, {});
  if (after != npos) c.scan.expression(after, n, {});
  return {"load_data"};
}

}  // namespace

statement_rule dml_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  if (s.is_open(b) || s.is(b, "SELECT") || s.is(b, "WITH") || s.is(b, "VALUES") || s.is(b, "TABLE"))
    return query_rule(c, b);
  if (s.is(b, "INSERT")) return insert_rule(c, b, "insert");
  if (s.is(b, "REPLACE")) return insert_rule(c, b, "replace");
  if (s.is(b, "UPDATE")) return update_rule(c, b);
  if (s.is(b, "DELETE")) return delete_rule(c, b);
  if (s.is(b, "LOAD")) return load_rule(c, b);
  return {};
}

std::optional<std::string> literal_text(const statement_tokens& s, std::size_t i, std::size_t end) {
  if (i >= end) return std::nullopt;
  std::string out;
  for (; i < end; ++i) {
    if (s[i].kind != token_kind::string) return std::nullopt;
    out += string_value(s[i], s.mode);
  }
  return out;
}

}  // namespace gh::sql::mysql
