// The review board on a real SQLite file: who may decide, exactly-once
// notification, persistence and orphaning across a restart, fail-closed audit.
#include "gateway/sqlite_review_board.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "review_fixture.hpp"

namespace gh::gateway {
namespace {

using namespace testing;
using store::testing::column;

struct outcomes {
  std::mutex m;
  std::vector<review_outcome> seen;
  std::function<void(const review_outcome&)> notify() {
    return [this](const review_outcome& o) {
      std::lock_guard lock(m);
      seen.push_back(o);
    };
  }
  std::size_t count() {
    std::lock_guard lock(m);
    return seen.size();
  }
};

TEST(review_board, open_stores_a_pending_review_and_records_it) {
  review_fixture f;
  auto id = f.board->open(f.statement_subject(), {});
  ASSERT_TRUE(id);
  EXPECT_EQ(id->size(), 14u);
  EXPECT_EQ(id->substr(0, 2), "r-");
  auto r = f.board->get(*id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->state, review_state::pending);
  EXPECT_EQ(r->subject.statement, "UPDATE orders SET total = 0 WHERE id = 7");
  EXPECT_EQ(r->subject.tables, std::vector<std::string>{"public.orders"});
  EXPECT_EQ(r->subject.reviewers, (std::vector<std::string>{"dba-alice", "group:dba"}));
  EXPECT_EQ(r->created, f.now);
  EXPECT_EQ(f.audit_lines(), std::vector<std::string>{"review pending " + *id});
  EXPECT_EQ(f.audited[0].statement, "UPDATE orders SET total = 0 WHERE id = 7");
  EXPECT_EQ(f.audited[0].principal, "chatgpt-agent");
  EXPECT_EQ(f.audited[0].session, "s-00000000000a");
  EXPECT_EQ(f.notified, std::vector<std::string>{"review.pending " + *id});
  EXPECT_EQ(f.board->pending_count(), 1u);
  auto listed = f.board->list(review_state::pending, 10);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, *id);
}

TEST(review_board, the_requester_never_decides_its_own_review) {
  review_fixture f;
  outcomes o;
  // chatgpt-agent is also in group dba here: a reviewer of the rule, yet the requester.
  auto id = f.board->open(f.statement_subject("chatgpt-agent", {"agents", "dba"}), o.notify());
  ASSERT_TRUE(id);
  auto d = f.board->decide(*id, true, who("chatgpt-agent", {"agents", "dba"}), "");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), review_error::self_review);
  EXPECT_EQ(o.count(), 0u);
  EXPECT_EQ(f.board->get(*id)->state, review_state::pending);
}

TEST(review_board, only_the_rules_reviewers_decide) {
  review_fixture f;
  outcomes o;
  auto id = f.board->open(f.statement_subject(), o.notify());
  ASSERT_TRUE(id);
  for (auto p : {who("mallory"), who("ops-bob", {"ops"}), who("group:dba"), who("dba")}) {
    auto d = f.board->decide(*id, true, p, "");
    ASSERT_FALSE(d) << p.name;
    EXPECT_EQ(d.error(), review_error::not_a_reviewer) << p.name;
  }
  EXPECT_EQ(o.count(), 0u);
  EXPECT_EQ(f.board->get(*id)->state, review_state::pending);
}

TEST(review_board, a_group_reviewer_approves_and_the_session_hears_once) {
  review_fixture f;
  outcomes o;
  auto id = f.board->open(f.statement_subject(), o.notify());
  ASSERT_TRUE(id);
  f.now += std::chrono::seconds(42);
  auto d = f.board->decide(*id, true, who("dba-carol", {"dba"}), "looks right");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->state, review_state::approved);
  EXPECT_EQ(d->decided_by, "dba-carol");
  EXPECT_EQ(d->comment, "looks right");
  ASSERT_EQ(o.count(), 1u);
  EXPECT_EQ(o.seen[0].state, review_state::approved);
  EXPECT_EQ(o.seen[0].decided_by, "dba-carol");
  EXPECT_EQ(o.seen[0].comment, "looks right");
  auto stored = f.board->get(*id);
  EXPECT_EQ(stored->state, review_state::approved);
  EXPECT_EQ(stored->decided, f.now);
  EXPECT_EQ(f.audit_lines(),
            (std::vector<std::string>{"review pending " + *id, "review approved " + *id}));
  EXPECT_EQ(f.audited[1].reviewer, "dba-carol");
  EXPECT_EQ(f.board->pending_count(), 0u);
}

TEST(review_board, a_named_reviewer_rejects) {
  review_fixture f;
  outcomes o;
  auto id = f.board->open(f.statement_subject(), o.notify());
  auto d = f.board->decide(*id, false, who("dba-alice"), "not on a Friday");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->state, review_state::rejected);
  ASSERT_EQ(o.count(), 1u);
  EXPECT_EQ(o.seen[0].state, review_state::rejected);
  EXPECT_EQ(o.seen[0].comment, "not on a Friday");
}

