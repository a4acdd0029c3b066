// Statements recorded, by decision, for /metrics. Each worker counts in its
// own slot (its own cache line), so that counting costs the hot path no
// shared write; the metrics endpoint adds the slots up.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "gateway/audit_sink.hpp"

namespace gh::gateway {

struct alignas(64) statement_counts {
  std::atomic<std::uint64_t> allow{0}, review{0}, deny{0};
};

// An audit_sink that counts the statement events passing to the worker's own.
class counting_sink final : public audit_sink {
 public:
  counting_sink(std::unique_ptr<audit_sink> inner, std::shared_ptr<statement_counts> counts)
      : inner_(std::move(inner)), counts_(std::move(counts)) {}

  void append(const audit::event& e) override {
    inner_->append(e);
    if (e.kind != audit::event_kind::statement) return;
    if (e.decision == "allow")
      counts_->allow.fetch_add(1, std::memory_order_relaxed);
    else if (e.decision == "review")
      counts_->review.fetch_add(1, std::memory_order_relaxed);
    else if (e.decision == "deny")
      counts_->deny.fetch_add(1, std::memory_order_relaxed);
  }
  bool flush() override { return inner_->flush(); }
  bool dirty() const override { return inner_->dirty(); }
  std::string last_error() const override { return inner_->last_error(); }

 private:
  std::unique_ptr<audit_sink> inner_;
  std::shared_ptr<statement_counts> counts_;
};

}  // namespace gh::gateway
