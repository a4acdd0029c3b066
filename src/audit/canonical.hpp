// The canonical form of a stored event: the exact bytes the hash chain hashes
// (chain.hpp). Deterministic and unambiguous: every field, in a fixed order,
// integers at fixed width and strings prefixed by their length, so no edit
// that moves bytes from one field to the next (principal "ab" + session "c" vs
// "a" + "bc") keeps the hash. It includes the event's sequence number, so a
// row moved to another place in the chain no longer matches.
//
//   canonical = tag  seq:u64  kind:u8  time_us:i64  duration_us:i64  rows:i64
//               statement_length:u64  principal session client connection
//               statement cls decision rule reviewer ref error statement_id
//               tables(count:u32, each len:u32 + bytes)
//   tag       = len:u32 + "gatehouse.audit.v1"
//
// A row holding a statement and its outcome (fold.hpp) hashes the
// statement's canonical form followed by the outcome's own fields:
//
//   folded    = canonical(n, statement)  outcome_tag  time_us:i64
//               duration_us:i64  rows:i64  decision  error
//   outcome_tag = len:u32 + "gatehouse.audit.v1.outcome"
//
// The outcome's other fields are fixed by the statement's (fold.hpp), which
// the first part covers, and its sequence number is n + 1. canonical() is
// self-delimiting, so a folded form never equals a lone statement's, nor
// another statement's with other bytes moved into the tail.
//
// Changing this form breaks every existing chain: add a new tag instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "audit/event.hpp"

namespace gh::audit {

inline constexpr std::string_view canonical_tag = "gatehouse.audit.v1";
inline constexpr std::string_view outcome_tag = "gatehouse.audit.v1.outcome";

// Appends the canonical bytes of (seq, ev) to `out`.
void append_canonical(std::string& out, std::uint64_t seq, const event& ev);

// Appends the folded tail for `outcome` (outcome_tag onwards) to `out`.
// Precondition: foldable(statement, outcome) for the statement before it.
void append_folded_outcome(std::string& out, const event& outcome);

inline std::string canonical(std::uint64_t seq, const event& ev) {
  std::string out;
  append_canonical(out, seq, ev);
  return out;
}

}  // namespace gh::audit
