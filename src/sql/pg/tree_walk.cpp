#include "sql/pg/tree_walk.hpp"

#include <algorithm>
#include <cstring>

#include "sql/pg/function_catalogue.hpp"
#include "sql/pg/node_text.hpp"
#include "sql/pg/settings.hpp"

namespace gh::sql::pg {
namespace {

// Messages deep. nesting_scan keeps parsed trees below two messages per unit
// of max_depth; the guard is a second line should the two ever disagree.
std::size_t max_walk_depth(const classify_options& o) {
  return std::max<std::size_t>(4096, 4 * o.max_depth);
}

// Every generated protobuf-c struct begins with its ProtobufCMessage base, so
// a pointer to the struct is a pointer to the base.
template <class T>
const ProtobufCMessage* as_message(const T* p) {
  return reinterpret_cast<const ProtobufCMessage*>(p);
}

bool is(const ProtobufCMessage* m, const ProtobufCMessageDescriptor& d) {
  return m->descriptor == &d;
}

class walker {
 public:
  walker(const classify_options& o, statement_facts& f)
      : options_(o), facts_(f), max_depth_(max_walk_depth(o)) {}

  void message(const ProtobufCMessage* m) {
    if (depth_ >= max_depth_) {
      facts_.too_deep = true;
      return;
    }
    ++depth_;
    dispatch(m);
    --depth_;
  }

 private:
  void dispatch(const ProtobufCMessage* m) {
    if (is(m, pg_query__node__descriptor)) return node(reinterpret_cast<const PgQuery__Node*>(m));
    if (is(m, pg_query__range_var__descriptor))
      return range_var(reinterpret_cast<const PgQuery__RangeVar*>(m), true);
    if (is(m, pg_query__func_call__descriptor))
      return func_call(reinterpret_cast<const PgQuery__FuncCall*>(m));
    if (is(m, pg_query__a__expr__descriptor))
      return a_expr(reinterpret_cast<const PgQuery__AExpr*>(m));
    if (is(m, pg_query__select_stmt__descriptor))
      return select(reinterpret_cast<const PgQuery__SelectStmt*>(m));
    if (is(m, pg_query__insert_stmt__descriptor))
      return dml(reinterpret_cast<const PgQuery__InsertStmt*>(m), "INSERT");
    if (is(m, pg_query__update_stmt__descriptor))
      return dml(reinterpret_cast<const PgQuery__UpdateStmt*>(m), "UPDATE");
    if (is(m, pg_query__delete_stmt__descriptor))
      return dml(reinterpret_cast<const PgQuery__DeleteStmt*>(m), "DELETE");
    if (is(m, pg_query__merge_stmt__descriptor))
      return dml(reinterpret_cast<const PgQuery__MergeStmt*>(m), "MERGE");
    if (is(m, pg_query__into_clause__descriptor))
      return into(reinterpret_cast<const PgQuery__IntoClause*>(m));
    if (is(m, pg_query__locking_clause__descriptor)) {
      // Its RangeVars name FROM items (often aliases), not tables: not walked.
      facts_.structure.raise(statement_class::write, "FOR UPDATE/SHARE takes row locks");
      return;
    }
    if (is(m, pg_query__sub_link__descriptor)) {
      const auto* s = reinterpret_cast<const PgQuery__SubLink*>(m);
      operator_use(s->n_oper_name, s->oper_name);
    } else if (is(m, pg_query__sort_by__descriptor)) {
      const auto* s = reinterpret_cast<const PgQuery__SortBy*>(m);
      operator_use(s->n_use_op, s->use_op);
    } else if (is(m, pg_query__range_table_sample__descriptor)) {
      const auto* s = reinterpret_cast<const PgQuery__RangeTableSample*>(m);
      call(name_parts(s->n_method, s->method));
    }
    children(m);
  }

