#include "audit/chain.hpp"

#include <gtest/gtest.h>

#include "audit/canonical.hpp"
#include "common/encoding.hpp"
#include "sample_events.hpp"

namespace gh::audit {
namespace {

using testing::sample_statement;

// A well-formed chain of n events, as the ingester stores it.
std::vector<stored_event> make_chain(int n, chain_head& head) {
  std::vector<stored_event> rows;
  std::string prev = genesis_hash(), scratch;
  for (int i = 1; i <= n; ++i) {
    stored_event r{i, sample_statement(i), prev, {}};
    r.hash = chain_hash(prev, static_cast<std::uint64_t>(i), r.ev, scratch);
    prev = r.hash;
    rows.push_back(std::move(r));
  }
  head = {static_cast<std::uint64_t>(n), prev};
  return rows;
}

std::vector<std::string> verify(const std::vector<stored_event>& rows,
                                const std::optional<chain_head>& head) {
  chain_verifier v;
  for (const auto& r : rows) v.add(r);
  v.finish(head);
  std::vector<std::string> out;
  for (const auto& f : v.findings()) out.push_back(describe(f));
  EXPECT_EQ(v.intact(), out.empty());
  return out;
}

using messages = std::vector<std::string>;

TEST(chain, first_hash_is_pinned) {
  // Stored chains outlive binaries: the canonical form may never drift. The
  // value was computed apart from this code, from the layout in canonical.hpp.
  std::string scratch;
  EXPECT_EQ(to_hex(chain_hash(genesis_hash(), 1, sample_statement(1), scratch)),
            "6b2ff03843ec8d8892d627b4ef8c8d377713074ef4b3c2830aca397651b6dad0");
}

TEST(chain, canonical_form_does_not_let_bytes_move_between_fields) {
  event a = sample_statement(1), b = a;
  a.principal = "ab";
  a.session = "c";
  b.principal = "a";
  b.session = "bc";
  EXPECT_NE(canonical(1, a), canonical(1, b));
  event t1 = a, t2 = a;
  t1.tables = {"x,y"};
  t2.tables = {"x", "y"};
  EXPECT_NE(canonical(1, t1), canonical(1, t2));
  EXPECT_NE(canonical(1, a), canonical(2, a));
}

TEST(chain, an_untouched_chain_is_intact) {
  chain_head head;
  auto rows = make_chain(50, head);
  EXPECT_EQ(verify(rows, head), messages{});
  EXPECT_EQ(verify({}, chain_head{}), messages{});
}

TEST(chain, an_edited_field_names_the_event) {
  chain_head head;
  auto rows = make_chain(10, head);
  rows[4].ev.statement = "select 1";
  EXPECT_EQ(verify(rows, head), messages{"event 5 was edited"});
  rows = make_chain(10, head);
  rows[6].ev.time += std::chrono::microseconds(1);
  EXPECT_EQ(verify(rows, head), messages{"event 7 was edited"});
  rows = make_chain(10, head);
  rows[2].prev_hash[0] ^= 1;
  EXPECT_EQ(verify(rows, head), messages{"event 3 was edited"});
}

TEST(chain, an_edit_with_its_hash_recomputed_breaks_the_next_link) {
  chain_head head;
  auto rows = make_chain(10, head);
  std::string scratch;
  rows[4].ev.decision = "deny";
  rows[4].hash = chain_hash(rows[4].prev_hash, 5, rows[4].ev, scratch);
  EXPECT_EQ(verify(rows, head),
            messages{"the chain breaks between event 5 and event 6: one of them was edited and "
                     "its hash recomputed"});
}

TEST(chain, deleted_events_are_named) {
  chain_head head;
  auto rows = make_chain(10, head);
  rows.erase(rows.begin() + 4);
  EXPECT_EQ(verify(rows, head), messages{"event 5 is missing (deleted)"});
  rows = make_chain(10, head);
  rows.erase(rows.begin() + 2, rows.begin() + 5);
  EXPECT_EQ(verify(rows, head), messages{"events 3 to 5 are missing (deleted)"});
  rows = make_chain(10, head);
  rows.erase(rows.begin());
  EXPECT_EQ(verify(rows, head), messages{"event 1 is missing (deleted)"});
}

TEST(chain, deleted_last_events_are_caught_by_the_head) {
  chain_head head;
  auto rows = make_chain(120, head);
  rows.resize(99);
  EXPECT_EQ(verify(rows, head), messages{"events after 99 are missing: chain head says 120"});
  EXPECT_EQ(verify({}, head), messages{"every event is missing: chain head says 120"});
}

TEST(chain, inserted_and_reordered_events_show) {
  chain_head head;
  auto rows = make_chain(10, head);
  // An event slipped in at the end, hashed correctly, head left alone.
  std::string scratch;
  stored_event extra{11, sample_statement(99), rows.back().hash, {}};
  extra.hash = chain_hash(extra.prev_hash, 11, extra.ev, scratch);
  rows.push_back(extra);
  EXPECT_EQ(verify(rows, head), messages{"event 11 was inserted: it is not part of the chain"});
  // An event slipped in the middle: everything after it moves up one seq.
  rows = make_chain(10, head);
  rows.insert(rows.begin() + 3, stored_event{4, sample_statement(99), rows[2].hash, {}});
  for (std::size_t i = 4; i < rows.size(); ++i) rows[i].seq = static_cast<std::int64_t>(i + 1);
  auto found = verify(rows, head);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front(), "event 4 was edited");
  // Two events swapped, each keeping its seq.
  rows = make_chain(10, head);
  std::swap(rows[3].ev, rows[4].ev);
  EXPECT_EQ(verify(rows, head), (messages{"event 4 was edited", "event 5 was edited"}));
  // Two whole rows swapped: seq order is the store's, so they come back renumbered.
  rows = make_chain(10, head);
  std::swap(rows[3], rows[4]);
  std::swap(rows[3].seq, rows[4].seq);
  EXPECT_EQ(verify(rows, head), (messages{"event 4 was edited", "event 5 was edited"}));
  // A row outside the sequence.
  rows = make_chain(3, head);
  rows.insert(rows.begin(), stored_event{0, sample_statement(0), genesis_hash(), {}});
  EXPECT_EQ(verify(rows, head), messages{"event 0 was inserted: it is not part of the chain"});
}

TEST(chain, a_rewritten_or_missing_head_shows) {
  chain_head head;
  auto rows = make_chain(5, head);
  head.hash[3] ^= 1;
  EXPECT_EQ(verify(rows, head),
            messages{"the chain head does not match event 5: the head or the event was rewritten"});
  EXPECT_EQ(verify(rows, std::nullopt), messages{"the chain head is missing"});
}

TEST(chain, findings_are_capped_but_counted) {
  chain_head head;
  auto rows = make_chain(20, head);
  for (auto& r : rows) r.ev.rule = "x";
  chain_verifier v(5);
  for (const auto& r : rows) v.add(r);
  v.finish(head);
  EXPECT_EQ(v.findings().size(), 5u);
  EXPECT_EQ(v.total_findings(), 20u);
  EXPECT_EQ(v.events(), 20u);
}

}  // namespace
}  // namespace gh::audit
