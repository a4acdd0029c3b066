// The connectors listener: accepts, reads the plaintext preamble, and sends
// a control connection to its own coroutine (TLS and hello there) and a data
// connection's socket to the session that asked for it.
#include <spdlog/spdlog.h>

#include "connector/control_link.hpp"
#include "connector/frame_io.hpp"
#include "connector/hub.hpp"
#include "connector/registry.hpp"
#include "connector/timing.hpp"
#include "wire/connector/preamble.hpp"

namespace gh::connector {
namespace {

namespace asio = net::asio;
namespace wc = wire::connector;
using net::tcp;
using net::use_nothrow;

// Connections that have not sent their preamble yet cost memory and a timer
// each before proving anything: a bound keeps a flood from piling them up.
constexpr unsigned admitting_max = 256;

std::string peer_of(const tcp::socket& s) {
  net::error_code ec;
  auto ep = s.remote_endpoint(ec);
  if (ec) return "unknown";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

// Reads the preamble a byte run at a time, as the step decoder wants: a
// wrong first byte ends it at once. Never reads past it: TLS follows.
net::awaitable<wc::preamble_step> read_preamble(tcp::socket& s) {
  std::uint8_t buf[wc::preamble_size];
  std::size_t have = 0;
  for (;;) {
    wc::preamble_step step = wc::decode_preamble(bytes_view(buf, have));
    if (step.status != wc::step_status::need_more) co_return step;
    auto [ec, n] = co_await s.async_read_some(asio::buffer(buf + have, wc::preamble_size - have), use_nothrow);
    if (ec) co_return step;  // need_more: the peer left first
    have += n;
  }
}

}  // namespace

void hub::listen(asio::io_context& io, const config::listener& at) {
  net::error_code ec;
  auto addr = asio::ip::make_address(at.host, ec);
  if (ec) throw std::runtime_error("gateway.connectors.listen: \"" + at.host + "\" is not an IP address");
  tcp::endpoint ep(addr, at.port);
  tcp::acceptor acceptor(io);
  try {
    acceptor.open(ep.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + at.host + ":" + std::to_string(at.port) +
                             " (gateway.connectors.listen): " + e.what());
  }
  io_ = &io;
  asio::co_spawn(io, accept_loop(std::move(acceptor)), asio::detached);
}

void hub::stop() {
  if (stopped_.exchange(true) || !io_) return;
  asio::post(*io_, [this] {
    net::error_code ignored;
    if (acceptor_) acceptor_->close(ignored);
  });
  for (auto& link : reg_->links()) link->close();
}

net::awaitable<void> hub::accept_loop(tcp::acceptor acceptor) {
  acceptor_ = &acceptor;
  asio::steady_timer pause(acceptor.get_executor());
  while (!stopped_.load()) {
    auto [ec, sock] = co_await acceptor.async_accept(use_nothrow);
    if (ec == asio::error::operation_aborted || stopped_.load()) break;
    if (ec) {
      // Out of descriptors, typically: do not spin on it.
      spdlog::warn("connectors listener: accept failed: {}", ec.message());
      pause.expires_after(std::chrono::milliseconds(100));
      co_await pause.async_wait(use_nothrow);
      continue;
    }
    if (admitting_ >= admitting_max) {
      spdlog::warn("connectors listener: {} connections already starting; closing one from {}", admitting_,
                   peer_of(sock));
      continue;
    }
    asio::co_spawn(acceptor.get_executor(), admit(std::move(sock)), asio::detached);
  }
  acceptor_ = nullptr;
}

net::awaitable<void> hub::admit(tcp::socket sock) {
  const std::string peer = peer_of(sock);
  net::error_code ignored;
  sock.set_option(tcp::no_delay(true), ignored);

  auto ex = sock.get_executor();
  watchdog dog(ex, sock);
  dog.arm(handshake_timeout);
  ++admitting_;
  wc::preamble_step step = co_await read_preamble(sock);
  --admitting_;
  dog.disarm();
  if (step.status != wc::step_status::ready) {
    if (step.status == wc::step_status::error)
      spdlog::warn("connectors listener: connection from {} is not a connector: {}", peer, wc::describe(step.error));
    else
      spdlog::info("connectors listener: connection from {} ended before its preamble{}", peer,
                   dog.fired() ? " (timed out)" : "");
    co_return;
  }

  if (step.value.kind == wc::link_kind::control) {
    // The link bounds its own TLS handshake and hello (handshake_timeout).
    auto link = std::make_shared<control_link>(*reg_, tls_stream(std::move(sock), *tls_), peer);
    co_await link->run();
    co_return;
  }

  // A data connection: only the session that asked for it may have it, once.
  auto p = reg_->claim(step.value.route);
  if (!p) {
    spdlog::warn("connectors listener: data connection from {} names no session waiting for one (unknown, "
                 "already used or given up); closed", peer);
    co_return;
  }
  // Before TLS, the socket moves to the session's io_context: a descriptor
  // moves freely, a TLS state would not.
  const tcp protocol = sock.local_endpoint(ignored).protocol();
  net::error_code ec;
  int fd = sock.release(ec);
  if (ec) {
    deliver_failure(p, {"08001", {}, "cannot hand the data connection over: " + ec.message()}, false);
    co_return;
  }
  deliver_socket(std::move(p), fd, protocol);
}

}  // namespace gh::connector