TEST(review_board, a_review_is_decided_once) {
  review_fixture f;
  outcomes o;
  auto id = f.board->open(f.statement_subject(), o.notify());
  ASSERT_TRUE(f.board->decide(*id, false, who("dba-alice"), ""));
  for (bool approve : {true, false}) {
    auto again = f.board->decide(*id, approve, who("dba-alice"), "");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), review_error::not_pending);
  }
  // A non-reviewer learns nothing about its state: 403 before 409.
  EXPECT_EQ(f.board->decide(*id, true, who("mallory"), "").error(), review_error::not_a_reviewer);
  EXPECT_EQ(f.board->decide(*id, true, who("chatgpt-agent", {"dba"}), "").error(),
            review_error::self_review);
  EXPECT_EQ(o.count(), 1u);
  EXPECT_EQ(f.board->get(*id)->state, review_state::rejected);
}

TEST(review_board, unknown_ids_are_not_found) {
  review_fixture f;
  auto d = f.board->decide("r-000000000000", true, who("dba-alice"), "");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), review_error::not_found);
  EXPECT_FALSE(f.board->get("r-000000000000"));
  f.board->withdraw("r-000000000000", review_state::expired);  // no effect, no crash
}

TEST(review_board, withdraw_ends_the_review_once) {
  review_fixture f;
  outcomes o;
  auto id = f.board->open(f.statement_subject(), o.notify());
  f.board->withdraw(*id, review_state::expired);
  f.board->withdraw(*id, review_state::cancelled);
  ASSERT_EQ(o.count(), 1u);
  EXPECT_EQ(o.seen[0].state, review_state::expired);
  EXPECT_EQ(o.seen[0].decided_by, "gatehouse");
  auto d = f.board->decide(*id, true, who("dba-alice"), "");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), review_error::not_pending);
  EXPECT_EQ(f.board->get(*id)->state, review_state::expired);
  EXPECT_EQ(f.audit_lines(),
            (std::vector<std::string>{"review pending " + *id, "review expired " + *id}));

  auto id2 = f.board->open(f.statement_subject(), o.notify());
  f.board->withdraw(*id2, review_state::cancelled);
  EXPECT_EQ(f.board->get(*id2)->state, review_state::cancelled);
  EXPECT_EQ(o.count(), 2u);
  // After a decision a withdrawal changes nothing.
  auto id3 = f.board->open(f.statement_subject(), o.notify());
  ASSERT_TRUE(f.board->decide(*id3, true, who("dba-alice"), ""));
  f.board->withdraw(*id3, review_state::expired);
  EXPECT_EQ(f.board->get(*id3)->state, review_state::approved);
  EXPECT_EQ(o.count(), 3u);
}

TEST(review_board, pending_reviews_are_orphaned_by_a_restart) {
  review_fixture f;
  outcomes o;
  auto held = f.board->open(f.statement_subject(), o.notify());
  auto decided = f.board->open(f.statement_subject(), o.notify());
  ASSERT_TRUE(f.board->decide(*decided, true, who("dba-alice"), "fine"));
  f.now += std::chrono::minutes(5);
  f.load();  // the gateway restarts
  auto r = f.board->get(*held);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->state, review_state::orphaned);
  EXPECT_EQ(r->decided, f.now);
  EXPECT_EQ(f.board->get(*decided)->state, review_state::approved);  // survives as it was
  EXPECT_EQ(f.board->get(*decided)->comment, "fine");
  auto d = f.board->decide(*held, true, who("dba-alice"), "");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), review_error::not_pending);
  EXPECT_EQ(f.audit_lines().back(), "review orphaned " + *held);
  EXPECT_EQ(f.notified.back(), "review.orphaned " + *held);
  EXPECT_EQ(f.board->pending_count(), 0u);
  EXPECT_EQ(o.count(), 1u);  // the session that waited is gone with the old process
  // A second restart changes nothing more.
  std::size_t events = f.audit_lines().size();
  f.load();
  EXPECT_EQ(f.audit_lines().size(), events);
}

TEST(review_board, nothing_is_opened_or_decided_without_its_audit_record) {
  review_fixture f;
  f.audit_works = false;
  auto id = f.board->open(f.statement_subject(), {});
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error(), review_error::store_failed);
  EXPECT_EQ(column(f.dir.db(), "SELECT count(*) FROM reviews"), std::vector<std::string>{"0"});
  EXPECT_TRUE(f.notified.empty());

  f.audit_works = true;
  outcomes o;
  id = f.board->open(f.statement_subject(), o.notify());
  ASSERT_TRUE(id);
  f.audit_works = false;
  auto d = f.board->decide(*id, true, who("dba-alice"), "");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), review_error::store_failed);
  EXPECT_EQ(o.count(), 0u);
  EXPECT_EQ(f.board->get(*id)->state, review_state::pending);
  f.audit_works = true;  // still decidable once the journal works again
  ASSERT_TRUE(f.board->decide(*id, true, who("dba-alice"), ""));
  EXPECT_EQ(o.count(), 1u);
}

