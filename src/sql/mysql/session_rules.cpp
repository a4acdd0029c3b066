// Session and transaction statements: BEGIN/START/COMMIT/ROLLBACK/SAVEPOINT,
// XA, USE, PREPARE/EXECUTE/DEALLOCATE, DO, CALL, LOCK/UNLOCK TABLES, HANDLER,
// HELP, GET DIAGNOSTICS; SET goes to set_rules.
#include "sql/mysql/statement_rules.hpp"

namespace gh::sql::mysql {
namespace {

statement_rule begin_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  c.raise(statement_class::read, "BEGIN starts a transaction");
  if (s.is(b, "BEGIN")) {
    // BEGIN NOT ATOMIC ... END and labels are compound statements (MariaDB).
    if (b + 1 < s.size() && !(s.is(b + 1, "WORK") && b + 2 == s.size()))
      c.scan.not_modelled("BEGIN starts a compound statement");
    return {"begin"};
  }
  for (std::size_t i = b + 2; i < s.size(); ++i) {  // START TRANSACTION characteristics
    if (s.is(i, "READ") && s.is(i + 1, "WRITE")) {
      c.raise(statement_class::admin, "START TRANSACTION READ WRITE undoes the read-only session");
      ++i;
    } else if (s.is(i, "READ") && s.is(i + 1, "ONLY")) {
      ++i;
    } else if (s.is(i, "WITH") && s.is(i + 1, "CONSISTENT") && s.is(i + 2, "SNAPSHOT")) {
      i += 2;
    } else if (!s.is_punct(i, ",")) {
      c.scan.not_modelled("a transaction characteristic the classifier does not read");
    }
  }
  return {"begin"};
}

statement_rule end_rule(rule_context& c, std::size_t b, const char* kind, const char* why) {
  const auto& s = c.s;
  c.raise(statement_class::read, why);
  // [WORK] [AND [NO] CHAIN] [[NO] RELEASE], TO [SAVEPOINT] name: words only.
  for (std::size_t i = b + 1; i < s.size(); ++i)
    if (s[i].kind != token_kind::word && s[i].kind != token_kind::quoted_identifier)
      c.scan.not_modelled(std::string(kind) + " with a clause the classifier does not read");
  return {kind};
}

statement_rule use_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  statement_rule r{"use"};
  if (b + 2 != s.size() || (s[b + 1].kind != token_kind::word &&
                            s[b + 1].kind != token_kind::quoted_identifier)) {
    c.scan.not_modelled("USE without a single database name");
    return r;
  }
  c.raise(statement_class::read, "USE changes the default database, which the session tracks");
  r.settings.push_back({"database", identifier_value(s[b + 1], s.mode), false});
  return r;
}

// The text of PREPARE ... FROM 'text' / EXECUTE IMMEDIATE 'text', classified.
void prepared_text(rule_context& c, std::size_t b, std::size_t e, const char* what) {
  const auto text = literal_text(c.s, b, e);
  if (!text) {
    c.scan.not_modelled(std::string(what) + " from a variable or expression: the classifier cannot see the text");
    c.scan.expression(b, e, {});
    return;
  }
  if (c.nesting + 1 >= c.options.max_depth) {
    c.scan.not_modelled(std::string(what) + " nests too deeply");
    return;
  }
  const classification inner = classify_text(*text, c.options, c.s.mode, c.nesting + 1);
  c.raise(inner.cls, std::string(what) + " text: " + inner.reason);
  for (const auto& st : inner.statements) {
    for (const auto& t : st.tables) c.facts.add_table(t);
    for (const auto& f : st.functions) c.facts.add_function(f);
    if (st.kind == "execute" || st.kind == "prepare" || st.kind == "use" || !st.settings.empty())
      c.scan.not_modelled(std::string(what) + " of " + st.kind + " is not tracked");
  }
}

std::size_t find_using(const statement_tokens& s, std::size_t from) {
  for (std::size_t i = from; i < s.size(); i = s.is_open(i) ? s.after_group(i) : i + 1)
    if (s.is(i, "USING")) return i;
  return s.size();
}

statement_rule prepare_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  statement_rule r{"prepare"};
  if (b + 2 >= s.size() || !s.is(b + 2, "FROM")) {
    c.scan.not_modelled("PREPARE without name FROM text");
    return r;
  }
  r.prepared_name = to_lower(identifier_value(s[b + 1], s.mode));
  c.raise(statement_class::read, "PREPARE only parses");
  prepared_text(c, b + 3, s.size(), "PREPARE");
  return r;
}

statement_rule execute_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  const std::size_t using_at = find_using(s, b + 1);
  if (s.is(b + 1, "IMMEDIATE")) {
    c.raise(statement_class::read, "EXECUTE IMMEDIATE runs its text");
    prepared_text(c, b + 2, using_at, "EXECUTE IMMEDIATE");
    if (using_at < s.size()) c.scan.expression(using_at + 1, s.size(), {});
    return {"execute_immediate"};
  }
  statement_rule r{"execute"};
  r.executes = true;
  const bool named = b + 1 < s.size() && (s[b + 1].kind == token_kind::word ||
                                          s[b + 1].kind == token_kind::quoted_identifier);
  if (!named || !(b + 2 == s.size() || using_at == b + 2)) {
    c.scan.not_modelled("EXECUTE without a statement name");
    return r;
  }
  r.prepared_name = to_lower(identifier_value(s[b + 1], s.mode));
  c.raise(statement_class::read, "the arguments of EXECUTE only read");
  if (using_at < s.size()) c.scan.expression(using_at + 1, s.size(), {});
  return r;
}

