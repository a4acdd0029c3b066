#include "gateway/worker.hpp"

#include <spdlog/spdlog.h>

#include <vector>

namespace gh::gateway {

worker::worker(unsigned index, services& svc, std::unique_ptr<audit_sink> audit)
    : index_(index), svc_(svc), audit_(std::move(audit)) {}

worker::~worker() { stopped_ = true; }  // before the io_context destroys what it holds

void worker::start() {
  thread_ = std::thread([this] {
    auto guard = net::asio::make_work_guard(io_);
    io_.run();
    stopped_ = true;
  });
}

void worker::join() {
  if (thread_.joinable()) thread_.join();
  // The thread is gone: what it appended last (outcomes) is written now.
  if (audit_->dirty() && !audit_->flush())
    spdlog::error("worker {}: last audit flush failed: {}", index_, audit_->last_error());
}

// Outcome events are appended as responses pass and ride along with the next
// statement's flush; this timer writes them when no statement follows.
void worker::arm_flush() {
  flush_armed_ = true;
  flush_timer_.expires_after(std::chrono::milliseconds(10));
  flush_timer_.async_wait([this](net::error_code ec) {
    flush_armed_ = false;
    if (ec) return;
    if (audit_->dirty() && !audit_->flush())
      spdlog::error("worker {}: audit flush failed: {}", index_, audit_->last_error());
  });
}

void worker::drain_sessions() {
  std::vector<drainable*> all(sessions_.begin(), sessions_.end());
  for (auto* s : all) s->drain();
}

}  // namespace gh::gateway
