// Session and transaction statements: settings, transaction control,
// DISCARD, LISTEN/NOTIFY, LOCK, LOAD, CHECKPOINT.
#include "sql/pg/settings.hpp"
#include "sql/pg/statement_rules.hpp"

namespace gh::sql::pg {
namespace {

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
std::optional<std::string> flatten(const json::array* args, const std::string& name) {
  if (args == nullptr) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < args->size(); ++i) {
    const json::value& a = (*args)[i];
    auto v = constant_text(a);
    if (!v) return std::nullopt;
    if (i) out += ", ";
    out += is_string_constant(a) && list_quoted(name) ? quote_identifier(*v) : *v;
  }
  return out;
}

// The modes of BEGIN, START TRANSACTION, SET TRANSACTION and SET SESSION
// CHARACTERISTICS: DefElems named like the settings they set.
statement_rule transaction_modes(const json::array* options, std::string kind,
                                 std::string plain_reason) {
  effect e;
  e.raise(statement_class::read, plain_reason);
  if (options != nullptr) {
    for (const auto& o : *options) {
      const auto d = as_node(o);
      if (!d || d->type != "DefElem") {
        e.raise(statement_class::unknown, "a transaction mode that is not a name = value");
        continue;
      }
      const json::value* arg = value_field(*d->fields, "arg");
      const auto value = arg ? constant_text(*arg) : std::nullopt;
      const auto v = classify_setting(string_field(*d->fields, "defname"), value);
      e.raise(v.cls, v.reason);
    }
  }
  return make_rule(e.cls, std::move(kind), e.reason);
}

statement_rule variable_set(const json::object& s) {
  const std::string name = lower_ascii(string_field(s, "name"));
  const std::string_view kind = string_field(s, "kind");
  const bool local = bool_field(s, "is_local");
  const json::array* args = array_field(s, "args");
  if (kind == "VAR_SET_VALUE") {
    const auto value = flatten(args, name);
    const auto single = args && args->size() == 1 ? constant_text((*args)[0]) : std::nullopt;
    const auto v = classify_setting(name, single);
    statement_rule r = make_rule(v.cls, "set", v.reason);
    if (!value && name == "search_path") {
      r.cls = statement_class::admin;
      r.reason = "search_path set from a non-constant value cannot be tracked";
    }
    r.settings.push_back({name, value, local});
    return r;
  }
  if (kind == "VAR_SET_DEFAULT" || kind == "VAR_RESET") {
    const auto v = classify_setting(name, std::nullopt);
    statement_rule r = make_rule(v.cls, kind == "VAR_RESET" ? "reset" : "set", v.reason);
    r.settings.push_back({name, std::nullopt, local});
    return r;
  }
  if (kind == "VAR_SET_CURRENT") {
    const auto v = classify_setting(name, std::nullopt);
    return make_rule(v.cls, "set", v.reason);  // keeps the current value: nothing to track
  }
  if (kind == "VAR_SET_MULTI") {
    if (name == "transaction snapshot")
      return make_rule(statement_class::read, "set_transaction",
                       "SET TRANSACTION SNAPSHOT imports another transaction's snapshot");
    if (name == "transaction" || name == "session characteristics")
      return transaction_modes(args, "set_transaction", "transaction modes that keep the session's rights");
  }
  if (kind == "VAR_RESET_ALL")
    return make_rule(statement_class::admin, "reset_all", "RESET ALL also resets the read-only state and the role");
  return make_rule(statement_class::unknown, "set", "a SET form that is not modelled");
}

statement_rule transaction(const json::object& t) {
  const std::string_view kind = string_field(t, "kind");
  if (kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START")
    return transaction_modes(array_field(t, "options"), "begin", "BEGIN starts a transaction");
  if (kind == "TRANS_STMT_COMMIT") return make_rule(statement_class::read, "commit", "COMMIT ends the transaction");
  if (kind == "TRANS_STMT_ROLLBACK")
    return make_rule(statement_class::read, "rollback", "ROLLBACK ends the transaction");
  if (kind == "TRANS_STMT_SAVEPOINT")
    return make_rule(statement_class::read, "savepoint", "SAVEPOINT marks the transaction");
  if (kind == "TRANS_STMT_RELEASE") return make_rule(statement_class::read, "release", "RELEASE forgets a savepoint");
  if (kind == "TRANS_STMT_ROLLBACK_TO")
    return make_rule(statement_class::read, "rollback_to", "ROLLBACK TO undoes to a savepoint");
  if (kind == "TRANS_STMT_PREPARE")
    return make_rule(statement_class::write, "prepare_transaction",
                     "PREPARE TRANSACTION keeps the transaction and its locks beyond the session");
  if (kind == "TRANS_STMT_COMMIT_PREPARED" || kind == "TRANS_STMT_ROLLBACK_PREPARED")
    return make_rule(statement_class::admin, "finish_prepared",
                     "COMMIT/ROLLBACK PREPARED finishes a two-phase transaction, maybe another's");
  return make_rule(statement_class::unknown, "transaction", "a transaction form that is not modelled");
}

statement_rule discard(const json::object& d) {
  const std::string_view target = string_field(d, "target");
  if (target == "DISCARD_PLANS" || target == "DISCARD_SEQUENCES")
    return make_rule(statement_class::read, "discard", "DISCARD PLANS/SEQUENCES drops session caches");
  if (target == "DISCARD_TEMP")
    return make_rule(statement_class::ddl, "discard", "DISCARD TEMP drops the session's temporary tables");
  return make_rule(statement_class::admin, "discard", "DISCARD ALL also resets the read-only state and the role");
}

}  // namespace

statement_rule session_rule(const node& n) {
  const std::string_view t = n.type;
  const json::object& f = *n.fields;
  if (t == "VariableSetStmt") return variable_set(f);
  if (t == "VariableShowStmt") return make_rule(statement_class::read, "show", "SHOW reads a setting");
  if (t == "TransactionStmt") return transaction(f);
  if (t == "DiscardStmt") return discard(f);
  if (t == "ListenStmt") return make_rule(statement_class::read, "listen", "LISTEN subscribes to notifications");
  if (t == "UnlistenStmt") return make_rule(statement_class::read, "unlisten", "UNLISTEN unsubscribes");
  if (t == "NotifyStmt") return make_rule(statement_class::write, "notify", "NOTIFY sends to other sessions");
  if (t == "LockStmt") return make_rule(statement_class::write, "lock", "LOCK TABLE takes table locks");
  if (t == "ConstraintsSetStmt")
    return make_rule(statement_class::read, "set_constraints",
                     "SET CONSTRAINTS only moves when this transaction's checks run");
  if (t == "LoadStmt") return make_rule(statement_class::admin, "load", "LOAD loads a shared library into the server");
  if (t == "CheckPointStmt") return make_rule(statement_class::admin, "checkpoint", "CHECKPOINT acts on the whole server");
  return {};
}

}  // namespace gh::sql::pg
