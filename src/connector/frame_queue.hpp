// The write side of a control connection: frames from anywhere on the
// connection's executor (heartbeats, opens, cancels) go out whole and in
// order, one write at a time, batched when several wait.
#pragma once

#include <string>

#include "connector/frame_io.hpp"
#include "gateway/net.hpp"

namespace gh::connector {

class frame_queue {
 public:
  explicit frame_queue(net::asio::any_io_executor ex) : wake_(ex) {}

  // On the connection's executor only.
  void push(std::string frame) {
    if (closed_) return;
    pending_ += frame;
    wake_.cancel();
  }
  void close() {
    closed_ = true;
    wake_.cancel();
  }

  // Writes until close() or a write error; returns the error, if any.
  template <class Stream>
  net::awaitable<net::error_code> run(Stream& s) {
    while (!closed_) {
      if (pending_.empty()) {
        wake_.expires_at(net::asio::steady_timer::time_point::max());
        co_await wake_.async_wait(net::use_nothrow);
        continue;
      }
      std::string out;
      out.swap(pending_);
      if (auto ec = co_await write_all(s, out)) co_return ec;
    }
    co_return net::error_code{};
  }

 private:
  net::asio::steady_timer wake_;
  std::string pending_;
  bool closed_ = false;
};

}  // namespace gh::connector
