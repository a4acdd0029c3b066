// The hash chain over stored events: each event's hash covers the previous
// event's hash and its own canonical form (canonical.hpp),
//   hash(n) = sha256(hash(n-1) || canonical(n, event n)),  hash(0) = 32 zero bytes,
// and the store keeps the head (last seq and hash) beside the events.
//
// What it proves: an event edited, deleted or inserted in the store without
// recomputing every later hash and the head shows, and verification names it.
// What it does not: whoever can write the store can recompute the whole
// chain. Keep the head printed by `audit verify` somewhere else to pin it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/event.hpp"

namespace gh::audit {

inline constexpr std::size_t hash_size = 32;

inline std::string genesis_hash() { return std::string(hash_size, '\0'); }

// sha256(prev_hash || canonical(seq, ev)); `scratch` is reused between calls.
std::string chain_hash(std::string_view prev_hash, std::uint64_t seq, const event& ev,
                       std::string& scratch);

// The hash of a row holding a statement (seq) and its outcome (seq + 1):
// sha256(prev_hash || canonical(seq, statement) || folded tail of outcome)
// (canonical.hpp). Precondition: foldable(statement, outcome).
std::string chain_hash(std::string_view prev_hash, std::uint64_t seq, const event& statement,
                       const event& outcome, std::string& scratch);

struct chain_head {
  std::uint64_t seq = 0;             // 0: nothing stored yet
  std::string hash = genesis_hash();
};

// One row of the store as read back, for verification: an event, or a
// statement with its outcome folded in (fold.hpp; then seq is the
// statement's and seq + 1 the outcome's).
struct stored_event {
  std::int64_t seq = 0;  // as stored: a forged row may hold anything
  event ev;
  std::string prev_hash;
  std::string hash;
  std::optional<event> outcome;
};

enum class finding_kind : std::uint8_t {
  edited,         // the row's content no longer matches its hash (last > seq: a folded row)
  missing,        // seq .. last are absent before later events
  missing_tail,   // events after seq are absent: the head says last
  inserted,       // seq .. last are not part of the chain the head closes
  link_broken,    // seq-1 and seq both hash right but do not link: one was rewritten
  head_mismatch,  // the head names event seq but another hash
  head_missing,   // the store holds no chain head
};

struct finding {
  finding_kind kind;
  std::int64_t seq = 0;
  std::int64_t last = 0;
  bool operator==(const finding&) const = default;
};

// "event 42 was edited", "event 42 is missing (deleted)", "events after 99
// are missing: chain head says 120", ...
std::string describe(const finding& f);

// Walks the stored rows one at a time (ascending seq), so a chain of any
// length verifies in constant memory.
class chain_verifier {
 public:
  explicit chain_verifier(std::size_t max_findings = 1000) : max_findings_(max_findings) {}

  void add(const stored_event& row);
  // After the last row: compares with the head the store holds (nullopt: none).
  void finish(const std::optional<chain_head>& head);

  bool intact() const noexcept { return total_findings_ == 0; }
  // Events the rows walked hold: two for a row with a folded outcome.
  std::uint64_t events() const noexcept { return events_; }
  // The first max_findings findings, in chain order; total_findings() counts all.
  const std::vector<finding>& findings() const noexcept { return findings_; }
  std::uint64_t total_findings() const noexcept { return total_findings_; }

 private:
  void report(finding f);
  bool content_ok(const stored_event& row);

  std::size_t max_findings_;
  std::vector<finding> findings_;
  std::uint64_t total_findings_ = 0;
  std::uint64_t events_ = 0;
  std::int64_t last_seq_ = 0;         // the last sequence number the last row holds
  std::string last_hash_ = genesis_hash();
  bool last_edited_ = false;  // its finding already explains a broken link after it
  bool last_folded_ = false;  // the last row held two events (or claims to)
  std::string scratch_;
};

}  // namespace gh::audit