  // The active member of Node's oneof; every member is a message pointer.
  void node(const PgQuery__Node* n) {
    if (n->node_case == PG_QUERY__NODE__NODE__NOT_SET) return;
    const ProtobufCFieldDescriptor* f =
        protobuf_c_message_descriptor_get_field(n->base.descriptor, n->node_case);
    if (f == nullptr || f->type != PROTOBUF_C_TYPE_MESSAGE) return;
    const ProtobufCMessage* child = nullptr;
    std::memcpy(&child, reinterpret_cast<const char*>(n) + f->offset, sizeof child);
    if (child != nullptr) message(child);
  }

  // Every message-typed field, except the members at `skip_a`/`skip_b`
  // (which the caller handles itself).
  void children(const ProtobufCMessage* m, const void* skip_a = nullptr,
                const void* skip_b = nullptr) {
    const ProtobufCMessageDescriptor* d = m->descriptor;
    const char* base = reinterpret_cast<const char*>(m);
    for (unsigned i = 0; i < d->n_fields; ++i) {
      const ProtobufCFieldDescriptor& f = d->fields[i];
      if (f.type != PROTOBUF_C_TYPE_MESSAGE) continue;
      const char* member = base + f.offset;
      if (member == skip_a || member == skip_b) continue;
      if (f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        std::uint32_t active = 0;
        std::memcpy(&active, base + f.quantifier_offset, sizeof active);
        if (active != f.id) continue;
      }
      if (f.label == PROTOBUF_C_LABEL_REPEATED) {
        std::size_t n = 0;
        ProtobufCMessage* const* items = nullptr;
        std::memcpy(&n, base + f.quantifier_offset, sizeof n);
        std::memcpy(&items, member, sizeof items);
        for (std::size_t k = 0; items != nullptr && k < n; ++k)
          if (items[k] != nullptr) message(items[k]);
      } else {
        const ProtobufCMessage* child = nullptr;
        std::memcpy(&child, member, sizeof child);
        if (child != nullptr) message(child);
      }
    }
  }

  // A CTE name hides a table of that name for unqualified references in the
  // WITH's own statement, not elsewhere: scoping is exact, or a CTE named
  // like a table elsewhere in the statement would hide that table.
  void enter_with(const PgQuery__WithClause* w) {
    if (w == nullptr) return;
    auto name_of = [](const PgQuery__Node* n) -> std::string_view {
      if (n == nullptr || n->node_case != PG_QUERY__NODE__NODE_COMMON_TABLE_EXPR ||
          n->common_table_expr == nullptr)
        return {};
      return text(n->common_table_expr->ctename);
    };
    if (w->recursive) {
      for (std::size_t i = 0; i < w->n_ctes; ++i) ctes_.push_back(name_of(w->ctes[i]));
      for (std::size_t i = 0; i < w->n_ctes; ++i)
        if (w->ctes[i]) message(as_message(w->ctes[i]));
      return;
    }
    for (std::size_t i = 0; i < w->n_ctes; ++i) {  // each sees the ones before it
      if (w->ctes[i]) message(as_message(w->ctes[i]));
      ctes_.push_back(name_of(w->ctes[i]));
    }
  }

  void select(const PgQuery__SelectStmt* s) {
    const std::size_t mark = ctes_.size();
    enter_with(s->with_clause);
    children(as_message(s), &s->with_clause);
    ctes_.resize(mark);
  }

  // The target of INSERT/UPDATE/DELETE/MERGE is always a table, never a CTE.
  template <class stmt>
  void dml(const stmt* s, std::string_view verb) {
    facts_.structure.raise(statement_class::write,
                           depth_ > 1 ? "a data-modifying " + std::string(verb) +
                                            " inside the statement writes rows"
                                      : std::string(verb) + " writes rows");
    const std::size_t mark = ctes_.size();
    enter_with(s->with_clause);
    range_var(s->relation, false);
    children(as_message(s), &s->with_clause, &s->relation);
    ctes_.resize(mark);
  }

  void into(const PgQuery__IntoClause* c) {
    facts_.structure.raise(statement_class::ddl, "SELECT INTO / CREATE TABLE AS creates a table");
    range_var(c->rel, false);
    children(as_message(c), &c->rel);
  }

