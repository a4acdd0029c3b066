#include "sql/pg/classify.hpp"

#include "sql/pg/nesting_scan.hpp"
#include "sql/pg/parse_tree.hpp"
#include "sql/pg/statement_rules.hpp"
#include "sql/pg/tree_walk.hpp"

namespace gh::sql::pg {
namespace {

classification refused(std::string kind, std::string reason) {
  statement_info info;
  info.cls = statement_class::unknown;
  info.kind = std::move(kind);
  info.reason = std::move(reason);
  classification out;
  out.cls = statement_class::unknown;
  out.reason = info.reason;
  out.statements.push_back(std::move(info));
  return out;
}

statement_info classify_one(const json::value& stmt, const classify_options& options) {
  statement_facts facts;
  walk(stmt, options, facts);
  statement_rule rule = rule_for(&stmt, facts, options);

  statement_info info;
  info.kind = std::move(rule.kind);
  info.prepared_name = std::move(rule.prepared_name);
  info.tables = std::move(facts.tables);
  info.functions = std::move(facts.functions);
  info.settings = std::move(rule.settings);
  // set_config() in a statement that runs now changes the session now; in
  // one that runs later (PREPARE, DECLARE, a view or function body) or never
  // (EXPLAIN without ANALYZE) it does not, and a later search_path change is
  // one the session could not track.
  const bool runs_now = !rule.plan_only && rule.executes.empty() && info.kind != "prepare" &&
                        info.kind != "declare_cursor" && rule.cls <= statement_class::write;
  for (const auto& change : facts.settings) {
    if (runs_now) info.settings.push_back(change);
    else if (change.name == "search_path")
      facts.calls.raise(statement_class::admin,
                        "search_path changed by a statement that runs later cannot be tracked");
  }
  if (facts.too_deep) {
    info.cls = statement_class::unknown;
    info.reason = "the statement nests too deeply to classify";
  } else if (!rule.executes.empty()) {
    // The EXECUTE contract (classify.hpp): the session substitutes the class
    // it recorded at PREPARE, no milder than what the arguments need.
    effect floor;
    floor.raise(rule.cls, rule.reason);
    if (!rule.plan_only) floor.raise(facts.structure);
    floor.raise(facts.calls);
    info.kind = "execute";
    info.cls = statement_class::unknown;
    info.reason = "executes prepared statement " + rule.executes;
    info.prepared_name = std::move(rule.executes);
    info.execute_floor = floor.cls;
  } else {
    effect e;
    e.raise(rule.cls, rule.reason);
    if (!rule.plan_only) e.raise(facts.structure);
    e.raise(facts.calls);
    info.cls = e.cls;
    info.reason = std::move(e.reason);
  }
  return info;
}

classification classify_checked(std::string_view sql, const classify_options& options) {
  if (sql.size() > options.max_statement_bytes)
    return refused("unparsed", "the statement is " + std::to_string(sql.size()) +
                                   " bytes, over the limit of " +
                                   std::to_string(options.max_statement_bytes));
  if (sql.find('\0') != std::string_view::npos)
    return refused("unparsed", "the statement contains a NUL byte");
  if (nesting_bound(sql, options.max_depth) > options.max_depth)
    return refused("unparsed", "the statement nests deeper than the limit of " +
                                   std::to_string(options.max_depth));
  // A few JSON levels per tree level; the nesting bound keeps both small.
  auto tree = parse(sql, 32 * options.max_depth + 64);
  if (!tree) return refused("invalid", "PostgreSQL's parser rejects it: " + tree.error().message);

  classification out;
  out.cls = statement_class::read;
  out.reason = "empty query";
  const json::object* root = tree->root().if_object();
  const json::array* stmts = root ? array_field(*root, "stmts") : nullptr;
  for (std::size_t i = 0; stmts && i < stmts->size(); ++i) {
    const json::object* raw = (*stmts)[i].if_object();
    const json::value* stmt = raw ? value_field(*raw, "stmt") : nullptr;
    statement_info info = stmt ? classify_one(*stmt, options)
                               : statement_info{statement_class::unknown, "unknown", {}, {},
                                                "a statement without a body"};
    if (out.statements.empty() || info.cls > out.cls) {
      out.cls = info.cls;
      out.reason = info.reason;
    }
    out.statements.push_back(std::move(info));
  }
  return out;
}

}  // namespace

classification classify(std::string_view sql, const classify_options& options) {
  try {
    return classify_checked(sql, options);
  } catch (...) {  // std::bad_alloc: fail closed rather than throw into a session
    classification out;
    out.reason = "classification failed for lack of memory";
    return out;
  }
}

std::uint64_t options_fingerprint(const classify_options& options) noexcept {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a
  auto mix = [&h](std::string_view bytes) {
    for (unsigned char c : bytes) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  for (const auto& f : options.read_functions) {
    mix(f);
    mix(std::string_view("\0", 1));
  }
  for (std::uint64_t v : {std::uint64_t{options.max_statement_bytes}, std::uint64_t{options.max_depth}})
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xff;
      h *= 1099511628211ull;
    }
  return h;
}

}  // namespace gh::sql::pg
