// The grant book on a real SQLite file: validation against the rules, expiry
// by time, revocation, the version sessions poll, and a restart.
#include "gateway/sqlite_grant_book.hpp"

#include <gtest/gtest.h>

#include "review_fixture.hpp"

namespace gh::gateway {
namespace {

using namespace testing;
using namespace std::chrono_literals;
using store::testing::column;

const identity::principal carol = who("dba-carol", {"dba"});

grant_error add_error(review_fixture& f, const std::string& principal, const std::string& rule,
                      std::chrono::seconds d, const identity::principal& by) {
  auto g = f.book->add(principal, rule, d, by, "");
  EXPECT_FALSE(g) << "granted " << rule << " to " << principal;
  return g ? grant_error::store_failed : g.error();
}

TEST(grant_book, add_checks_the_rule_the_duration_and_the_approver) {
  review_fixture f;
  EXPECT_EQ(add_error(f, "chatgpt-agent", "no-such-rule", 30min, carol), grant_error::unknown_rule);
  EXPECT_EQ(add_error(f, "chatgpt-agent", "agents-read", 30min, carol), grant_error::not_jit);
  EXPECT_EQ(add_error(f, "chatgpt-agent", "oncall-write", 8h + 1s, carol), grant_error::too_long);
  EXPECT_EQ(add_error(f, "chatgpt-agent", "oncall-write", 0s, carol), grant_error::bad_duration);
  EXPECT_EQ(add_error(f, "chatgpt-agent", "oncall-write", -5s, carol), grant_error::bad_duration);
  // dba-alice reviews agents-read, not oncall-write (group:dba only).
  EXPECT_EQ(add_error(f, "chatgpt-agent", "oncall-write", 30min, who("dba-alice")),
            grant_error::not_a_reviewer);
  EXPECT_EQ(add_error(f, "chatgpt-agent", "oncall-write", 30min, who("chatgpt-agent", {"agents"})),
            grant_error::not_a_reviewer);
  EXPECT_EQ(add_error(f, "dba-carol", "oncall-write", 30min, carol), grant_error::self_grant);
  EXPECT_EQ(f.book->version(), 1u);
  EXPECT_TRUE(f.audited.empty());
  EXPECT_EQ(column(f.dir.db(), "SELECT count(*) FROM grants"), std::vector<std::string>{"0"});
}

TEST(grant_book, a_grant_is_in_force_from_now_until_its_end) {
  review_fixture f;
  auto g = f.book->add("chatgpt-agent", "oncall-write", 8h, carol, "incident 42");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->id.substr(0, 2), "g-");
  EXPECT_EQ(g->from, f.now);
  EXPECT_EQ(g->until, f.now + 8h);
  EXPECT_EQ(f.book->version(), 2u);
  auto a = f.book->active_for("chatgpt-agent", f.now);
  EXPECT_EQ(a.rules, std::vector<std::string>{"oncall-write"});
  EXPECT_EQ(a.next_expiry, f.now + 8h);
  EXPECT_TRUE(f.book->active_for("other-agent", f.now).rules.empty());
  EXPECT_TRUE(f.book->active_for("chatgpt-agent", f.now - 1s).rules.empty());
  EXPECT_EQ(f.book->active_for("chatgpt-agent", f.now + 8h - 1us).rules.size(), 1u);
  EXPECT_TRUE(f.book->active_for("chatgpt-agent", f.now + 8h).rules.empty());
  EXPECT_EQ(f.audit_lines(), std::vector<std::string>{"grant added " + g->id});
  EXPECT_EQ(f.audited[0].reviewer, "dba-carol");
  EXPECT_EQ(f.audited[0].rule, "oncall-write");
  EXPECT_EQ(f.notified, std::vector<std::string>{"grant.started " + g->id});
  EXPECT_EQ(f.book->active_count(f.now), 1u);
}

TEST(grant_book, expiry_is_by_time_and_recorded_once) {
  review_fixture f;
  auto g = f.book->add("chatgpt-agent", "oncall-write", 6s, carol, "");
  ASSERT_TRUE(g);
  auto v = f.book->version();
  f.now += 5s;
  f.book->sweep();
  EXPECT_EQ(f.book->active_for("chatgpt-agent", f.now).rules.size(), 1u);
  EXPECT_EQ(f.audit_lines().size(), 1u);
  f.now += 3s;
  // Out of force at once, before any sweep: sessions compare with their clock.
  EXPECT_TRUE(f.book->active_for("chatgpt-agent", f.now).rules.empty());
  f.book->sweep();
  f.book->sweep();
  EXPECT_EQ(f.audit_lines(),
            (std::vector<std::string>{"grant added " + g->id, "grant expired " + g->id}));
  EXPECT_EQ(f.notified.back(), "grant.expired " + g->id);
  EXPECT_EQ(f.book->version(), v);  // expiry needs no poll: next_expiry told sessions when
  EXPECT_EQ(column(f.dir.db(), "SELECT ended FROM grants"), std::vector<std::string>{"1"});
  f.load();
  f.book->sweep();
  EXPECT_EQ(f.audit_lines().size(), 2u);
}

TEST(grant_book, an_end_not_recorded_is_tried_again) {
  review_fixture f;
  auto g = f.book->add("chatgpt-agent", "oncall-write", 6s, carol, "");
  f.now += 10s;
  f.audit_works = false;
  f.book->sweep();
  EXPECT_EQ(column(f.dir.db(), "SELECT ended FROM grants"), std::vector<std::string>{"0"});
  EXPECT_TRUE(f.book->active_for("chatgpt-agent", f.now).rules.empty());
  f.audit_works = true;
  f.book->sweep();
  EXPECT_EQ(f.audit_lines().back(), "grant expired " + g->id);
  EXPECT_EQ(column(f.dir.db(), "SELECT ended FROM grants"), std::vector<std::string>{"1"});
}

TEST(grant_book, revoke_ends_a_grant_for_sessions_at_once) {
  review_fixture f;
  auto g = f.book->add("chatgpt-agent", "oncall-write", 1h, carol, "");
  auto v = f.book->version();
  f.now += 1min;
  auto by_agent = f.book->revoke(g->id, who("other-agent", {"agents"}));
  ASSERT_FALSE(by_agent);
  EXPECT_EQ(by_agent.error(), grant_error::not_a_reviewer);
  auto r = f.book->revoke(g->id, who("dba-dave", {"dba"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->revoked, f.now);
  EXPECT_EQ(r->revoked_by, "dba-dave");
  EXPECT_GT(f.book->version(), v);
  EXPECT_TRUE(f.book->active_for("chatgpt-agent", f.now).rules.empty());
  EXPECT_EQ(f.audit_lines().back(), "grant revoked " + g->id);
  EXPECT_EQ(f.audited.back().reviewer, "dba-dave");
  EXPECT_EQ(f.notified.back(), "grant.revoked " + g->id);
  auto again = f.book->revoke(g->id, carol);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), grant_error::already_revoked);
  EXPECT_EQ(f.book->revoke("g-000000000000", carol).error(), grant_error::not_found);
  // A revoked grant is not in force after a restart either, nor recorded as expired.
  f.now += 2h;
  f.load();
  f.book->sweep();
  EXPECT_TRUE(f.book->active_for("chatgpt-agent", f.now - 90min).rules.empty());
  EXPECT_EQ(f.audit_lines().back(), "grant revoked " + g->id);
}

TEST(grant_book, the_holder_may_give_a_grant_up) {
  review_fixture f;
  auto g = f.book->add("chatgpt-agent", "oncall-write", 1h, carol, "");
  auto r = f.book->revoke(g->id, who("chatgpt-agent", {"agents"}));
  ASSERT_TRUE(r);
  EXPECT_TRUE(f.book->active_for("chatgpt-agent", f.now).rules.empty());
}

TEST(grant_book, an_ended_grant_cannot_be_revoked) {
  review_fixture f;
  auto g = f.book->add("chatgpt-agent", "oncall-write", 1h, carol, "");
  f.now += 2h;
  auto r = f.book->revoke(g->id, carol);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), grant_error::already_revoked);
}

