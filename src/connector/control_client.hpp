// The connector's control connection: dial the gateway, say hello with the
// token, then keep the connection: heartbeats both ways, `open` starts a
// data session, `cancel` cancels one. When it is lost, the sessions it
// carried end, and the connector dials again after reconnect_delay() —
// forever, until stop().
#pragma once

#include <memory>
#include <string>

#include "connector/frame_queue.hpp"
#include "connector/runtime.hpp"
#include "gateway/net.hpp"

namespace gh::connector {

class control_client {
 public:
  control_client(runtime& rt, net::asio::any_io_executor ex) : rt_(rt), ex_(ex), pause_(ex) {}

  // On `ex`, until stop().
  net::awaitable<void> run();
  // Any thread.
  void stop();

 private:
  // One connection's life; returns why it ended, for the log. `welcomed` is
  // set once the gateway accepted the token.
  net::awaitable<std::string> serve_once(bool& welcomed, bool& refused);
  net::awaitable<void> read_loop(tls_stream& s);
  net::awaitable<void> heartbeat_loop();
  void on_open(std::string body);
  void on_cancel(std::string body);
  void drop(std::string why);

  runtime& rt_;
  net::asio::any_io_executor ex_;
  net::asio::steady_timer pause_;
  bool stopped_ = false;
  // The connection being served (on ex_ only).
  tls_stream* stream_ = nullptr;
  frame_queue* out_ = nullptr;
  net::asio::steady_timer* beat_ = nullptr;
  std::chrono::steady_clock::time_point last_heard_;
  std::string why_;
  bool dropped_ = false;   // drop() ran: every loop of this connection ends
};

}  // namespace gh::connector
