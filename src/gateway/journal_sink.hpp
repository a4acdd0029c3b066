// The audit_sink of a worker: its own journal file (store/journal.hpp). The
// ingester follows on its own timer: poking it here would cost a futex wake
// per flush on the hot path, and `audit search` reads journal tails anyway.
#pragma once

#include <string>

#include "gateway/audit_sink.hpp"
#include "store/journal.hpp"

namespace gh::gateway {

class journal_sink final : public audit_sink {
 public:
  explicit journal_sink(store::journal_writer writer) : writer_(std::move(writer)) {}

  void append(const audit::event& e) override {
    if (auto r = writer_.append(e); !r) failed_append_ = true;
  }
  bool flush() override {
    if (failed_append_) {
      failed_append_ = false;
      error_ = "an event could not be encoded";
      return false;
    }
    if (writer_.pending_events() == 0) return true;
    auto r = writer_.flush();
    if (!r) {
      error_ = r.error().message();
      return false;
    }
    return true;
  }
  bool dirty() const override { return writer_.pending_events() != 0; }
  std::string last_error() const override { return error_; }

 private:
  store::journal_writer writer_;
  bool failed_append_ = false;
  std::string error_;
};

}  // namespace gh::gateway
