// The gateway's end of one connector's control connection: TLS, the
// connector's hello checked against `connectors:`, then heartbeats both
// ways, `open` and `cancel` out. When it ends (EOF, error, 15 s of silence,
// shutdown), the sessions it carried end too: the connector is presumed
// gone, and no cancel could reach their databases any more.
// Internal to src/connector.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "connector/frame_queue.hpp"
#include "connector/tls.hpp"
#include "gateway/net.hpp"

namespace gh::connector {

class registry;
class control_link;

// A running session's tie to the control connection that opened it.
class session_lease : public std::enable_shared_from_this<session_lease> {
 public:
  // `socket` is the data connection's; it lives at least as long as the lease.
  session_lease(net::asio::any_io_executor ex, net::tcp::socket* socket, std::weak_ptr<control_link> link)
      : executor_(ex), socket_(socket), link_(std::move(link)) {}
  ~session_lease();
  // Closes the data connection on the session's executor. Any thread.
  void end();

 private:
  net::asio::any_io_executor executor_;
  net::tcp::socket* socket_;
  std::weak_ptr<control_link> link_;
};

class control_link : public std::enable_shared_from_this<control_link> {
 public:
  control_link(registry& reg, tls_stream stream, std::string peer);

  // Serves the connection until it ends; on the stream's executor.
  net::awaitable<void> run();

  // Any thread.
  void send(std::string frame);
  void close();
  bool attach(const std::shared_ptr<session_lease>& lease);  // false once the link is gone
  void detach(const session_lease* lease);

  // Fixed once the link is registered.
  const std::string& name() const noexcept { return name_; }
  const std::string& peer() const noexcept { return peer_; }

 private:
  net::awaitable<bool> greet();
  net::awaitable<void> read_loop();
  net::awaitable<void> write_loop();
  net::awaitable<void> heartbeat_loop();
  void stop(std::string why);
  void end_sessions();

  registry& reg_;
  tls_stream stream_;
  std::string peer_;
  std::string name_;
  frame_queue out_;
  net::asio::steady_timer beat_;
  std::chrono::steady_clock::time_point last_heard_;
  bool stopping_ = false;
  std::string why_;

  std::mutex mu_;   // sessions_ and gone_: leases come and go on other threads
  std::unordered_map<const session_lease*, std::weak_ptr<session_lease>> sessions_;
  bool gone_ = false;
};

}  // namespace gh::connector
