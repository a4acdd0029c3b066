#include "gateway/mysql_listener.hpp"

#include <boost/asio/ssl/context.hpp>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "connector/tls.hpp"
#include "gateway/mysql_io.hpp"
#include "gateway/mysql_session.hpp"
#include "gateway/services.hpp"
#include "gateway/worker.hpp"
#include "wire/mysql/generic.hpp"

namespace gh::gateway {
namespace {

namespace asio = net::asio;
using net::tcp;

tcp::endpoint endpoint_of(const config::listener& l) {
  net::error_code ec;
  auto addr = asio::ip::make_address(l.host, ec);
  if (ec) throw std::runtime_error("listen address \"" + l.host + "\" is not an IP address");
  return {addr, l.port};
}

}  // namespace

mysql_listener::mysql_listener(const config::listener& where, std::vector<std::unique_ptr<worker>>& workers,
                               services& svc)
    : workers_(workers), svc_(svc), acceptor_(workers[0]->io()) {
  if (where.tls) listener_tls_ = connector::make_listener_tls(*where.tls);
  auto ep = endpoint_of(where);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

mysql_listener::~mysql_listener() = default;

void mysql_listener::start() { asio::co_spawn(workers_[0]->io(), accept_loop(), asio::detached); }

void mysql_listener::close() {
  asio::post(workers_[0]->io(), [this] {
    net::error_code ignored;
    acceptor_.close(ignored);
  });
}

net::awaitable<void> mysql_listener::accept_loop() {
  std::size_t next = 0;
  const mysql_session_tls tls{listener_tls_.get()};
  for (;;) {
    worker& w = *workers_[next];
    next = (next + 1) % workers_.size();
    auto [ec, sock] = co_await acceptor_.async_accept(w.io(), net::use_nothrow);
    if (ec == asio::error::operation_aborted || svc_.draining.load()) co_return;
    if (ec) {
      spdlog::warn("mysql accept failed: {}", ec.message());
      continue;
    }
    asio::co_spawn(w.io(), run_mysql_session(std::move(sock), w, tls), asio::detached);
  }
}

}  // namespace gh::gateway
