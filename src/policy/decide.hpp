// The policy as a function (STYLE.md §7): rules and a request in, a decision
// out. Pure: no clock (the caller passes the rule names its unexpired grants
// are for), no I/O, no state. docs/configuration.md ("How a statement is
// decided") states the order in words; tests/policy/decide.eval pins it.
//
//   1. A rule applies when it names the principal (or one of its groups) and
//      the connection, is in force (not jit, or jit with a grant) and covers
//      the statement's tables (match.hpp: covers()).
//   2. allow  when some applicable rule allows the class (the first such rule);
//   3. review when some applicable rule reviews it (the first such rule, whose
//      reviewers may approve);
//   4. deny otherwise, naming the closest rule and what the agent can do next.
// One rule must cover all of a statement's tables: two rules on two tables
// do not add up to a join of both.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "policy/match.hpp"
#include "policy/rule.hpp"
#include "sql/classification.hpp"

namespace gh::policy {

enum class verdict : std::uint8_t { allow, review, deny };
std::string_view to_string(verdict v) noexcept;

// Who asks to run what, where. The views must outlive the call.
struct request {
  std::string_view principal;
  std::span<const std::string> groups;        // without the "group:" prefix
  std::string_view connection;
  sql::statement_class cls = sql::statement_class::unknown;
  std::span<const sql::table_name> tables;    // resolved by the session: schema always set
  std::span<const std::string> grants;        // rules the principal holds an unexpired grant for
};

struct decision {
  verdict outcome = verdict::deny;
  // allow, review: the rule that decided. deny: the closest rule (the one
  // that names the principal and connection but not this class or these
  // tables, or a jit rule without a grant), or empty when none names them.
  std::string rule;
  std::vector<std::string> reviewers;  // review: who may approve (the rule's reviewers)
  std::string reason;                  // one sentence, for the agent and the audit log
  std::string next_step;               // deny: what the agent can do next
  std::string grant_rule;              // deny: a jit rule whose grant would let it run (or hold it for review)
};

decision decide(std::span<const rule> rules, const request& r);

// "<reason>; <next step>": the text a refusal (42501 / ERR 1142) carries.
std::string refusal_message(const decision& d);

// At startup (and again when a grant ends): may the principal open a session
// on `connection`? Only rules in force count, so a principal whose only rule
// there is a jit rule connects once it holds a grant (issue 6: a session that
// only a grant opened ends when the grant does). It asks for the grant over
// HTTP (`gatehouse grant request`), not over the database session.
decision decide_connect(std::span<const rule> rules, std::string_view principal,
                        std::span<const std::string> groups, std::string_view connection,
                        std::span<const std::string> grants);
bool may_connect(std::span<const rule> rules, std::string_view principal,
                 std::span<const std::string> groups, std::string_view connection,
                 std::span<const std::string> grants);

// True when no rule in force for the principal on `connection` allows or
// reviews a class above `read`: the session then gets a read-only upstream
// (DESIGN.md decision 6, the second wall). Tables are not considered: a
// write allowed on one table already makes the session writable. When a
// grant starts or ends the caller asks again.
bool read_only_session(std::span<const rule> rules, std::string_view principal,
                       std::span<const std::string> groups, std::string_view connection,
                       std::span<const std::string> grants);

}  // namespace gh::policy
