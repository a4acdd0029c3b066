#include "policy/decide.hpp"

#include "policy/explain.hpp"

namespace gh::policy {
namespace {

bool names(const rule& r, const request& q) {
  return names_principal(r, q.principal, q.groups) && names_connection(r, q.connection);
}

bool applies(const rule& r, const request& q) {
  return names(r, q) && in_force(r, q.grants) && covers(r, q.cls, q.tables);
}

// The rule a denied agent should hear about, best first: a jit rule whose
// grant would let the statement run, then one whose grant would hold it for
// review, then a rule in force for the class but not these tables, then one
// in force on these tables but not the class, then any rule on the connection.
const rule* closest_rule(std::span<const rule> rules, const request& q) {
  const rule* best = nullptr;
  int best_rank = 99;
  for (const auto& r : rules) {
    if (!names(r, q)) continue;
    bool force = in_force(r, q.grants);
    bool cover = covers(r, q.cls, q.tables);
    int rank = 5;
    if (!force && cover && allows(r, q.cls)) rank = 0;
    else if (!force && cover && reviews(r, q.cls)) rank = 1;
    else if (force && !cover && (allows(r, q.cls) || reviews(r, q.cls))) rank = 2;
    else if (force && cover) rank = 3;
    else if (force) rank = 4;
    if (rank < best_rank) {
      best = &r;
      best_rank = rank;
    }
  }
  return best;
}

}  // namespace

std::string_view to_string(verdict v) noexcept {
  switch (v) {
    case verdict::allow: return "allow";
    case verdict::review: return "review";
    case verdict::deny: return "deny";
  }
  return "deny";
}

decision decide(std::span<const rule> rules, const request& q) {
  for (const auto& r : rules)
    if (allows(r, q.cls) && applies(r, q)) return detail::allowed_by(r, q);
  for (const auto& r : rules)
    if (reviews(r, q.cls) && applies(r, q)) return detail::reviewed_by(r, q);
  return detail::denied(closest_rule(rules, q), q);
}

std::string refusal_message(const decision& d) {
  if (d.next_step.empty()) return d.reason;
  return d.reason + "; " + d.next_step;
}

decision decide_connect(std::span<const rule> rules, std::string_view principal,
                        std::span<const std::string> groups, std::string_view connection,
                        std::span<const std::string> grants) {
  decision d;
  const rule* jit_rule = nullptr;
  for (const auto& r : rules) {
    if (!names_principal(r, principal, groups) || !names_connection(r, connection)) continue;
    if (in_force(r, grants)) {
      d.outcome = verdict::allow;
      d.rule = r.name;
      d.reason = "rule " + r.name + " lets " + std::string(principal) + " use connection " +
                 std::string(connection);
      return d;
    }
    if (!jit_rule) jit_rule = &r;
  }
  std::string who = std::string(principal) + " may not use connection " + std::string(connection);
  if (jit_rule) {
    d.rule = d.grant_rule = jit_rule->name;
    d.reason = who + " without a grant: rule " + jit_rule->name + " is just-in-time";
    d.next_step = "request a grant: " + detail::grant_request_command(*jit_rule);
  } else {
    d.reason = who + ": no rule names it there";
    d.next_step = "ask an administrator for a rule on connection " + std::string(connection);
  }
  return d;
}

bool may_connect(std::span<const rule> rules, std::string_view principal,
                 std::span<const std::string> groups, std::string_view connection,
                 std::span<const std::string> grants) {
  for (const auto& r : rules)
    if (names_principal(r, principal, groups) && names_connection(r, connection) &&
        in_force(r, grants))
      return true;
  return false;
}

bool read_only_session(std::span<const rule> rules, std::string_view principal,
                       std::span<const std::string> groups, std::string_view connection,
                       std::span<const std::string> grants) {
  for (const auto& r : rules) {
    if (!names_principal(r, principal, groups) || !names_connection(r, connection) ||
        !in_force(r, grants))
      continue;
    for (auto c : r.allow)
      if (c != sql::statement_class::read && c != sql::statement_class::unknown) return false;
    for (auto c : r.review)
      if (c != sql::statement_class::read) return false;
  }
  return true;
}

}  // namespace gh::policy
