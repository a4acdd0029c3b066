// SET in all its forms: variables (user, session, global), NAMES and
// CHARACTER SET, TRANSACTION, PASSWORD, ROLE, MariaDB's SET STATEMENT ... FOR.
// https://mariadb.com/kb/en/set/
#include "sql/mysql/session_variables.hpp"
#include "sql/mysql/statement_rules.hpp"

namespace gh::sql::mysql {
namespace {

bool is_scope(const statement_tokens& s, std::size_t i) {
  return s.is(i, "GLOBAL") || s.is(i, "SESSION") || s.is(i, "LOCAL") || s.is(i, "PERSIST") ||
         s.is(i, "PERSIST_ONLY");
}
bool is_global_scope(const statement_tokens& s, std::size_t i) {
  return s.is(i, "GLOBAL") || s.is(i, "PERSIST") || s.is(i, "PERSIST_ONLY");
}
bool is_assign(const statement_tokens& s, std::size_t i) {
  return s.is_punct(i, "=") || s.is_punct(i, ":=");
}

// The end of one assignment: the next ',' at this level, or `end`.
std::size_t assignment_end(const statement_tokens& s, std::size_t i, std::size_t end) {
  while (i < end && !s.is_punct(i, ",")) i = s.is_open(i) ? s.after_group(i) : i + 1;
  return i;
}

// What a value is, when it is one token the classifier can read.
variable_value value_of(const statement_tokens& s, std::size_t b, std::size_t e) {
  variable_value v;
  if (e != b + 1) {
    if (auto lit = literal_text(s, b, e)) v.text = std::move(lit);
    return v;
  }
  const token& t = s[b];
  if (t.kind == token_kind::word && iequals(t.text, "DEFAULT")) {
    v.is_default = true;
  } else if (t.kind == token_kind::string) {
    v.text = string_value(t, s.mode);
  } else if (t.kind == token_kind::word || t.kind == token_kind::number) {
    v.text = std::string(t.text);
  }
  return v;
}

struct set_state {
  statement_rule rule{"set"};
  bool charset_or_mode = false;  // for SET STATEMENT: changes how text is read
};

void track(set_state& st, const std::string& name, const variable_value& v) {
  if (name == "sql_mode") {
    st.charset_or_mode = true;
    st.rule.kind = "set_sql_mode";
    st.rule.settings.push_back({"sql_mode", v.text, false});
    st.rule.next_mode.reset();
    st.rule.next_mode_unknown = true;
    if (v.text) {
      if (auto m = lex_mode_of_sql_mode(*v.text)) {
        st.rule.next_mode = *m;
        st.rule.next_mode_unknown = false;
      }
    }
  } else if (name == "character_set_client") {
    st.charset_or_mode = true;
    st.rule.settings.push_back({"character_set_client", v.text, false});
  }
}

// SET NAMES x [COLLATE y] / SET CHARACTER SET x / SET CHARSET x.
void names(rule_context& c, set_state& st, std::size_t b, std::size_t e) {
  variable_value v = value_of(c.s, b, b < e ? b + 1 : b);
  if (v.is_default) v.text.reset();
  const auto verdict = classify_variable("character_set_client", v);
  c.raise(verdict.cls, verdict.reason);
  track(st, "character_set_client", v);
}

void system_variable(rule_context& c, set_state& st, std::size_t i, std::size_t e, bool global) {
  const auto& s = c.s;
  std::string name = to_lower(identifier_value(s[i], s.mode));
  std::size_t j = i + 1;
  if (s.is_punct(j, ".") && j + 1 < e) {  // default.key_buffer_size: a key cache
    name += "." + to_lower(identifier_value(s[j + 1], s.mode));
    j += 2;
  }
  if (!is_assign(s, j)) {
    c.scan.not_modelled("SET " + name + " without '='");
    return;
  }
  const variable_value v = value_of(s, j + 1, e);
  c.scan.expression(j + 1, e, {});
  if (global) {
    c.raise(statement_class::admin, "SET GLOBAL/PERSIST changes " + name + " for the whole server");
    return;
  }
  const auto verdict = classify_variable(name, v);
  c.raise(verdict.cls, verdict.reason);
  track(st, name, v);
}

void assignment(rule_context& c, set_state& st, std::size_t i, std::size_t e) {
  const auto& s = c.s;
  bool global = false;
  if (s[i].kind == token_kind::user_variable) {
    if (!is_assign(s, i + 1)) return c.scan.not_modelled("SET @variable without '='");
    c.raise(statement_class::read, "a user variable is the session's own");
    c.scan.expression(i + 2, e, {});
    return;
  }
  if (s[i].kind == token_kind::system_variable) {  // @@[scope.]name
    ++i;
    if (is_scope(s, i) && s.is_punct(i + 1, ".")) {
      global = is_global_scope(s, i);
      i += 2;
    }
  } else if (is_scope(s, i)) {
    global = is_global_scope(s, i);
    ++i;
  }
  if (s.is(i, "NAMES")) return names(c, st, i + 1, e);
  if (s.is(i, "CHARSET") || (s.is(i, "CHARACTER") && s.is(i + 1, "SET"))) {
    // Unlike SET NAMES, this sets character_set_connection to the database's
    // character set, which the classifier does not know: string literals
    // would be converted to it before PREPARE / EXECUTE IMMEDIATE run them.
    st.charset_or_mode = true;
    return c.scan.not_modelled("SET CHARACTER SET converts literals to the database's character set");
  }
  if (i >= e || (s[i].kind != token_kind::word && s[i].kind != token_kind::quoted_identifier))
    return c.scan.not_modelled("a SET assignment the classifier does not read");
  system_variable(c, st, i, e, global);
}

statement_rule transaction(rule_context& c, std::size_t scope_at, std::size_t i) {
  const auto& s = c.s;
  c.raise(statement_class::read, "SET TRANSACTION sets the next transactions' isolation");
  if (is_global_scope(s, scope_at))
    c.raise(statement_class::admin, "SET GLOBAL TRANSACTION changes every new session");
  for (; i < s.size(); ++i) {
    if (s.is(i, "READ") && s.is(i + 1, "WRITE"))
      c.raise(statement_class::admin, "READ WRITE undoes the read-only session");
    else if (s.is(i, "SERIALIZABLE"))
      c.raise(statement_class::write,
              "SERIALIZABLE makes every read take shared locks other sessions wait on (what "
              "LOCK IN SHARE MODE does)");
    else if (!(s.is(i, "ISOLATION") || s.is(i, "LEVEL") || s.is(i, "READ") || s.is(i, "ONLY") ||
               s.is(i, "WRITE") || s.is(i, "REPEATABLE") || s.is(i, "COMMITTED") ||
               s.is(i, "UNCOMMITTED") || s.is(i, "SERIALIZABLE") || s.is_punct(i, ",")))
      c.scan.not_modelled("a transaction characteristic the classifier does not read");
  }
  return {"set_transaction"};
}

statement_rule set_statement(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  std::size_t i = b;
  for (; i < s.size() && !s.is(i, "FOR"); i = s.is_open(i) ? s.after_group(i) : i + 1) {}
  if (i >= s.size()) {
    c.scan.not_modelled("SET STATEMENT without FOR");
    return {"set_statement"};
  }
  set_state st;
  for (std::size_t a = b; a < i;) {
    const std::size_t end = assignment_end(s, a, i);
    assignment(c, st, a, end);
    a = end + 1;
  }
  if (st.charset_or_mode)
    c.scan.not_modelled("SET STATEMENT changes how the server reads text for one statement");
  statement_rule inner = rule_for(c, i + 1);
  if (inner.kind == "prepare" || inner.kind == "execute" || inner.kind == "use" ||
      inner.kind.starts_with("set") || inner.executes)
    c.scan.not_modelled("SET STATEMENT ... FOR " + inner.kind);
  inner.executes = false;
  return inner;
}

}  // namespace

statement_rule set_rule(rule_context& c, std::size_t b) {
  const auto& s = c.s;
  const std::size_t n = s.size();
  std::size_t i = b + 1;
  const std::size_t scope_at = i;
  if (is_scope(s, i) && s.is(i + 1, "TRANSACTION")) return transaction(c, scope_at, i + 2);
  if (s.is(i, "TRANSACTION")) return transaction(c, n, i + 1);
  if (s.is(i, "STATEMENT")) return set_statement(c, i + 1);
  if (s.is(i, "PASSWORD")) {
    c.raise(statement_class::admin, "SET PASSWORD changes an account's credentials");
    return {"set_password"};
  }
  if (s.is(i, "ROLE") || (s.is(i, "DEFAULT") && s.is(i + 1, "ROLE"))) {
    c.raise(statement_class::admin, "SET ROLE changes the session's rights");
    return {"set_role"};
  }
  if (s.is(i, "RESOURCE") && s.is(i + 1, "GROUP")) {
    c.raise(statement_class::admin, "SET RESOURCE GROUP assigns server threads");
    return {"set_resource_group"};
  }
  if (i >= n) {
    c.scan.not_modelled("SET without an assignment");
    return {"set"};
  }
  set_state st;
  for (; i < n;) {
    const std::size_t end = assignment_end(s, i, n);
    if (end == i) {
      c.scan.not_modelled("an empty SET assignment");
      break;
    }
    assignment(c, st, i, end);
    i = end + 1;
  }
  return st.rule;
}

}  // namespace gh::sql::mysql
