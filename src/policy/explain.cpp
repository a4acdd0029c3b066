#include "policy/explain.hpp"

#include "policy/table_pattern.hpp"

namespace gh::policy::detail {
namespace {

std::string join(std::span<const std::string> items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string join_classes(std::span<const sql::statement_class> classes) {
  std::string out;
  for (auto c : classes) out += (out.empty() ? "" : ", ") + std::string(sql::to_string(c));
  return out;
}

std::string table_text(const sql::table_name& t) {
  if (t.schema.empty()) return t.name + " (no schema)";
  return to_string(table_pattern{t.schema, t.name, false});
}

// Tables of the statement the rule leaves out, at most three named.
std::string uncovered_tables(const rule& r, const request& q) {
  std::string out;
  int named = 0;
  for (const auto& t : q.tables) {
    sql::table_name one[] = {t};
    if (covers(r, q.cls, one)) continue;
    if (++named > 3) return out + ", …";
    out += (out.empty() ? "" : ", ") + table_text(t);
  }
  return out;
}

std::string what_rule_does(const rule& r) {
  std::string out = "rule " + r.name;
  if (!r.allow.empty()) out += " allows " + join_classes(r.allow);
  if (!r.review.empty()) out += (r.allow.empty() ? " reviews " : " and reviews ") + join_classes(r.review);
  return out;
}

std::string subject(const request& q) {
  return describe_class(q.cls) + " on connection " + std::string(q.connection) + " is denied: ";
}

}  // namespace

std::string describe_class(sql::statement_class c) {
  if (c == sql::statement_class::unknown) return "an unclassified statement (unknown)";
  return std::string(sql::to_string(c));
}

std::string format_duration(std::chrono::seconds d) {
  auto s = d.count();
  if (s <= 0) return "0s";
  std::string out;
  if (s >= 3600) out += std::to_string(s / 3600) + "h";
  if (s % 3600 >= 60) out += std::to_string(s % 3600 / 60) + "m";
  if (s % 60) out += std::to_string(s % 60) + "s";
  return out;
}

std::string grant_request_command(const rule& r) {
  std::chrono::seconds want{30 * 60};
  if (r.jit_max && *r.jit_max < want) want = *r.jit_max;
  return "gatehouse grant request --rule " + r.name + " --for " + format_duration(want) +
         " --reason TEXT";
}

std::string ask_admin(sql::statement_class c, std::string_view connection,
                      std::span<const sql::table_name> tables) {
  std::string out = "ask an administrator for a rule that allows " +
                    std::string(sql::to_string(c)) + " on connection " + std::string(connection);
  if (c == sql::statement_class::unknown)
    return "rewrite the statement so that it can be classified, or ask an administrator for a "
           "rule that holds unknown statements on connection " + std::string(connection) +
           " for review";
  if (!tables.empty()) {
    out += " for ";
    for (std::size_t i = 0; i < tables.size(); ++i)
      out += (i ? ", " : "") + table_text(tables[i]);
  }
  return out;
}

decision allowed_by(const rule& r, const request& q) {
  decision d;
  d.outcome = verdict::allow;
  d.rule = r.name;
  d.reason = "rule " + r.name + " allows " + std::string(sql::to_string(q.cls)) +
             " on connection " + std::string(q.connection);
  return d;
}

decision reviewed_by(const rule& r, const request& q) {
  decision d;
  d.outcome = verdict::review;
  d.rule = r.name;
  d.reviewers = r.reviewers;
  d.reason = "rule " + r.name + " holds " + std::string(sql::to_string(q.cls)) +
             " on connection " + std::string(q.connection) + " for review by " + join(r.reviewers);
  return d;
}

decision denied(const rule* closest, const request& q) {
  decision d;
  d.outcome = verdict::deny;
  d.next_step = ask_admin(q.cls, q.connection, q.tables);
  if (!closest) {
    d.reason = subject(q) + "no rule lets " + std::string(q.principal) + " use connection " +
               std::string(q.connection);
    return d;
  }
  const rule& r = *closest;
  d.rule = r.name;
  bool listed = allows(r, q.cls) || reviews(r, q.cls);
  bool covered = covers(r, q.cls, q.tables);
  if (!in_force(r, q.grants) && listed && covered) {
    d.grant_rule = r.name;
    d.reason = subject(q) + "rule " + r.name + " is just-in-time and " +
               std::string(q.principal) + " holds no grant for it";
    d.next_step = "request a grant: " + grant_request_command(r);
  } else if (listed && !covered) {
    d.reason = subject(q) + "rule " + r.name + " covers only tables " + join(r.tables) +
               (q.tables.empty() ? ", and only reads without tables"
                                 : ", not " + uncovered_tables(r, q));
  } else {
    d.reason = subject(q) + what_rule_does(r) + ", not " + std::string(sql::to_string(q.cls));
    if (q.cls == sql::statement_class::unknown)
      d.reason += " (unknown statements run only after a reviewer approves them)";
  }
  return d;
}

}  // namespace gh::policy::detail
