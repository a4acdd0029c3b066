#include "sql/pg/tree_walk.hpp"

#include <algorithm>
#include <optional>

#include "sql/pg/function_catalogue.hpp"
#include "sql/pg/settings.hpp"

namespace gh::sql::pg {
namespace {

// JSON levels deep. nesting_scan keeps parsed trees within a few levels per
// unit of max_depth; the guard is a second line should the two disagree.
std::size_t max_walk_depth(const classify_options& o) {
  return std::max<std::size_t>(8192, 8 * o.max_depth);
}

class walker {
 public:
  walker(const classify_options& o, statement_facts& f)
      : options_(o), facts_(f), max_depth_(max_walk_depth(o)) {}

  void value(const json::value& v) {
    guarded([&] {
      if (const json::array* a = v.if_array()) {
        for (const auto& item : *a) value(item);
      } else if (const auto n = as_node(v)) {
        dispatch(*n);
      } else if (const json::object* o = v.if_object()) {
        bare(*o);
      }
    });
  }

 private:
  // Every step down the tree goes through here.
  template <class step>
  void guarded(step&& f) {
    if (depth_ >= max_depth_) {
      facts_.too_deep = true;
      return;
    }
    ++depth_;
    f();
    --depth_;
  }

  void dispatch(const node& n) {
    const json::object& f = *n.fields;
    const std::string_view t = n.type;
    if (t == "RangeVar") return range_var(f, true);
    if (t == "FuncCall") return func_call(f);
    if (t == "SelectStmt") return select(f);
    if (t == "InsertStmt") return dml(f, "INSERT");
    if (t == "UpdateStmt") return dml(f, "UPDATE");
    if (t == "DeleteStmt") return dml(f, "DELETE");
    if (t == "MergeStmt") return dml(f, "MERGE");
    if (t == "LockingClause") {
      // Its RangeVars name FROM items (often aliases), not tables: not walked.
      facts_.structure.raise(statement_class::write, "FOR UPDATE/SHARE takes row locks");
      return;
    }
    if (t == "A_Expr") {
      // BETWEEN forms are named after the keyword; their comparisons are built-in.
      if (string_field(f, "kind").find("BETWEEN") == std::string_view::npos)
        operator_use(array_field(f, "name"));
    } else if (t == "SubLink") {
      operator_use(array_field(f, "operName"));
    } else if (t == "SortBy") {
      operator_use(array_field(f, "useOp"));
    } else if (t == "RangeTableSample") {
      call(name_parts(array_field(f, "method")));
    } else if (t == "CallStmt") {
      if (const json::object* fc = object_field(f, "funccall")) return func_call(*fc);
    } else if (t == "CreateTableAsStmt") {
      if (const json::object* into_clause = object_field(f, "into")) into(*into_clause);
      return members(f, "into");
    }
    members(f);
  }

  // A message without its wrapper. A RangeVar is the only message of the raw
  // grammar with a `relname` field (the typed fields that hold one directly:
  // relation, view, sequence, rel, table, pktable, ...).
  void bare(const json::object& o) {
    if (o.if_contains("relname")) return range_var(o, true);
    members(o);
  }

  void members(const json::object& o, std::string_view skip_a = {}, std::string_view skip_b = {}) {
    for (const auto& m : o) {
      const std::string_view k = m.key();
      if (!skip_a.empty() && k == skip_a) continue;
      if (!skip_b.empty() && k == skip_b) continue;
      const json::value& v = m.value();
      if (v.is_object() || v.is_array()) value(v);
    }
  }

  // A CTE name hides a table of that name for unqualified references in the
  // WITH's own statement, not elsewhere: scoping is exact, or a CTE named
  // like a table elsewhere in the statement would hide that table.
  void enter_with(const json::object* w) {
    if (w == nullptr) return;
    const json::array* ctes = array_field(*w, "ctes");
    if (ctes == nullptr) return;
    auto name_of = [](const json::value& v) -> std::string_view {
      const auto n = as_node(v);
      return n && n->type == "CommonTableExpr" ? string_field(*n->fields, "ctename") : "";
    };
    if (bool_field(*w, "recursive")) {
      for (const auto& c : *ctes) ctes_.push_back(name_of(c));
      for (const auto& c : *ctes) value(c);
      return;
    }
    for (const auto& c : *ctes) {  // each sees the ones before it
      value(c);
      ctes_.push_back(name_of(c));
    }
  }

  // larg/rarg hold SelectStmts and intoClause an IntoClause without wrappers.
  void select(const json::object& s) {
    const std::size_t mark = ctes_.size();
    enter_with(object_field(s, "withClause"));
    for (const auto& m : s) {
      const std::string_view k = m.key();
      const json::object* o = m.value().if_object();
      if (k == "withClause") continue;
      if ((k == "larg" || k == "rarg") && o) guarded([&] { select(*o); });
      else if (k == "intoClause" && o) into(*o);
      else if (m.value().is_object() || m.value().is_array()) value(m.value());
    }
    ctes_.resize(mark);
  }

