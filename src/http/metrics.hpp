// /metrics: the Prometheus text exposition format (version 0.0.4). Counts
// only: no label carries a principal, a statement or a table name, so the
// endpoint reveals how busy the gateway is and nothing about who does what.
#pragma once

#include <cstdint>
#include <string>

namespace gh::http {

struct metrics_sample {
  std::uint64_t sessions_open = 0;
  std::uint64_t statements_allow = 0;  // recorded statements, by decision
  std::uint64_t statements_review = 0;
  std::uint64_t statements_deny = 0;
  std::uint64_t reviews_pending = 0;
  std::uint64_t grants_active = 0;
  std::uint64_t audit_journal_bytes = 0;  // journal files on disk (finished ones go once stored)
  std::uint64_t webhook_sent = 0;
  std::uint64_t webhook_failed = 0;   // given up after every retry
  std::uint64_t webhook_dropped = 0;  // the queue was full
  std::uint64_t scram_keys_derived = 0;  // successful PostgreSQL SCRAM logins that ran PBKDF2
  std::uint64_t scram_keys_reused = 0;   // ... that took the keys of an earlier one
  std::string version;
};

std::string render_metrics(const metrics_sample& m);

}  // namespace gh::http
