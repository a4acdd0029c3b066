// The MySQL/MariaDB listener (gateway.mysql): accepts on worker 0 and hands
// each socket to the next worker in turn, as the PostgreSQL listener does;
// owns the TLS contexts of its sessions (the listener's, when gateway.mysql
// has `tls`, and the one towards upstream servers that offer TLS).
#pragma once

#include <memory>
#include <vector>

#include "config/config.hpp"
#include "gateway/net.hpp"

namespace boost::asio::ssl {
class context;
}

namespace gh::gateway {

class services;
class worker;

class mysql_listener {
 public:
  // Binds and listens. Throws std::runtime_error naming the address or the
  // TLS file (start-up code path).
  mysql_listener(const config::listener& where, std::vector<std::unique_ptr<worker>>& workers, services& svc);
  ~mysql_listener();
  mysql_listener(const mysql_listener&) = delete;
  mysql_listener& operator=(const mysql_listener&) = delete;

  void start();  // the accept loop, on worker 0
  void close();  // stops accepting (posted to worker 0)
  bool tls() const noexcept { return listener_tls_ != nullptr; }

 private:
  net::awaitable<void> accept_loop();

  std::vector<std::unique_ptr<worker>>& workers_;
  services& svc_;
  std::shared_ptr<boost::asio::ssl::context> listener_tls_;
  net::tcp::acceptor acceptor_;
};

}  // namespace gh::gateway
