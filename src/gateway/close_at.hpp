// A deadline for one step of opening a database session (connect, the TLS
// handshake, the login): when it passes, `close` runs (it closes the socket
// the step waits on, which ends the wait with an error). The timer's handler
// can run after the step finished and the coroutine that armed it is gone
// (the expiry and the completion fall in the same pass of the event loop);
// it then touches only the shared flag, never the socket `close` refers to.
#pragma once

#include <functional>
#include <memory>

#include "gateway/net.hpp"

namespace gh::gateway {

class close_at {
 public:
  close_at(net::asio::any_io_executor ex, std::chrono::steady_clock::time_point at, std::function<void()> close)
      : timer_(ex), state_(std::make_shared<state>()) {
    timer_.expires_at(at);
    timer_.async_wait([s = state_, close = std::move(close)](net::error_code ec) {
      if (ec || s->disarmed) return;
      s->fired = true;
      close();
    });
  }
  ~close_at() { disarm(); }
  close_at(const close_at&) = delete;
  close_at& operator=(const close_at&) = delete;

  // After this, `close` never runs.
  void disarm() {
    state_->disarmed = true;
    timer_.cancel();
  }
  bool fired() const noexcept { return state_->fired; }

 private:
  struct state {
    bool disarmed = false;
    bool fired = false;
  };
  net::asio::steady_timer timer_;
  std::shared_ptr<state> state_;
};

}  // namespace gh::gateway