  void range_var(const PgQuery__RangeVar* rv, bool may_name_cte) {
    if (rv == nullptr) return;
    const std::string_view schema = text(rv->schemaname), name = text(rv->relname);
    if (may_name_cte && schema.empty() && text(rv->catalogname).empty() &&
        std::find(ctes_.begin(), ctes_.end(), name) != ctes_.end())
      return;
    facts_.add_table(table_name{std::string(schema), std::string(name)});
  }

  void func_call(const PgQuery__FuncCall* f) {
    const auto parts = name_parts(f->n_funcname, f->funcname);
    if (!parts.empty()) {
      const std::string_view schema = parts.size() >= 2 ? parts[parts.size() - 2] : "";
      if (parts.back() == "set_config" && (schema.empty() || schema == "pg_catalog")) {
        facts_.add_function(lower_ascii(join_name(parts)));
        set_config(f);
      } else {
        call(parts);
      }
    }
    children(as_message(f));
  }

  void call(const std::vector<std::string_view>& parts) {
    if (parts.empty()) return;
    facts_.add_function(lower_ascii(join_name(parts)));
    facts_.calls.raise(function_effect(parts, options_));
  }

  void set_config(const PgQuery__FuncCall* f) {
    const auto name = f->n_args >= 1 ? constant_text(f->args[0]) : std::nullopt;
    if (!name) {
      facts_.calls.raise(statement_class::admin, "set_config of a setting named by an expression");
      return;
    }
    const auto value = f->n_args >= 2 ? constant_text(f->args[1]) : std::nullopt;
    const auto local_text = f->n_args >= 3 ? constant_text(f->args[2]) : std::nullopt;
    const auto local = local_text ? parse_pg_bool(*local_text) : std::nullopt;
    const std::string lname = lower_ascii(*name);
    auto verdict = classify_setting(lname, value);
    if ((!value || !local) && lname == "search_path")
      verdict = {statement_class::admin,
                 "search_path set from a non-constant value cannot be tracked"};
    facts_.calls.raise(verdict.cls, "set_config: " + verdict.reason);
    if (value && local) facts_.settings.push_back({lname, *value, *local});
  }

  void a_expr(const PgQuery__AExpr* e) {
    switch (e->kind) {
      case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
      case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN:
      case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM:
      case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM:
        break;  // named after the keyword; the comparisons are built-in
      default:
        operator_use(e->n_name, e->name);
    }
    children(as_message(e));
  }

  // A user-defined operator runs whatever function it was created on.
  void operator_use(std::size_t n, PgQuery__Node* const* name) {
    if (n == 0) return;
    const auto parts = name_parts(n, name);
    const std::string_view schema = parts.size() >= 2 ? parts[parts.size() - 2] : "";
    if ((schema.empty() || schema == "pg_catalog") && is_builtin_operator(parts.back())) return;
    const std::string written = join_name(parts);
    const auto& listed = options_.read_functions;
    if (std::find(listed.begin(), listed.end(), written) != listed.end()) return;
    facts_.calls.raise(statement_class::write,
                       "operator " + written + " is not a built-in operator and may call any function");
  }

  const classify_options& options_;
  statement_facts& facts_;
  std::vector<std::string_view> ctes_;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
};

}  // namespace

void effect::raise(statement_class c, std::string_view why) {
  if (c > cls || (c == cls && reason.empty())) {
    cls = c;
    reason = why;
  }
}

void statement_facts::add_table(table_name t) {
  if (std::find(tables.begin(), tables.end(), t) == tables.end()) tables.push_back(std::move(t));
}

void statement_facts::add_function(std::string name) {
  if (std::find(functions.begin(), functions.end(), name) == functions.end())
    functions.push_back(std::move(name));
}

void walk(const ProtobufCMessage* root, const classify_options& options, statement_facts& facts) {
  if (root != nullptr) walker(options, facts).message(root);
}

}  // namespace gh::sql::pg
