// One io thread and what it owns: its io_context, its audit journal and its
// classification cache. Sessions are pinned to one worker and touch only its
// state on the hot path: no locks, no cross-thread hops (DESIGN.md decision 3).
#pragma once

#include <memory>
#include <thread>
#include <unordered_set>

#include "gateway/audit_sink.hpp"
#include "gateway/drainable.hpp"
#include "gateway/net.hpp"
#include "gateway/statement_classifier.hpp"

namespace gh::gateway {

class services;

class worker {
 public:
  worker(unsigned index, services& svc, std::unique_ptr<audit_sink> audit);
  ~worker();
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  unsigned index() const noexcept { return index_; }
  services& svc() noexcept { return svc_; }
  net::asio::io_context& io() noexcept { return io_; }
  audit_sink& audit() noexcept { return sink_; }
  statement_classifier& classifier() noexcept { return classifier_; }

  void start();  // runs the io_context on its own thread
  void join();

  // Sessions register while they relay, so that shutdown can drain them.
  // Touched on this worker's thread only.
  void add_session(drainable* s) { sessions_.insert(s); }
  void remove_session(drainable* s) { sessions_.erase(s); }
  void drain_sessions();

 private:
  unsigned index_;
  services& svc_;
  std::unique_ptr<audit_sink> audit_;

  // The worker's sink as sessions see it: an append (an outcome, which rides
  // along with the next statement's flush) arms a timer that flushes it if no
  // statement follows. An idle worker sets no timer and never wakes.
  class flush_soon_sink final : public audit_sink {
   public:
    explicit flush_soon_sink(worker& w) : w_(w) {}
    void append(const audit::event& e) override {
      w_.audit_->append(e);
      if (!w_.flush_armed_ && !w_.stopped_) w_.arm_flush();
    }
    bool flush() override { return w_.audit_->flush(); }
    bool dirty() const override { return w_.audit_->dirty(); }
    std::string last_error() const override { return w_.audit_->last_error(); }

   private:
    worker& w_;
  };
  flush_soon_sink sink_{*this};
  statement_classifier classifier_;
  std::unordered_set<drainable*> sessions_;
  bool flush_armed_ = false;
  // The io_context has stopped: what sessions record as it is destroyed is
  // written by join() and the journal's own close, not by a timer.
  bool stopped_ = false;
  // Declared after what sessions use: destroying the io_context destroys the
  // sessions still suspended in it, and they unregister and record on the way.
  net::asio::io_context io_{1};
  net::asio::steady_timer flush_timer_{io_};
  std::thread thread_;

  void arm_flush();
};

}  // namespace gh::gateway
