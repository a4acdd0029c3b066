// What the eval table cannot say: rules built by hand (not through the
// loader) still fail closed, and the decision carries what callers need.
#include <gtest/gtest.h>

#include "policy/decide.hpp"

namespace gh::policy {
namespace {

using sql::statement_class;
using namespace std::chrono_literals;

rule make_rule(std::string name, std::vector<statement_class> allow,
               std::vector<statement_class> review = {}) {
  rule r;
  r.name = std::move(name);
  r.principals = {"agent"};
  r.connections = {"app"};
  r.allow = std::move(allow);
  r.review = std::move(review);
  r.reviewers = {"dba", "group:dba"};
  return r;
}

decision run(const std::vector<rule>& rules, statement_class c,
             std::vector<sql::table_name> tables = {}, std::vector<std::string> grants = {}) {
  return decide(rules, request{"agent", {}, "app", c, tables, grants});
}

TEST(policy_decide, unknown_is_never_allowed_even_by_a_hand_built_rule) {
  std::vector<rule> rules = {make_rule("all", {statement_class::read, statement_class::unknown})};
  EXPECT_EQ(run(rules, statement_class::unknown).outcome, verdict::deny);
  EXPECT_TRUE(read_only_session(rules, "agent", {}, "app", {}));
}

TEST(policy_decide, a_malformed_table_pattern_matches_nothing) {
  auto r = make_rule("bad", {statement_class::read});
  r.tables = {"orders"};  // unqualified: the loader refuses it; here it must not match
  std::vector<rule> rules = {r};
  EXPECT_EQ(run(rules, statement_class::read, {{"public", "orders"}}).outcome, verdict::deny);
  EXPECT_EQ(run(rules, statement_class::read, {{"", "orders"}}).outcome, verdict::deny);
}

TEST(policy_decide, review_carries_the_rules_reviewers) {
  std::vector<rule> rules = {make_rule("r", {statement_class::read}, {statement_class::write})};
  auto d = run(rules, statement_class::write);
  EXPECT_EQ(d.outcome, verdict::review);
  EXPECT_EQ(d.reviewers, (std::vector<std::string>{"dba", "group:dba"}));
  EXPECT_TRUE(d.next_step.empty());
  EXPECT_TRUE(d.grant_rule.empty());
}

TEST(policy_decide, deny_names_the_jit_rule_to_request) {
  auto r = make_rule("oncall", {statement_class::write});
  r.jit = true;
  r.jit_max = 8h;
  std::vector<rule> rules = {r};
  auto d = run(rules, statement_class::write);
  EXPECT_EQ(d.outcome, verdict::deny);
  EXPECT_EQ(d.grant_rule, "oncall");
  EXPECT_EQ(refusal_message(d),
            "write on connection app is denied: rule oncall is just-in-time and agent holds no "
            "grant for it; request a grant: gatehouse grant request --rule oncall --for 30m "
            "--reason TEXT");
  r.jit_max = 90s;
  rules = {r};
  EXPECT_NE(refusal_message(run(rules, statement_class::write)).find("--for 1m30s"),
            std::string::npos);
  EXPECT_EQ(run(rules, statement_class::write, {}, {"oncall"}).outcome, verdict::allow);
}

TEST(policy_decide, empty_principal_matches_no_one) {
  std::vector<rule> rules = {make_rule("r", {statement_class::read})};
  rules[0].principals.push_back("");
  EXPECT_EQ(decide(rules, request{"", {}, "app", statement_class::read, {}, {}}).outcome,
            verdict::deny);
}

TEST(policy_decide, reviewers_by_name_or_group_never_by_a_name_that_looks_like_a_group) {
  auto r = make_rule("r", {statement_class::read});
  std::vector<std::string> dba = {"dba"};
  std::vector<std::string> none;
  EXPECT_TRUE(is_reviewer(r, "dba", none));
  EXPECT_TRUE(is_reviewer(r, "carol", dba));
  EXPECT_FALSE(is_reviewer(r, "carol", none));
  EXPECT_FALSE(is_reviewer(r, "group:dba", none));
  EXPECT_FALSE(is_reviewer(r, "agent", none));
}

TEST(policy_decide, the_closest_rule_explains_a_table_refusal) {
  auto r = make_rule("orders", {statement_class::read, statement_class::write});
  r.tables = {"public.orders"};
  std::vector<rule> rules = {r};
  auto d = run(rules, statement_class::write, {{"public", "orders"}, {"public", "users"}});
  EXPECT_EQ(d.rule, "orders");
  EXPECT_EQ(refusal_message(d),
            "write on connection app is denied: rule orders covers only tables public.orders, not "
            "public.users; ask an administrator for a rule that allows write on connection app for "
            "public.orders, public.users");
}

TEST(policy_decide, verdict_names) {
  EXPECT_EQ(to_string(verdict::allow), "allow");
  EXPECT_EQ(to_string(verdict::review), "review");
  EXPECT_EQ(to_string(verdict::deny), "deny");
}

}  // namespace
}  // namespace gh::policy
