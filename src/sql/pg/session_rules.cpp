// Session and transaction statements: settings, transaction control,
// DISCARD, LISTEN/NOTIFY, LOCK, LOAD, CHECKPOINT.
#include "sql/pg/node_text.hpp"
#include "sql/pg/settings.hpp"
#include "sql/pg/statement_rules.hpp"

namespace gh::sql::pg {
namespace {

statement_rule make(statement_class c, std::string kind, std::string reason) {
  statement_rule r;
  r.cls = c;
  r.kind = std::move(kind);
  r.reason = std::move(reason);
  return r;
}

// Settings whose value PostgreSQL flattens as a list of quoted identifiers
// (GUC_LIST_QUOTE): SET search_path = 'a, b' names ONE schema "a, b".
bool list_quoted(std::string_view name) {
  return name == "search_path" || name == "temp_tablespaces" ||
         name == "session_preload_libraries" || name == "local_preload_libraries" ||
         name == "shared_preload_libraries";
}

std::string quote_identifier(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

// The value as the server stores it (flatten_set_variable_args); nullopt when
// an argument is not a plain constant.
std::optional<std::string> flatten(const PgQuery__VariableSetStmt* s, const std::string& name) {
  std::string out;
  for (std::size_t i = 0; i < s->n_args; ++i) {
    const PgQuery__Node* a = s->args[i];
    auto v = constant_text(a);
    if (!v) return std::nullopt;
    const bool is_string = a->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL;
    if (i) out += ", ";
    out += is_string && list_quoted(name) ? quote_identifier(*v) : *v;
  }
  return out;
}

// The modes of BEGIN, START TRANSACTION, SET TRANSACTION and SET SESSION
// CHARACTERISTICS: DefElems named like the settings they set.
statement_rule transaction_modes(std::size_t n, PgQuery__Node* const* options, std::string kind,
                                 std::string plain_reason) {
  effect e;
  e.raise(statement_class::read, plain_reason);
  for (std::size_t i = 0; i < n; ++i) {
    const PgQuery__Node* o = options[i];
    if (o == nullptr || o->node_case != PG_QUERY__NODE__NODE_DEF_ELEM || o->def_elem == nullptr) {
      e.raise(statement_class::unknown, "transaction mode that is not a name = value");
      continue;
    }
    const auto value = def_arg_text(o->def_elem);
    const auto v = classify_setting(text(o->def_elem->defname), value);
    e.raise(v.cls, v.reason);
  }
  return make(e.cls, std::move(kind), e.reason);
}

statement_rule variable_set(const PgQuery__VariableSetStmt* s) {
  const std::string name = lower_ascii(text(s->name));
  switch (s->kind) {
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE: {
      const auto value = flatten(s, name);
      const auto single = s->n_args == 1 ? constant_text(s->args[0]) : std::nullopt;
      const auto v = classify_setting(name, single);
      statement_rule r = make(v.cls, "set", v.reason);
      if (!value && name == "search_path") {
        r.cls = statement_class::admin;
        r.reason = "search_path set from a non-constant value cannot be tracked";
      }
      r.settings.push_back({name, value, static_cast<bool>(s->is_local)});
      return r;
    }
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT:
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET: {
      const auto v = classify_setting(name, std::nullopt);
      const bool reset = s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET;
      statement_rule r = make(v.cls, reset ? "reset" : "set", v.reason);
      r.settings.push_back({name, std::nullopt, static_cast<bool>(s->is_local)});
      return r;
    }
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_CURRENT: {
      const auto v = classify_setting(name, std::nullopt);
      return make(v.cls, "set", v.reason);  // keeps the current value: nothing to track
    }
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_MULTI:
      if (name == "transaction snapshot")
        return make(statement_class::read, "set_transaction",
                    "SET TRANSACTION SNAPSHOT imports another transaction's snapshot");
      if (name == "transaction" || name == "session characteristics")
        return transaction_modes(s->n_args, s->args, "set_transaction",
                                 "transaction modes that keep the session's rights");
      break;
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL:
      return make(statement_class::admin, "reset_all",
                  "RESET ALL also resets the read-only state and the role");
    default:
      break;
  }
  return make(statement_class::unknown, "set", "a SET form that is not modelled");
}

statement_rule transaction(const PgQuery__TransactionStmt* t) {
  switch (t->kind) {
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
      return transaction_modes(t->n_options, t->options, "begin", "BEGIN starts a transaction");
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
      return make(statement_class::read, "commit", "COMMIT ends the transaction");
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
      return make(statement_class::read, "rollback", "ROLLBACK ends the transaction");
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT:
      return make(statement_class::read, "savepoint", "SAVEPOINT marks the transaction");
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE:
      return make(statement_class::read, "release", "RELEASE forgets a savepoint");
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO:
      return make(statement_class::read, "rollback_to", "ROLLBACK TO undoes to a savepoint");
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE:
      return make(statement_class::write, "prepare_transaction",
                  "PREPARE TRANSACTION keeps the transaction and its locks beyond the session");
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT_PREPARED:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_PREPARED:
      return make(statement_class::admin, "finish_prepared",
                  "COMMIT/ROLLBACK PREPARED finishes a two-phase transaction, maybe another's");
    default:
      return make(statement_class::unknown, "transaction", "a transaction form that is not modelled");
  }
}

statement_rule discard(const PgQuery__DiscardStmt* d) {
  switch (d->target) {
    case PG_QUERY__DISCARD_MODE__DISCARD_PLANS:
    case PG_QUERY__DISCARD_MODE__DISCARD_SEQUENCES:
      return make(statement_class::read, "discard", "DISCARD PLANS/SEQUENCES drops session caches");
    case PG_QUERY__DISCARD_MODE__DISCARD_TEMP:
      return make(statement_class::ddl, "discard", "DISCARD TEMP drops the session's temporary tables");
    default:
      return make(statement_class::admin, "discard",
                  "DISCARD ALL also resets the read-only state and the role");
  }
}

}  // namespace

statement_rule session_rule(const PgQuery__Node* n) {
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
      if (n->variable_set_stmt) return variable_set(n->variable_set_stmt);
      break;
    case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT:
      return make(statement_class::read, "show", "SHOW reads a setting");
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
      if (n->transaction_stmt) return transaction(n->transaction_stmt);
      break;
    case PG_QUERY__NODE__NODE_DISCARD_STMT:
      if (n->discard_stmt) return discard(n->discard_stmt);
      break;
    case PG_QUERY__NODE__NODE_LISTEN_STMT:
      return make(statement_class::read, "listen", "LISTEN subscribes to notifications");
    case PG_QUERY__NODE__NODE_UNLISTEN_STMT:
      return make(statement_class::read, "unlisten", "UNLISTEN unsubscribes");
    case PG_QUERY__NODE__NODE_NOTIFY_STMT:
      return make(statement_class::write, "notify", "NOTIFY sends to other sessions");
    case PG_QUERY__NODE__NODE_LOCK_STMT:
      return make(statement_class::write, "lock", "LOCK TABLE takes table locks");
    case PG_QUERY__NODE__NODE_CONSTRAINTS_SET_STMT:
      return make(statement_class::read, "set_constraints",
                  "SET CONSTRAINTS only moves when this transaction's checks run");
    case PG_QUERY__NODE__NODE_LOAD_STMT:
      return make(statement_class::admin, "load", "LOAD loads a shared library into the server");
    case PG_QUERY__NODE__NODE_CHECK_POINT_STMT:
      return make(statement_class::admin, "checkpoint", "CHECKPOINT acts on the whole server");
    default:
      break;
  }
  return {};
}

}  // namespace gh::sql::pg
