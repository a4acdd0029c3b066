#include "audit/fold.hpp"

#include <algorithm>
#include <bit>
#include <functional>

namespace gh::audit {

bool foldable(const event& statement, const event& outcome) noexcept {
  return statement.kind == event_kind::statement && outcome.kind == event_kind::outcome &&
         !statement.statement_id.empty() && outcome.ref == statement.statement_id &&
         statement.duration_us == -1 && statement.rows == -1 && statement.error.empty() &&
         outcome.principal == statement.principal && outcome.session == statement.session &&
         outcome.client == statement.client && outcome.connection == statement.connection &&
         outcome.statement.empty() && outcome.statement_length == 0 && outcome.cls.empty() &&
         outcome.tables.empty() && outcome.rule.empty() && outcome.reviewer.empty() &&
         outcome.statement_id.empty();
}

event unfold(const event& statement, sys_time time, std::string_view decision,
             std::int64_t duration_us, std::int64_t rows, std::string_view error) {
  event o;
  o.kind = event_kind::outcome;
  o.time = time;
  o.principal = statement.principal;
  o.session = statement.session;
  o.client = statement.client;
  o.connection = statement.connection;
  o.decision = decision;
  o.ref = statement.statement_id;
  o.duration_us = duration_us;
  o.rows = rows;
  o.error = error;
  return o;
}

std::size_t fold_plan::find(std::uint64_t hash, std::string_view id,
                            std::span<const event> batch) const noexcept {
  std::size_t mask = slots_.size() - 1;
  for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
    const slot& s = slots_[at];
    if (s.generation != generation_) return at;  // empty: where `id` would go
    if (s.hash == hash && batch[s.index].statement_id == id) return at;
  }
}

void fold_plan::build(std::span<const event> batch) {
  link_.assign(batch.size(), none);
  folded_ = 0;
  // Indexes are u32; a batch that large (never made) is simply not folded.
  if (batch.size() >= none) return;
  // At most half full, so every probe ends at an empty slot soon.
  std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, 2 * batch.size()));
  if (slots_.size() < capacity) slots_.resize(capacity);
  if (++generation_ == 0) {  // wrapped: stale slots could look current
    std::fill(slots_.begin(), slots_.end(), slot{});
    generation_ = 1;
  }
  std::hash<std::string_view> hasher;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const event& ev = batch[i];
    if (ev.kind == event_kind::statement && !ev.statement_id.empty()) {
      std::uint64_t h = hasher(ev.statement_id);
      // A repeated id: the later statement is the one an outcome completes.
      slots_[find(h, ev.statement_id, batch)] = {generation_, static_cast<std::uint32_t>(i), h};
    } else if (ev.kind == event_kind::outcome && !ev.ref.empty()) {
      const slot& s = slots_[find(hasher(ev.ref), ev.ref, batch)];
      if (s.generation != generation_ || link_[s.index] != none) continue;
      if (!foldable(batch[s.index], ev)) continue;
      link_[s.index] = static_cast<std::uint32_t>(i);
      link_[i] = s.index;
      ++folded_;
    }
  }
}

}  // namespace gh::audit
