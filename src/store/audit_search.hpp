// The read side of the audit log, for `gatehouse audit search` and `audit
// verify`. Both only read: the store is opened read-only and the journals are
// read, never ingested here (a second writer would race the chain). Search
// also reads the journal tails not yet ingested, so a statement recorded a
// millisecond ago already shows, with "seq": null.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/chain.hpp"
#include "audit/json_line.hpp"
#include "audit/search.hpp"
#include "common/expected.hpp"

namespace gh::store {

// Calls `emit` for each statement (or other non-outcome event) that passes
// `filter`, joined with its outcome when one is recorded, oldest first. With
// a limit, the newest `limit` of them. Returns how many were emitted.
expected<std::uint64_t, std::string> search_audit(
    const std::string& sqlite_path, const audit::search_filter& filter,
    const std::function<void(const audit::search_row&)>& emit);

struct verify_report {
  std::uint64_t events = 0;                 // rows walked
  std::optional<audit::chain_head> head;    // as stored
  std::vector<audit::finding> findings;     // the first ones, in chain order
  std::uint64_t total_findings = 0;
  std::uint64_t pending = 0;                // whole records in journals, not yet chained
  bool intact() const noexcept { return total_findings == 0; }
};

// Walks the whole chain in one read transaction (a consistent snapshot even
// while the gateway records).
expected<verify_report, std::string> verify_audit(const std::string& sqlite_path,
                                                  std::size_t max_findings = 1000);

}  // namespace gh::store