TEST(grant_book, grants_survive_a_restart) {
  review_fixture f;
  auto g = f.book->add("chatgpt-agent", "oncall-write", 1h, carol, "");
  auto short_one = f.book->add("etl-bot", "oncall-write", 10s, carol, "");
  f.now += 30s;  // the gateway was down when the short one ended
  f.load();
  auto a = f.book->active_for("chatgpt-agent", f.now);
  EXPECT_EQ(a.rules, std::vector<std::string>{"oncall-write"});
  EXPECT_EQ(a.next_expiry, f.now - 30s + 1h);
  EXPECT_TRUE(f.book->active_for("etl-bot", f.now).rules.empty());
  f.book->sweep();
  EXPECT_EQ(f.audit_lines().back(), "grant expired " + short_one->id);
  EXPECT_EQ(f.book->active_count(f.now), 1u);
}

TEST(grant_book, list_filters_and_shows_newest_first) {
  review_fixture f;
  auto a = f.book->add("chatgpt-agent", "oncall-write", 1h, carol, "one");
  f.now += 1s;
  auto b = f.book->add("etl-bot", "oncall-write", 1h, carol, "two");
  f.now += 1s;
  auto c = f.book->add("chatgpt-agent", "oncall-write", 1h, carol, "three");
  ASSERT_TRUE(f.book->revoke(c->id, carol));
  auto ids = [&](grant_filter filter) {
    std::vector<std::string> out;
    auto l = f.book->list(filter);
    EXPECT_TRUE(l);
    for (const auto& g : *l) out.push_back(g.id);
    return out;
  };
  EXPECT_EQ(ids({}), (std::vector<std::string>{c->id, b->id, a->id}));
  EXPECT_EQ(ids({.active_only = true}), (std::vector<std::string>{b->id, a->id}));
  EXPECT_EQ(ids({.principal = "chatgpt-agent"}), (std::vector<std::string>{c->id, a->id}));
  EXPECT_EQ(ids({.principal = "chatgpt-agent", .active_only = true}),
            std::vector<std::string>{a->id});
  EXPECT_EQ(ids({.limit = 1}), std::vector<std::string>{c->id});
  f.now += 2h;
  EXPECT_TRUE(ids({.active_only = true}).empty());
}

TEST(grant_book, an_access_request_names_a_jit_rule_that_names_the_requester) {
  review_fixture f;
  auto agent = who("chatgpt-agent", {"agents"});
  EXPECT_EQ(f.book->access_request(agent, "nope", 30min, "").error(), grant_error::unknown_rule);
  EXPECT_EQ(f.book->access_request(agent, "agents-read", 30min, "").error(), grant_error::not_jit);
  EXPECT_EQ(f.book->access_request(agent, "oncall-write", 9h, "").error(), grant_error::too_long);
  EXPECT_EQ(f.book->access_request(who("stranger"), "oncall-write", 30min, "").error(),
            grant_error::not_a_principal);
  auto by_group = f.book->access_request(who("etl-bot", {"agents"}), "oncall-write", 30min, "why");
  ASSERT_TRUE(by_group);
  EXPECT_EQ(by_group->principal, "etl-bot");
  EXPECT_EQ(by_group->groups, std::vector<std::string>{"agents"});
  EXPECT_EQ(by_group->duration, 30min);
  EXPECT_EQ(by_group->reason, "why");
  EXPECT_TRUE(f.audited.empty());  // asking is recorded when the review opens
}

}  // namespace
}  // namespace gh::gateway
