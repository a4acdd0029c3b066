// A statement and its outcome in one row: what may be folded, how a batch is
// paired, and how the chain covers and verifies such rows.
#include "audit/fold.hpp"

#include <gtest/gtest.h>

#include "audit/canonical.hpp"
#include "audit/chain.hpp"
#include "common/encoding.hpp"
#include "sample_events.hpp"

namespace gh::audit {
namespace {

using testing::sample_outcome;
using testing::sample_statement;

event unfold_again(const event& st, const event& o) {
  return unfold(st, o.time, o.decision, o.duration_us, o.rows, o.error);
}

TEST(fold, an_outcome_that_comes_back_exactly_is_foldable) {
  event st = sample_statement(1);
  for (const event& o :
       {sample_outcome(st), sample_outcome(st, 1500, 0, "57014 canceling statement"),
        sample_outcome(st, -1, -1)}) {
    EXPECT_TRUE(foldable(st, o));
    EXPECT_EQ(unfold_again(st, o), o);
  }
}

TEST(fold, anything_unfold_could_not_give_back_is_not_folded) {
  event st = sample_statement(1);
  const event o = sample_outcome(st);
  auto differs = [&](auto change_outcome) {
    event x = o;
    change_outcome(x);
    return !foldable(st, x);
  };
  EXPECT_TRUE(differs([](event& x) { x.principal = "someone-else"; }));
  EXPECT_TRUE(differs([](event& x) { x.session = "s-other"; }));
  EXPECT_TRUE(differs([](event& x) { x.client = "10.0.0.8:1"; }));
  EXPECT_TRUE(differs([](event& x) { x.connection = "shop"; }));
  EXPECT_TRUE(differs([](event& x) { x.ref = "s-1f3a/2"; }));
  EXPECT_TRUE(differs([](event& x) { x.statement = "select 1"; }));
  EXPECT_TRUE(differs([](event& x) { x.statement_length = 7; }));
  EXPECT_TRUE(differs([](event& x) { x.cls = "read"; }));
  EXPECT_TRUE(differs([](event& x) { x.tables = {"t"}; }));
  EXPECT_TRUE(differs([](event& x) { x.rule = "r"; }));
  EXPECT_TRUE(differs([](event& x) { x.reviewer = "dba"; }));
  EXPECT_TRUE(differs([](event& x) { x.statement_id = "s-1f3a/9"; }));
  EXPECT_TRUE(differs([](event& x) { x.kind = event_kind::session; }));
  // The statement's own duration, rows and error must be unset: the row's
  // columns for them hold the outcome's.
  for (auto change :
       {+[](event& s) { s.error = "42501 denied"; }, +[](event& s) { s.duration_us = 3; },
        +[](event& s) { s.rows = 0; }, +[](event& s) { s.kind = event_kind::review; },
        +[](event& s) { s.statement_id.clear(); }}) {
    event other = st;
    change(other);
    event oo = o;
    oo.ref = other.statement_id;
    EXPECT_FALSE(foldable(other, oo));
  }
}

std::vector<std::string> pairs(const std::vector<event>& batch) {
  fold_plan plan;
  plan.build(batch);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (plan.folded(i))
      out.push_back("-");
    else if (plan.outcome_of(i) != fold_plan::npos)
      out.push_back(std::to_string(plan.outcome_of(i)));
    else
      out.push_back(".");
  }
  return out;
}

using cells = std::vector<std::string>;

TEST(fold_plan, pairs_each_outcome_with_its_statement_earlier_in_the_batch) {
  event s1 = sample_statement(1), s2 = sample_statement(2), s3 = sample_statement(3);
  event o1 = sample_outcome(s1), o2 = sample_outcome(s2), o3 = sample_outcome(s3);
  event o9 = sample_outcome(sample_statement(9));  // its statement is in no batch here
  EXPECT_EQ(pairs({s1, s2, o2, o9, o1}), (cells{"4", "2", "-", ".", "-"}));
  // An outcome before its statement (never written so) stays a row.
  EXPECT_EQ(pairs({o3, s3}), (cells{".", "."}));
  // A second outcome for one statement stays a row of its own.
  EXPECT_EQ(pairs({s1, o1, o1}), (cells{"1", "-", "."}));
  // An outcome that would not come back exactly stays a row.
  event odd = o1;
  odd.rule = "x";
  EXPECT_EQ(pairs({s1, odd}), (cells{".", "."}));
  // A repeated statement id: the later statement gets the outcome.
  EXPECT_EQ(pairs({s1, s1, o1}), (cells{".", "2", "-"}));
  EXPECT_EQ(pairs({}), cells{});
}

TEST(fold_plan, is_reused_across_batches_of_any_size) {
  fold_plan plan;
  std::vector<event> big;
  for (int i = 1; i <= 3000; ++i) big.push_back(sample_statement(i));
  for (int i = 3000; i >= 1; --i)
    big.push_back(sample_outcome(big[static_cast<std::size_t>(i - 1)]));
  plan.build(big);
  EXPECT_EQ(plan.folded_count(), 3000u);
  EXPECT_EQ(plan.outcome_of(0), big.size() - 1);
  event s = sample_statement(1), o = sample_outcome(s);
  std::vector<event> small{o, s};  // ids seen in the last batch must not pair now
  plan.build(small);
  EXPECT_EQ(plan.folded_count(), 0u);
  EXPECT_EQ(plan.outcome_of(1), fold_plan::npos);
}

TEST(fold_chain, the_folded_hash_is_pinned) {
  // Computed apart from this code, from the layout in canonical.hpp.
  event st = sample_statement(1);
  std::string scratch;
  EXPECT_EQ(to_hex(chain_hash(genesis_hash(), 1, st, sample_outcome(st), scratch)),
            "fd82bb33eb4740713958d4d4a11a52ee601e4bff570a0690a85d8c7aef6675db");
}

TEST(fold_chain, the_folded_form_differs_from_any_lone_event_and_binds_every_field) {
  event st = sample_statement(1);
  event o = sample_outcome(st, 412, 1, "");
  std::string lone = canonical(1, st), folded = canonical(1, st);
  append_folded_outcome(folded, o);
  EXPECT_NE(lone, folded);
  EXPECT_EQ(folded.substr(0, lone.size()), lone);  // the statement's part is its own form
  auto tail = [](const event& x) {
    std::string t;
    append_folded_outcome(t, x);
    return t;
  };
  event a = o, b = o;
  a.decision = "ok";
  a.error = "x";
  b.decision = "okx";
  b.error = "";
  EXPECT_NE(tail(a), tail(b));
  b = o;
  b.rows = 2;
  EXPECT_NE(tail(o), tail(b));
  b = o;
  b.time += std::chrono::microseconds(1);
  EXPECT_NE(tail(o), tail(b));
}

// Rows 1..n: odd statements each with its outcome folded in.
std::vector<stored_event> folded_chain(int n, chain_head& head) {
  std::vector<stored_event> rows;
  std::string prev = genesis_hash(), scratch;
  std::int64_t seq = 1;
  for (int i = 1; i <= n; ++i) {
    stored_event r{seq, sample_statement(i), prev, {}, std::nullopt};
    if (i % 2) {
      r.outcome = sample_outcome(r.ev, 100 * i, i);
      r.hash = chain_hash(prev, static_cast<std::uint64_t>(seq), r.ev, *r.outcome, scratch);
    } else {
      r.hash = chain_hash(prev, static_cast<std::uint64_t>(seq), r.ev, scratch);
    }
    seq += r.outcome ? 2 : 1;
    prev = r.hash;
    rows.push_back(std::move(r));
  }
  head = {static_cast<std::uint64_t>(seq - 1), prev};
  return rows;
}

std::vector<std::string> verify(const std::vector<stored_event>& rows, const chain_head& head,
                                std::uint64_t* events = nullptr) {
  chain_verifier v;
  for (const auto& r : rows) v.add(r);
  v.finish(head);
  if (events) *events = v.events();
  std::vector<std::string> out;
  for (const auto& f : v.findings()) out.push_back(describe(f));
  return out;
}

using messages = std::vector<std::string>;

TEST(fold_chain, folded_rows_hold_two_numbers_and_verify) {
  chain_head head;
  auto rows = folded_chain(6, head);  // seqs 1, 3, 4, 6, 7, 9 (+1 for the odd ones)
  EXPECT_EQ(rows[1].seq, 3);
  EXPECT_EQ(head.seq, 9u);
  std::uint64_t events = 0;
  EXPECT_EQ(verify(rows, head, &events), messages{});
  EXPECT_EQ(events, 9u);
}

TEST(fold_chain, an_edited_outcome_names_the_row_and_both_its_events) {
  chain_head head;
  auto rows = folded_chain(6, head);
  rows[2].outcome->rows = 0;
  EXPECT_EQ(verify(rows, head), messages{"event 4 (with its outcome, event 5) was edited"});
  rows = folded_chain(6, head);
  rows[2].outcome->time += std::chrono::microseconds(1);
  EXPECT_EQ(verify(rows, head), messages{"event 4 (with its outcome, event 5) was edited"});
}

TEST(fold_chain, an_outcome_taken_out_or_slipped_in_shows) {
  chain_head head;
  auto rows = folded_chain(6, head);
  rows[2].outcome.reset();  // the outcome cleared from the row: event 5 is gone
  EXPECT_EQ(verify(rows, head), (messages{"event 4 was edited", "event 5 is missing (deleted)"}));
  rows = folded_chain(6, head);
  rows[1].outcome = sample_outcome(rows[1].ev);  // a lone statement given an outcome
  EXPECT_EQ(verify(rows, head), messages{"event 3 (with its outcome, event 4) was edited"});
  rows = folded_chain(6, head);
  rows[2].outcome->rule = "made-up";  // a row no writer makes: not foldable
  EXPECT_EQ(verify(rows, head), messages{"event 4 (with its outcome, event 5) was edited"});
}

TEST(fold_chain, a_deleted_folded_row_is_two_missing_events) {
  chain_head head;
  auto rows = folded_chain(6, head);
  rows.erase(rows.begin() + 2);
  EXPECT_EQ(verify(rows, head), messages{"events 4 to 5 are missing (deleted)"});
  rows = folded_chain(5, head);
  rows.pop_back();
  EXPECT_EQ(verify(rows, head), messages{"events after 6 are missing: chain head says 8"});
}

}  // namespace
}  // namespace gh::audit