TEST(review_board, notify_may_call_back_into_the_board) {
  review_fixture f;
  std::optional<review_state> seen;
  std::string id;
  auto opened = f.board->open(f.statement_subject(), [&](const review_outcome&) {
    seen = f.board->get(id)->state;  // would deadlock if called under the board's lock
    f.board->withdraw(id, review_state::cancelled);
  });
  id = *opened;
  ASSERT_TRUE(f.board->decide(id, true, who("dba-alice"), ""));
  EXPECT_EQ(seen, review_state::approved);
}

TEST(review_board, concurrent_reviewers_decide_once) {
  review_fixture f;
  outcomes o;
  auto id = f.board->open(f.statement_subject(), o.notify());
  std::atomic<int> won{0}, lost{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      auto d = f.board->decide(*id, i % 2 == 0, who("dba-" + std::to_string(i), {"dba"}), "");
      if (d) {
        won.fetch_add(1);
      } else {
        lost.fetch_add(1);
        EXPECT_EQ(d.error(), review_error::not_pending);
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), 7);
  EXPECT_EQ(o.count(), 1u);
}

TEST(review_board, approving_an_access_review_makes_the_grant) {
  review_fixture f;
  auto subject = f.book->access_request(who("chatgpt-agent", {"agents"}), "oncall-write",
                                        std::chrono::minutes(30), "fix order 7");
  ASSERT_TRUE(subject);
  EXPECT_EQ(subject->kind, review_kind::access);
  EXPECT_EQ(subject->reviewers, std::vector<std::string>{"group:dba"});
  auto id = f.board->open(*subject, {});
  ASSERT_TRUE(id);
  auto v = f.book->version();
  EXPECT_TRUE(f.book->active_for("chatgpt-agent", f.now).rules.empty());
  EXPECT_EQ(f.board->decide(*id, true, who("chatgpt-agent", {"dba"}), "").error(),
            review_error::self_review);

  auto d = f.board->decide(*id, true, who("dba-carol", {"dba"}), "ok");
  ASSERT_TRUE(d);
  ASSERT_FALSE(d->grant_id.empty());
  EXPECT_GT(f.book->version(), v);
  auto active = f.book->active_for("chatgpt-agent", f.now);
  EXPECT_EQ(active.rules, std::vector<std::string>{"oncall-write"});
  EXPECT_EQ(active.next_expiry, f.now + std::chrono::minutes(30));
  auto g = f.book->get(d->grant_id);
  ASSERT_TRUE(g && *g);
  EXPECT_EQ((*g)->approver, "dba-carol");
  EXPECT_EQ((*g)->from, *d->decided);  // in force from the decision on
  EXPECT_EQ((*g)->until, *d->decided + std::chrono::minutes(30));
  EXPECT_EQ((*g)->review_id, *id);
  EXPECT_EQ((*g)->reason, "fix order 7");
  EXPECT_EQ(f.audit_lines(),
            (std::vector<std::string>{"review pending " + *id, "grant added " + d->grant_id,
                                      "review approved " + *id}));
  EXPECT_EQ(f.notified.back(), "review.approved " + *id);

  // A rejected request grants nothing.
  auto id2 = f.board->open(*subject, {});
  ASSERT_TRUE(f.board->decide(*id2, false, who("dba-carol", {"dba"}), "no"));
  EXPECT_TRUE(f.board->get(*id2)->grant_id.empty());
  EXPECT_EQ(f.book->active_count(f.now), 1u);
}

TEST(review_board, an_access_approval_that_cannot_be_audited_grants_nothing) {
  review_fixture f;
  auto subject = f.book->access_request(who("chatgpt-agent", {"agents"}), "oncall-write",
                                        std::chrono::minutes(30), "x");
  auto id = f.board->open(*subject, {});
  f.audit_works = false;
  auto d = f.board->decide(*id, true, who("dba-carol", {"dba"}), "");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), review_error::store_failed);
  EXPECT_TRUE(f.book->active_for("chatgpt-agent", f.now).rules.empty());
  EXPECT_EQ(column(f.dir.db(), "SELECT count(*) FROM grants"), std::vector<std::string>{"0"});
  EXPECT_EQ(f.board->get(*id)->state, review_state::pending);
}

}  // namespace
}  // namespace gh::gateway
