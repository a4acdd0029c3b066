// Folding an outcome into its statement's row. Every statement the gateway
// forwards makes two events, the statement and later its outcome; storing
// them as one row halves what the ingester writes and hashes. The row keeps
// both events whole: the outcome's own fields (time, decision, duration,
// rows, error) beside the statement's, every other field of the outcome
// being the statement's own (principal, session, client, connection), its id
// (ref) or empty. A folded row holds two sequence numbers, n for the
// statement and n + 1 for the outcome, so numbering, counts and the chain
// head are the same as with a row per event (canonical.hpp has its hash).
//
// Only an outcome that comes back exactly is folded (foldable), and only
// into a statement of the same batch; any other outcome stays a row of its
// own. Pure: no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "audit/event.hpp"

namespace gh::audit {

// Whether `outcome` can be folded into `statement`'s row and given back
// exactly by unfold(): it completes this statement (ref is its non-empty
// statement_id), shares its principal, session, client and connection, and
// holds nothing else; the statement's own duration, rows and error are unset
// (the row's columns for them then hold the outcome's).
bool foldable(const event& statement, const event& outcome) noexcept;

// The outcome a folded row holds, rebuilt from its statement and the
// outcome's own fields. unfold(s, o) == o whenever foldable(s, o).
event unfold(const event& statement, sys_time time, std::string_view decision,
             std::int64_t duration_us, std::int64_t rows, std::string_view error);

// Which outcomes of a batch fold into which statements. Reused from batch to
// batch: no allocation once it has seen a batch of the largest size.
class fold_plan {
 public:
  // Pairs each foldable outcome with the latest statement before it in
  // `batch` whose id it names and that holds no outcome yet.
  void build(std::span<const event> batch);

  // The outcome folded into statement i's row, or npos.
  std::size_t outcome_of(std::size_t i) const noexcept {
    return link_[i] != none && link_[i] > i ? link_[i] : npos;
  }
  // Whether event i is an outcome folded into an earlier statement's row.
  bool folded(std::size_t i) const noexcept { return link_[i] != none && link_[i] < i; }
  std::size_t folded_count() const noexcept { return folded_; }

  static constexpr std::size_t npos = SIZE_MAX;

 private:
  static constexpr std::uint32_t none = UINT32_MAX;
  struct slot {
    std::uint32_t generation = 0;  // the slot is empty unless it is the current one
    std::uint32_t index = 0;       // a statement of the batch
    std::uint64_t hash = 0;        // of its statement_id
  };
  std::size_t find(std::uint64_t hash, std::string_view id,
                   std::span<const event> batch) const noexcept;

  std::vector<std::uint32_t> link_;  // per event: its partner's index, or none
  std::vector<slot> slots_;          // open addressing, by statement_id
  std::uint32_t generation_ = 0;
  std::size_t folded_ = 0;
};

}  // namespace gh::audit
