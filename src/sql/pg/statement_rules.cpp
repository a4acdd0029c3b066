#include "sql/pg/statement_rules.hpp"

#include <algorithm>

namespace gh::sql::pg {
namespace {

statement_rule select_rule(const json::object& s) {
  if (object_field(s, "intoClause") != nullptr)
    return make_rule(statement_class::ddl, "select_into", "SELECT INTO creates a table");
  return make_rule(statement_class::read, "select", "a query reads");
}

// EXPLAIN's ANALYZE option: absent is false; present is true unless its
// argument is a constant false. Several ANALYZE options: any true one counts.
bool explain_analyzes(const json::object& e) {
  bool analyze = false;
  if (const json::array* options = array_field(e, "options")) {
    for (const auto& o : *options) {
      const auto d = as_node(o);
      if (!d || d->type != "DefElem" || lower_ascii(string_field(*d->fields, "defname")) != "analyze")
        continue;
      const json::value* arg = value_field(*d->fields, "arg");
      const auto text = arg ? constant_text(*arg) : std::nullopt;
      const std::string v = text ? lower_ascii(*text) : "";
      const bool off = text && (v == "false" || v == "off" || v == "0");
      if (!off) analyze = true;
    }
  }
  return analyze;
}

const json::value* query_of(const json::object& o) { return value_field(o, "query"); }

statement_rule explain_rule(const json::object& e, statement_facts& facts,
                            const classify_options& options) {
  statement_rule inner = rule_for(query_of(e), facts, options);
  statement_rule r;
  r.kind = "explain";
  r.executes = inner.executes;
  if (explain_analyzes(e)) {
    r.cls = inner.cls;
    r.reason = "EXPLAIN ANALYZE runs the statement: " + inner.reason;
  } else {
    r.cls = statement_class::read;
    r.reason = "EXPLAIN without ANALYZE only plans the statement";
    r.plan_only = true;
  }
  return r;
}

statement_rule copy_rule(const json::object& c, statement_facts& facts,
                         const classify_options& options) {
  const bool from = bool_field(c, "is_from");
  const char* kind = from ? "copy_from" : "copy_to";
  if (bool_field(c, "is_program"))
    return make_rule(statement_class::admin, kind, "COPY with PROGRAM runs a command on the database server");
  if (!string_field(c, "filename").empty())
    return make_rule(statement_class::admin, kind,
                     "COPY to or from a server file reads or writes the server's file system");
  if (from) return make_rule(statement_class::write, kind, "COPY FROM STDIN writes rows");
  if (value_field(c, "query") != nullptr) {
    statement_rule inner = rule_for(query_of(c), facts, options);
    inner.kind = kind;
    inner.reason = "COPY (query) TO STDOUT runs the query: " + inner.reason;
    return inner;
  }
  return make_rule(statement_class::read, kind, "COPY TO STDOUT reads");
}

// PostgreSQL 15 has no built-in procedure: a procedure is the user's code,
// a read only when the connection declares it so (read_functions).
statement_rule call_rule(const json::object& c, const classify_options& options) {
  const json::object* fc = object_field(c, "funccall");
  if (fc == nullptr) return make_rule(statement_class::unknown, "call", "CALL without a procedure");
  const std::string written = join_name(name_parts(array_field(*fc, "funcname")));
  const auto& listed = options.read_functions;
  if (std::find(listed.begin(), listed.end(), written) != listed.end())
    return make_rule(statement_class::read, "call", "procedure " + written + " is declared read-only");
  return make_rule(statement_class::write, "call", "procedure " + written + " is not known to be read-only");
}

statement_rule create_table_as_rule(const json::object& c, statement_facts& facts,
                                    const classify_options& options) {
  statement_rule inner = rule_for(query_of(c), facts, options);
  const bool matview = string_field(c, "objtype") == "OBJECT_MATVIEW";
  statement_rule r = make_rule(statement_class::ddl,
                               matview ? "create_materialized_view"
                                       : (bool_field(c, "is_select_into") ? "select_into" : "create_table_as"),
                               "CREATE TABLE AS creates a table");
  if (!inner.executes.empty()) {
    // Rare, and a session that substituted the prepared statement's class
    // for it would lose the ddl: not modelled, so unknown.
    r.cls = statement_class::unknown;
    r.reason = "CREATE TABLE AS EXECUTE " + inner.executes + " is not modelled";
    r.prepared_name = inner.executes;
  }
  return r;
}

statement_rule wrapped(statement_rule inner, std::string kind) {
  inner.kind = std::move(kind);
  return inner;
}

}  // namespace

statement_rule make_rule(statement_class c, std::string kind, std::string reason) {
  statement_rule r;
  r.cls = c;
  r.kind = std::move(kind);
  r.reason = std::move(reason);
  return r;
}

statement_rule rule_for(const json::value* stmt, statement_facts& facts,
                        const classify_options& options) {
  const auto n = stmt ? as_node(*stmt) : std::nullopt;
  if (!n) return make_rule(statement_class::unknown, "unknown", "a statement the parser did not describe");
  const json::object& f = *n->fields;
  const std::string_view t = n->type;
  if (t == "SelectStmt") return select_rule(f);
  if (t == "InsertStmt") return make_rule(statement_class::write, "insert", "INSERT writes rows");
  if (t == "UpdateStmt") return make_rule(statement_class::write, "update", "UPDATE writes rows");
  if (t == "DeleteStmt") return make_rule(statement_class::write, "delete", "DELETE writes rows");
  if (t == "MergeStmt") return make_rule(statement_class::write, "merge", "MERGE writes rows");
  if (t == "ExplainStmt") return explain_rule(f, facts, options);
  if (t == "CopyStmt") return copy_rule(f, facts, options);
  if (t == "CreateTableAsStmt") return create_table_as_rule(f, facts, options);
  if (t == "PrepareStmt") {
    statement_rule r = wrapped(rule_for(query_of(f), facts, options), "prepare");
    r.prepared_name = string_field(f, "name");
    return r;
  }
  if (t == "ExecuteStmt") {
    statement_rule r = make_rule(statement_class::read, "execute", "");
    r.executes = string_field(f, "name");
    return r;
  }
  if (t == "DeallocateStmt") {
    statement_rule r = make_rule(statement_class::read, "deallocate", "DEALLOCATE forgets a prepared statement");
    r.prepared_name = string_field(f, "name");
    return r;
  }
  if (t == "DeclareCursorStmt") return wrapped(rule_for(query_of(f), facts, options), "declare_cursor");
  if (t == "FetchStmt")
    return make_rule(statement_class::read, bool_field(f, "ismove") ? "move" : "fetch",
                     "FETCH/MOVE reads from a cursor whose DECLARE was classified");
  if (t == "ClosePortalStmt") return make_rule(statement_class::read, "close", "CLOSE ends a cursor");
  if (t == "CallStmt") return call_rule(f, options);
  if (t == "DoStmt") return make_rule(statement_class::admin, "do", "DO runs arbitrary procedural code");
  statement_rule r = session_rule(*n);
  if (!r.kind.empty()) return r;
  return utility_rule(*n, facts);
}

}  // namespace gh::sql::pg
