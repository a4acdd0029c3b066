#include "sql/pg/statement_rules.hpp"

#include <algorithm>

#include "sql/pg/node_text.hpp"

namespace gh::sql::pg {
namespace {

statement_rule make(statement_class c, std::string kind, std::string reason) {
  statement_rule r;
  r.cls = c;
  r.kind = std::move(kind);
  r.reason = std::move(reason);
  return r;
}

statement_rule select_rule(const PgQuery__SelectStmt* s) {
  if (s != nullptr && s->into_clause != nullptr)
    return make(statement_class::ddl, "select_into", "SELECT INTO creates a table");
  return make(statement_class::read, "select", "a query reads");
}

// EXPLAIN's ANALYZE option: absent is false; present is true unless its
// argument is a constant false. Several ANALYZE options: any true one counts.
bool explain_analyzes(const PgQuery__ExplainStmt* e) {
  bool analyze = false;
  for (std::size_t i = 0; i < e->n_options; ++i) {
    const PgQuery__Node* o = e->options[i];
    if (o == nullptr || o->node_case != PG_QUERY__NODE__NODE_DEF_ELEM || o->def_elem == nullptr)
      continue;
    const PgQuery__DefElem* d = o->def_elem;
    if (lower_ascii(text(d->defname)) != "analyze") continue;
    const auto arg = def_arg_text(d);
    const std::string value = arg ? lower_ascii(*arg) : "";
    const bool off = arg && (value == "false" || value == "off" || value == "0");
    if (!off) analyze = true;
  }
  return analyze;
}

statement_rule explain_rule(const PgQuery__ExplainStmt* e, statement_facts& facts,
                            const classify_options& options) {
  statement_rule inner = rule_for(e->query, facts, options);
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

statement_rule copy_rule(const PgQuery__CopyStmt* c, statement_facts& facts,
                         const classify_options& options) {
  const bool server_side = c->is_program || !text(c->filename).empty();
  if (c->is_program)
    return make(statement_class::admin, c->is_from ? "copy_from" : "copy_to",
                "COPY with PROGRAM runs a command on the database server");
  if (server_side)
    return make(statement_class::admin, c->is_from ? "copy_from" : "copy_to",
                "COPY to or from a server file reads or writes the server's file system");
  if (c->is_from) return make(statement_class::write, "copy_from", "COPY FROM STDIN writes rows");
  if (c->query != nullptr) {
    statement_rule inner = rule_for(c->query, facts, options);
    inner.kind = "copy_to";
    inner.reason = "COPY (query) TO STDOUT runs the query: " + inner.reason;
    return inner;
  }
  return make(statement_class::read, "copy_to", "COPY TO STDOUT reads");
}

// PostgreSQL 15 has no built-in procedure: a procedure is the user's code,
// a read only when the connection declares it so (read_functions).
statement_rule call_rule(const PgQuery__CallStmt* c, const classify_options& options) {
  if (c->funccall == nullptr) return make(statement_class::unknown, "call", "CALL without a procedure");
  const std::string written = join_name(name_parts(c->funccall->n_funcname, c->funccall->funcname));
  const auto& listed = options.read_functions;
  if (std::find(listed.begin(), listed.end(), written) != listed.end())
    return make(statement_class::read, "call", "procedure " + written + " is declared read-only");
  return make(statement_class::write, "call",
              "procedure " + written + " is not known to be read-only");
}

statement_rule create_table_as_rule(const PgQuery__CreateTableAsStmt* c, statement_facts& facts,
                                    const classify_options& options) {
  statement_rule inner = rule_for(c->query, facts, options);
  statement_rule r = make(statement_class::ddl,
                          c->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW
                              ? "create_materialized_view"
                              : (c->is_select_into ? "select_into" : "create_table_as"),
                          "CREATE TABLE AS creates a table");
  r.executes = inner.executes;
  return r;
}

}  // namespace

statement_rule rule_for(const PgQuery__Node* n, statement_facts& facts,
                        const classify_options& options) {
  if (n == nullptr) return make(statement_class::unknown, "unknown", "empty statement node");
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT: return select_rule(n->select_stmt);
    case PG_QUERY__NODE__NODE_INSERT_STMT:
      return make(statement_class::write, "insert", "INSERT writes rows");
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
      return make(statement_class::write, "update", "UPDATE writes rows");
    case PG_QUERY__NODE__NODE_DELETE_STMT:
      return make(statement_class::write, "delete", "DELETE writes rows");
    case PG_QUERY__NODE__NODE_MERGE_STMT:
      return make(statement_class::write, "merge", "MERGE writes rows");
    case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
      if (n->explain_stmt) return explain_rule(n->explain_stmt, facts, options);
      break;
    case PG_QUERY__NODE__NODE_COPY_STMT:
      if (n->copy_stmt) return copy_rule(n->copy_stmt, facts, options);
      break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      if (n->create_table_as_stmt) return create_table_as_rule(n->create_table_as_stmt, facts, options);
      break;
    case PG_QUERY__NODE__NODE_PREPARE_STMT:
      if (n->prepare_stmt) {
        statement_rule inner = rule_for(n->prepare_stmt->query, facts, options);
        inner.kind = "prepare";
        inner.prepared_name = text(n->prepare_stmt->name);
        return inner;
      }
      break;
    case PG_QUERY__NODE__NODE_EXECUTE_STMT:
      if (n->execute_stmt) {
        statement_rule r = make(statement_class::read, "execute", "");
        r.executes = text(n->execute_stmt->name);
        return r;
      }
      break;
    case PG_QUERY__NODE__NODE_DEALLOCATE_STMT: {
      statement_rule r = make(statement_class::read, "deallocate",
                              "DEALLOCATE forgets a prepared statement");
      if (n->deallocate_stmt) r.prepared_name = text(n->deallocate_stmt->name);
      return r;
    }
    case PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT:
      if (n->declare_cursor_stmt) {
        statement_rule inner = rule_for(n->declare_cursor_stmt->query, facts, options);
        inner.kind = "declare_cursor";
        return inner;
      }
      break;
    case PG_QUERY__NODE__NODE_FETCH_STMT:
      return make(statement_class::read, n->fetch_stmt && n->fetch_stmt->ismove ? "move" : "fetch",
                  "FETCH/MOVE reads from a cursor whose DECLARE was classified");
    case PG_QUERY__NODE__NODE_CLOSE_PORTAL_STMT:
      return make(statement_class::read, "close", "CLOSE ends a cursor");
    case PG_QUERY__NODE__NODE_CALL_STMT:
      if (n->call_stmt) return call_rule(n->call_stmt, options);
      break;
    case PG_QUERY__NODE__NODE_DO_STMT:
      return make(statement_class::admin, "do", "DO runs arbitrary procedural code");
    default: {
      statement_rule r = session_rule(n);
      if (!r.kind.empty()) return r;
      return utility_rule(n, facts);
    }
  }
  return make(statement_class::unknown, "unknown", "statement without its parts");
}

}  // namespace gh::sql::pg