  // The target of INSERT/UPDATE/DELETE/MERGE is always a table, never a CTE.
  void dml(const json::object& s, std::string_view verb) {
    facts_.structure.raise(statement_class::write,
                           depth_ > 1 ? "a data-modifying " + std::string(verb) +
                                            " inside the statement writes rows"
                                      : std::string(verb) + " writes rows");
    const std::size_t mark = ctes_.size();
    enter_with(object_field(s, "withClause"));
    if (const json::object* rel = object_field(s, "relation")) range_var(*rel, false);
    members(s, "withClause", "relation");
    ctes_.resize(mark);
  }

  void into(const json::object& c) {
    facts_.structure.raise(statement_class::ddl, "SELECT INTO / CREATE TABLE AS creates a table");
    if (const json::object* rel = object_field(c, "rel")) range_var(*rel, false);
    members(c, "rel");
  }

  void range_var(const json::object& rv, bool may_name_cte) {
    const std::string_view schema = string_field(rv, "schemaname");
    const std::string_view name = string_field(rv, "relname");
    if (may_name_cte && schema.empty() && string_field(rv, "catalogname").empty() &&
        std::find(ctes_.begin(), ctes_.end(), name) != ctes_.end())
      return;
    facts_.add_table(table_name{std::string(schema), std::string(name)});
  }

  void func_call(const json::object& f) {
    const auto parts = name_parts(array_field(f, "funcname"));
    if (!parts.empty()) {
      const std::string_view schema = parts.size() >= 2 ? parts[parts.size() - 2] : "";
      if (parts.back() == "set_config" && (schema.empty() || schema == "pg_catalog")) {
        facts_.add_function(lower_ascii(join_name(parts)));
        set_config(array_field(f, "args"));
      } else {
        call(parts);
      }
    }
    members(f, "funcname");
  }

  void call(const std::vector<std::string_view>& parts) {
    if (parts.empty()) return;
    facts_.add_function(lower_ascii(join_name(parts)));
    facts_.calls.raise(function_effect(parts, options_));
    if (auto view = view_behind(parts)) facts_.add_table(std::move(*view));
  }

  // The functions behind the views that show other sessions' statements,
  // transactions and locks read what those views read, and are reported as
  // reading them: a rule limited to tables covers them only when it names
  // the view (policy/match.cpp), however the view is reached.
  static std::optional<table_name> view_behind(const std::vector<std::string_view>& parts) {
    const std::string_view name = parts.back();
    const std::string_view schema = parts.size() >= 2 ? parts[parts.size() - 2] : "";
    if (schema.empty() || schema == "pg_catalog") {
      if (name == "pg_stat_get_activity" || name.starts_with("pg_stat_get_backend_"))
        return table_name{"pg_catalog", "pg_stat_activity"};
      if (name == "pg_lock_status" || name == "pg_blocking_pids" || name == "pg_safe_snapshot_blocking_pids")
        return table_name{"pg_catalog", "pg_locks"};
    }
    // The extension's functions, in the schema it was installed in.
    if (name == "pg_stat_statements" || name == "pg_stat_statements_info")
      return table_name{std::string(schema), std::string(name)};
    return std::nullopt;
  }

  void set_config(const json::array* args) {
    auto arg = [&](std::size_t i) -> std::optional<std::string> {
      return args && args->size() > i ? constant_text((*args)[i]) : std::nullopt;
    };
    const auto name = arg(0);
    if (!name) {
      facts_.calls.raise(statement_class::admin, "set_config of a setting named by an expression");
      return;
    }
    const auto value = arg(1);
    const auto local_text = arg(2);
    const auto local = local_text ? parse_pg_bool(*local_text) : std::nullopt;
    const std::string lname = lower_ascii(*name);
    auto verdict = classify_setting(lname, value);
    if ((!value || !local) && lname == "search_path")
      verdict = {statement_class::admin,
                 "search_path set from a non-constant value cannot be tracked"};
    facts_.calls.raise(verdict.cls, "set_config: " + verdict.reason);
    if (value && local) facts_.settings.push_back({lname, *value, *local});
  }

  // A user-defined operator runs whatever function it was created on.
  void operator_use(const json::array* name) {
    if (name == nullptr || name->empty()) return;
    const auto parts = name_parts(name);
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

void walk(const json::value& root, const classify_options& options, statement_facts& facts) {
  walker(options, facts).value(root);
}

}  // namespace gh::sql::pg
