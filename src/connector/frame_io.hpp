// Connector frames over a stream (TLS in practice), and a watchdog that
// bounds a phase of a connection. Shared by the gateway's half and the
// connector's; the codec is wire/connector.
#pragma once

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <string>

#include "common/expected.hpp"
#include "gateway/net.hpp"
#include "wire/connector/framing.hpp"

namespace gh::connector {

struct owned_frame {
  char type = 0;
  std::string body;
};

// Why reading a frame failed: the peer went away, or sent something wrong.
struct read_failure {
  bool closed = false;   // EOF, reset, TLS truncation, cancellation
  std::string what;
};

// Reads exactly one frame and never a byte past it: after `ready` the bytes
// that follow are PostgreSQL's, read by the relay from the same stream. The
// length is checked against `max_body` before anything is allocated for it.
template <class Stream>
net::awaitable<expected<owned_frame, read_failure>> read_frame(Stream& s, std::uint32_t max_body) {
  namespace wc = wire::connector;
  std::uint8_t header[wc::frame_header_size];
  auto [ec, n] = co_await net::asio::async_read(s, net::asio::buffer(header), net::use_nothrow);
  if (ec) co_return unexpected(read_failure{true, ec.message()});
  wc::frame f = wc::next_frame(bytes_view(header, sizeof header), max_body);
  if (f.status == wc::step_status::error) co_return unexpected(read_failure{false, std::string(wc::describe(f.error))});
  owned_frame out;
  out.type = static_cast<char>(header[0]);
  out.body.resize(load_be32(header + 1));  // at most max_body: checked just above
  if (!out.body.empty()) {
    auto [bec, bn] = co_await net::asio::async_read(s, net::asio::buffer(out.body), net::use_nothrow);
    if (bec) co_return unexpected(read_failure{true, bec.message()});
  }
  co_return out;
}

template <class Stream>
net::awaitable<net::error_code> write_all(Stream& s, const std::string& bytes) {
  auto [ec, n] = co_await net::asio::async_write(s, net::asio::buffer(bytes), net::use_nothrow);
  co_return ec;
}

// Closes a socket when a phase overruns its time: whatever the coroutine
// awaits on it then fails, and it checks fired(). Used on one executor.
class watchdog {
 public:
  watchdog(net::asio::any_io_executor ex, net::tcp::socket& target) : timer_(ex), target_(target) {}
  ~watchdog() { disarm(); }
  watchdog(const watchdog&) = delete;
  watchdog& operator=(const watchdog&) = delete;

  void arm(std::chrono::steady_clock::duration d) {
    timer_.expires_after(d);
    timer_.async_wait([this](net::error_code ec) {
      if (ec) return;
      fired_ = true;
      net::error_code ignored;
      target_.close(ignored);
    });
  }
  void disarm() { timer_.cancel(); }
  bool fired() const noexcept { return fired_; }

 private:
  net::asio::steady_timer timer_;
  net::tcp::socket& target_;
  bool fired_ = false;
};

}  // namespace gh::connector
