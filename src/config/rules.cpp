// rules: — who may run which classes where. The loader refuses every rule
// that could not do what it says: no classes, nobody to review, a class both
// allowed and reviewed, `unknown` allowed outright, an unknown connection.
#include <algorithm>

#include "config/sections.hpp"
#include "config/values.hpp"
#include "policy/table_pattern.hpp"

namespace gh::config::detail {
namespace {

using sql::statement_class;

std::vector<std::string> read_people(const context& cx, const located& at, std::string_view what) {
  std::string shape = "a " + std::string(what) + " (a name, or group:NAME)";
  std::vector<std::string> out;
  for (const auto& item : items(cx, at, "names or group:NAME")) {
    std::string p = text(cx, item, shape);
    bool group = p.starts_with("group:");
    if (!is_principal_name(p) || (group && p.size() == 6)) fail_expected(cx, item, shape);
    out.push_back(std::move(p));
  }
  if (out.empty()) fail_expected(cx, at, "at least one " + std::string(what));
  return out;
}

std::vector<statement_class> read_classes(const context& cx, const located& at, bool allow) {
  const std::string shape = allow ? "a class: read, write, ddl or admin (unknown only in review)"
                                  : "a class: read, write, ddl, admin or unknown";
  std::vector<statement_class> out;
  for (const auto& item : items(cx, at, "classes")) {
    auto c = sql::parse_statement_class(text(cx, item, shape));
    // An unparseable statement may do anything: only a human may let it run.
    if (!c || (allow && *c == statement_class::unknown)) fail_expected(cx, item, shape);
    if (std::find(out.begin(), out.end(), *c) != out.end())
      fail_expected(cx, item, "each class once");
    out.push_back(*c);
  }
  return out;
}

std::vector<std::string> read_tables(const context& cx, const located& at) {
  constexpr std::string_view shape = "schema.table or schema.* (quote mixed case: public.\"Orders\")";
  std::vector<std::string> out;
  for (const auto& item : items(cx, at, "tables")) {
    auto p = policy::parse_table_pattern(text(cx, item, shape));
    if (!p) fail_expected(cx, item, shape);
    out.push_back(policy::to_string(*p));
  }
  if (out.empty()) fail_expected(cx, at, "at least one table (leave tables out to cover every table)");
  return out;
}

void read_jit(const context& cx, const located& at, policy::rule& r) {
  if (at.node.IsMap()) {
    map_reader m(cx, at, {"max"});
    r.jit = true;
    if (auto v = m.find("max")) r.jit_max = duration(cx, *v, std::chrono::seconds(1));
    return;
  }
  if (!at.node.IsScalar()) fail_expected(cx, at, "true, false or { max: DURATION }");
  r.jit = boolean(cx, at);
}

policy::rule read_rule(const context& cx, const located& at,
                       const std::map<std::string, connection>& connections) {
  map_reader m(cx, at, {"name", "principals", "connections", "allow", "review", "reviewers",
                        "tables", "jit"});
  policy::rule r;
  r.line = at.line;
  located name = m.need("name", "the rule's name");
  r.name = text(cx, name, "a rule name");
  if (!is_name(r.name)) fail_expected(cx, name, "a name of letters, digits, '_', '-' or '.'");
  r.principals = read_people(cx, m.need("principals", "who the rule is for"), "principal");
  located conns = m.need("connections", "the connections the rule covers");
  for (const auto& item : items(cx, conns, "connection names")) {
    std::string c = text(cx, item, "a connection name");
    if (!connections.count(c)) fail_expected(cx, item, "a connection listed under connections:");
    r.connections.push_back(std::move(c));
  }
  if (r.connections.empty()) fail_expected(cx, conns, "at least one connection");
  if (auto v = m.find("allow")) r.allow = read_classes(cx, *v, true);
  if (auto v = m.find("review")) r.review = read_classes(cx, *v, false);
  if (auto v = m.find("reviewers")) r.reviewers = read_people(cx, *v, "reviewer");
  if (auto v = m.find("tables")) r.tables = read_tables(cx, *v);
  if (auto v = m.find("jit")) read_jit(cx, *v, r);

  if (r.allow.empty() && r.review.empty())
    cx.fail(at.line, at.key + ".allow",
            "expected at least one class in allow or review, got none (the rule would do nothing)");
  for (auto c : r.review)
    if (std::find(r.allow.begin(), r.allow.end(), c) != r.allow.end())
      cx.fail(m.find("review")->line, at.key + ".review",
              "expected classes not also in allow, got " + std::string(sql::to_string(c)) +
                  " in both");
  if (r.reviewers.empty() && (!r.review.empty() || r.jit))
    cx.fail(at.line, at.key + ".reviewers",
            std::string("expected who may approve ") +
                (r.review.empty() ? "grants of this jit rule" : "what this rule holds for review") +
                ", got nothing");
  if (!r.reviewers.empty() && r.review.empty() && !r.jit)
    cx.fail(m.find("reviewers")->line, at.key + ".reviewers",
            "expected reviewers only with review: or jit:, got reviewers with nothing to approve");
  return r;
}

}  // namespace

std::vector<policy::rule> read_rules(const context& cx, const located& at,
                                     const std::map<std::string, connection>& connections) {
  std::vector<policy::rule> out;
  for (const auto& item : items(cx, at, "rules")) {
    auto r = read_rule(cx, item, connections);
    for (const auto& other : out)
      if (other.name == r.name)
        cx.fail(item.line, item.key + ".name",
                "expected a unique rule name, got " + quote_value(r.name) + " again (first on line " +
                    std::to_string(other.line) + ")");
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace gh::config::detail
