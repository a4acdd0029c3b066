#include "audit/chain.hpp"

#include "audit/canonical.hpp"
#include "audit/fold.hpp"
#include "common/crypto.hpp"

namespace gh::audit {

std::string chain_hash(std::string_view prev_hash, std::uint64_t seq, const event& ev,
                       std::string& scratch) {
  scratch.assign(prev_hash);
  append_canonical(scratch, seq, ev);
  return sha256(scratch);
}

std::string chain_hash(std::string_view prev_hash, std::uint64_t seq, const event& statement,
                       const event& outcome, std::string& scratch) {
  scratch.assign(prev_hash);
  append_canonical(scratch, seq, statement);
  append_folded_outcome(scratch, outcome);
  return sha256(scratch);
}

std::string describe(const finding& f) {
  auto n = [](std::int64_t v) { return std::to_string(v); };
  switch (f.kind) {
    case finding_kind::edited:
      if (f.last > f.seq)
        return "event " + n(f.seq) + " (with its outcome, event " + n(f.last) + ") was edited";
      return "event " + n(f.seq) + " was edited";
    case finding_kind::missing:
      if (f.seq == f.last) return "event " + n(f.seq) + " is missing (deleted)";
      return "events " + n(f.seq) + " to " + n(f.last) + " are missing (deleted)";
    case finding_kind::missing_tail:
      if (f.seq == 0) return "every event is missing: chain head says " + n(f.last);
      return "events after " + n(f.seq) + " are missing: chain head says " + n(f.last);
    case finding_kind::inserted:
      if (f.seq == f.last) return "event " + n(f.seq) + " was inserted: it is not part of the chain";
      return "events " + n(f.seq) + " to " + n(f.last) + " were inserted: they are not part of the chain";
    case finding_kind::link_broken:
      return "the chain breaks between event " + n(f.seq - 1) + " and event " + n(f.seq) +
             ": one of them was edited and its hash recomputed";
    case finding_kind::head_mismatch:
      return "the chain head does not match event " + n(f.seq) +
             ": the head or the event was rewritten";
    case finding_kind::head_missing:
      return "the chain head is missing";
  }
  return "unknown finding";
}

void chain_verifier::report(finding f) {
  ++total_findings_;
  if (findings_.size() < max_findings_) findings_.push_back(f);
}

bool chain_verifier::content_ok(const stored_event& row) {
  if (row.hash.size() != hash_size || row.prev_hash.size() != hash_size) return false;
  auto seq = static_cast<std::uint64_t>(row.seq);
  if (!row.outcome) return chain_hash(row.prev_hash, seq, row.ev, scratch_) == row.hash;
  // No writer folds what does not come back exactly.
  return foldable(row.ev, *row.outcome) &&
         chain_hash(row.prev_hash, seq, row.ev, *row.outcome, scratch_) == row.hash;
}

void chain_verifier::add(const stored_event& row) {
  std::int64_t span = row.outcome ? 2 : 1;
  std::int64_t expected_seq = last_seq_ + 1;
  // An edited row may have been given its outcome by the edit, and so claim
  // one event too many: the next row at its second number was not inserted.
  if (last_edited_ && last_folded_ && row.seq == last_seq_) {
    --expected_seq;
    --events_;
  }
  events_ += static_cast<std::uint64_t>(span);
  // Rows come in ascending seq: a seq at or below the last one can only be a
  // row that was put outside the chain (seq <= 0).
  if (row.seq < expected_seq) {
    report({finding_kind::inserted, row.seq, row.seq});
    return;
  }
  bool gap = row.seq > expected_seq;
  if (gap) report({finding_kind::missing, expected_seq, row.seq - 1});

  bool ok = content_ok(row);
  if (!ok)
    report({finding_kind::edited, row.seq, row.seq + span - 1});
  else if (!gap && !last_edited_ && row.prev_hash != last_hash_)
    report({finding_kind::link_broken, row.seq, row.seq});

  last_edited_ = !ok;
  last_folded_ = span == 2;
  last_seq_ = row.seq + span - 1;
  last_hash_ = row.hash;
}

void chain_verifier::finish(const std::optional<chain_head>& head) {
  if (!head) {
    report({finding_kind::head_missing, 0, 0});
    return;
  }
  auto head_seq = static_cast<std::int64_t>(head->seq);
  if (head_seq > last_seq_)
    report({finding_kind::missing_tail, last_seq_, head_seq});
  else if (head_seq < last_seq_)
    report({finding_kind::inserted, head_seq + 1, last_seq_});
  else if (head->hash != last_hash_)
    report({finding_kind::head_mismatch, head_seq, head_seq});
}

}  // namespace gh::audit