statement_rule call_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  table_name proc;
  std::size_t i = c.scan.name_at(b + 1, s.size(), proc);
  if (i == npos) {
    c.scan.not_modelled("CALL without a procedure name");
    return {"call"};
  }
  const std::string written = proc.schema.empty() ? to_lower(proc.name) : proc.schema + "." + to_lower(proc.name);
  bool declared = false;
  for (const auto& f : c.options.read_functions) {
    const auto dot = f.find('.');
    const std::string fs = dot == std::string::npos ? "" : f.substr(0, dot);
    const std::string fn = dot == std::string::npos ? f : f.substr(dot + 1);
    declared = declared || (fs == proc.schema && to_lower(fn) == to_lower(proc.name));
  }
  if (declared)
    c.raise(statement_class::read, "procedure " + written + " is declared read-only");
  else
    c.raise(statement_class::write, "procedure " + written + " is not known to be read-only");
  if (s.is_open(i)) {
    c.scan.expression(i + 1, s.partner[i], {});
    i = s.after_group(i);
  }
  if (i != s.size()) c.scan.not_modelled("CALL with trailing text");
  return {"call"};
}

statement_rule lock_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  if (!(s.is(b + 1, "TABLES") || s.is(b + 1, "TABLE"))) {
    c.raise(statement_class::admin, "LOCK INSTANCE blocks the whole server");
    return {"lock_instance"};
  }
  c.raise(statement_class::write, "LOCK TABLES blocks other sessions' use of the tables");
  for (std::size_t i = b + 2; i < s.size();) {
    i = c.scan.table_at(i, s.size(), {});
    while (i != npos && i < s.size() && !s.is_punct(i, ",")) ++i;
    if (i == npos || i >= s.size()) break;
    ++i;
  }
  return {"lock_tables"};
}

statement_rule handler_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  c.raise(statement_class::write,
          "HANDLER reads rows through a handle that later statements name by alias, outside "
          "the statement's own snapshot: treated as write");
  const std::size_t i = c.scan.table_at(b + 1, s.size(), {});
  if (i != npos && i < s.size()) c.scan.expression(i, s.size(), {});
  return {"handler"};
}

}  // namespace

statement_rule session_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  if (s.is(b, "SET")) return set_rule(c, b);
  if (s.is(b, "BEGIN") || (s.is(b, "START") && s.is(b + 1, "TRANSACTION"))) return begin_rule(c, b);
  if (s.is(b, "COMMIT")) return end_rule(c, b, "commit", "COMMIT ends the transaction");
  if (s.is(b, "ROLLBACK")) return end_rule(c, b, "rollback", "ROLLBACK undoes the transaction");
  if (s.is(b, "SAVEPOINT")) return end_rule(c, b, "savepoint", "SAVEPOINT marks the transaction");
  if (s.is(b, "RELEASE") && s.is(b + 1, "SAVEPOINT"))
    return end_rule(c, b + 1, "release", "RELEASE SAVEPOINT forgets a savepoint");
  if (s.is(b, "XA")) {
    c.raise(statement_class::write, "XA transactions outlive the session and hold their locks");
    return {"xa"};
  }
  if (s.is(b, "USE")) return use_rule(c, b);
  if (s.is(b, "PREPARE")) return prepare_rule(c, b);
  if (s.is(b, "EXECUTE")) return execute_rule(c, b);
  if ((s.is(b, "DEALLOCATE") || s.is(b, "DROP")) && s.is(b + 1, "PREPARE")) {
    statement_rule r{"deallocate"};
    c.raise(statement_class::read, "DEALLOCATE PREPARE forgets a prepared statement");
    if (b + 3 == s.size()) r.prepared_name = to_lower(identifier_value(s[b + 2], s.mode));
    else c.scan.not_modelled("DEALLOCATE PREPARE without a single name");
    return r;
  }
  if (s.is(b, "DO")) {
    c.raise(statement_class::read, "DO evaluates expressions");
    c.scan.expression(b + 1, s.size(), {});
    return {"do"};
  }
  if (s.is(b, "CALL")) return call_rule(c, b);
  if (s.is(b, "LOCK")) return lock_rule(c, b);
  if (s.is(b, "UNLOCK")) {
    if (s.is(b + 1, "TABLES") || s.is(b + 1, "TABLE"))
      c.raise(statement_class::read, "UNLOCK TABLES releases the session's own locks");
    else
      c.raise(statement_class::admin, "UNLOCK INSTANCE acts on the whole server");
    return {"unlock_tables"};
  }
  if (s.is(b, "HANDLER")) return handler_rule(c, b);
  if (s.is(b, "HELP")) {
    c.raise(statement_class::read, "HELP reads the help tables");
    return {"help"};
  }
  if (s.is(b, "GET") && (s.is(b + 1, "DIAGNOSTICS") || s.is(b + 2, "DIAGNOSTICS"))) {
    c.raise(statement_class::read, "GET DIAGNOSTICS reads the last statement's conditions");
    return {"get_diagnostics"};
  }
  return {};
}

}  // namespace gh::sql::mysql
