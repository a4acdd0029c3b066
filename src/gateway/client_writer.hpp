// Serialises writes to the client: the relay's server-to-client direction
// and the gateway's own messages (a review's notice) share one stream, and
// a message must never land inside another.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "gateway/net.hpp"
#include "gateway/review_board.hpp"

namespace gh::gateway {

class client_writer {
 public:
  explicit client_writer(net::asio::any_io_executor ex) : wake_(ex) {}

  net::awaitable<void> acquire() {
    while (busy_) {
      wake_.expires_at(net::asio::steady_timer::time_point::max());
      co_await wake_.async_wait(net::use_nothrow);
      if (closed_) co_return;
    }
    busy_ = true;
  }
  // acquire() without a coroutine frame when the stream is free.
  bool try_acquire() noexcept {
    if (busy_ || closed_) return false;
    busy_ = true;
    return true;
  }
  void release() {
    busy_ = false;
    wake_.cancel();
  }
  // Wakes any waiter for good (the session is ending).
  void close() {
    closed_ = true;
    wake_.cancel();
  }
  bool closed() const noexcept { return closed_; }

 private:
  net::asio::steady_timer wake_;
  bool busy_ = false;
  bool closed_ = false;
};

// What a held statement is waiting for, shared with the callbacks that end
// the wait (the review board, a CancelRequest) from other threads. They post
// to the session's executor; everything here is touched on that thread only.
struct hold_mailbox {
  explicit hold_mailbox(net::asio::any_io_executor ex) : executor(ex) {}
  net::asio::any_io_executor executor;
  bool alive = true;                       // false once the session is gone
  bool cancel_requested = false;
  std::uint64_t generation = 0;            // the review being waited for; older outcomes are ignored
  std::optional<review_outcome> outcome;
  net::asio::steady_timer* timer = nullptr;  // the wait to wake

  void wake() {
    if (timer) timer->cancel();
  }
};

// For a cancel (CancelRequest, KILL QUERY): wakes the session's wait on a
// held statement, which then withdraws its review. Callable from any thread.
inline std::function<void()> interrupter_of(const std::shared_ptr<hold_mailbox>& mailbox) {
  std::weak_ptr<hold_mailbox> weak = mailbox;
  auto ex = mailbox->executor;
  return [weak, ex] {
    net::asio::post(ex, [weak] {
      auto m = weak.lock();
      if (!m || !m->alive) return;
      m->cancel_requested = true;
      m->wake();
    });
  };
}

// Opens a review of `subject` for a session that waits on `mailbox`: the
// outcome, decided on any thread, is posted to the session's thread and
// wakes the wait; a session gone by then is left alone. Resets the mailbox
// for this wait. Returns the review's id.
inline expected<std::string, review_error> open_review_into(const std::shared_ptr<hold_mailbox>& mailbox,
                                                            review_board& board, review_subject subject) {
  mailbox->outcome.reset();
  mailbox->cancel_requested = false;
  // An outcome decided just as the session gave up on it (a cancel in the
  // gap between a decision and its notification) must not land on the wait
  // for the next held statement.
  const std::uint64_t generation = ++mailbox->generation;
  std::weak_ptr<hold_mailbox> weak = mailbox;
  return board.open(std::move(subject), [weak, generation, ex = mailbox->executor](const review_outcome& o) {
    net::asio::post(ex, [weak, generation, o] {
      auto m = weak.lock();
      if (!m || !m->alive || m->generation != generation) return;
      m->outcome = o;
      m->wake();
    });
  });
}

}  // namespace gh::gateway
