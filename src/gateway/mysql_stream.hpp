// One side of a MySQL session: a TCP socket, or TLS over it. The MySQL
// protocol turns TLS on in the middle of the handshake (the client's
// SSLRequest; the gateway's own, towards a server that offers it), so which
// of the two a stream is gets decided at run time, not by a template.
// Touched by one coroutine at a time per direction (one read and one write
// may be outstanding together, as Asio's SSL stream allows).
#pragma once

#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "connector/tls.hpp"
#include "gateway/net.hpp"

namespace gh::gateway {

class mysql_stream {
 public:
  explicit mysql_stream(net::tcp::socket socket) : plain_(std::move(socket)) {}
  mysql_stream(const mysql_stream&) = delete;
  mysql_stream& operator=(const mysql_stream&) = delete;

  bool tls() const noexcept { return tls_.has_value(); }
  net::tcp::socket& socket() noexcept { return tls_ ? tls_->next_layer() : plain_; }
  net::asio::any_io_executor get_executor() { return socket().get_executor(); }

  // The gateway's side of the client's TLS handshake.
  net::awaitable<net::error_code> accept_tls(net::asio::ssl::context& ctx) {
    tls_.emplace(std::move(plain_), ctx);
    auto [ec] = co_await tls_->async_handshake(net::asio::ssl::stream_base::server, net::use_nothrow);
    co_return ec;
  }

  // TLS towards a server. `sni`: the server's host name (empty for an
  // address). The context decides whether the chain is verified; with
  // `verify_name` the certificate must also carry that name or address.
  net::awaitable<net::error_code> connect_tls(net::asio::ssl::context& ctx, const std::string& sni,
                                              const std::string& verify_name = {}) {
    tls_.emplace(std::move(plain_), ctx);
    if (!sni.empty()) SSL_set_tlsext_host_name(tls_->native_handle(), sni.c_str());
    if (!verify_name.empty() && !connector::expect_peer_name(*tls_, verify_name))
      co_return net::asio::error::invalid_argument;  // a name that cannot be checked: no handshake
    auto [ec] = co_await tls_->async_handshake(net::asio::ssl::stream_base::client, net::use_nothrow);
    co_return ec;
  }
  // After a failed connect_tls: why, in words an operator can act on.
  std::string tls_failure(const net::error_code& ec) { return tls_ ? connector::handshake_failure(*tls_, ec) : ec.message(); }
  bool certificate_refused() { return tls_ && connector::certificate_refused(*tls_); }

  // The socket's or the TLS stream's own read operation, handed to the
  // caller to await: a plain function, so no coroutine frame of its own.
  net::awaitable<std::tuple<net::error_code, std::size_t>> read_some(net::asio::mutable_buffer into) {
    if (tls_) return tls_->async_read_some(into, net::use_nothrow);
    return plain_.async_read_some(into, net::use_nothrow);
  }

  // Writes what a plain socket takes now, without waiting, and returns the
  // rest for write(): most writes end here, with no operation through the
  // io_context. Over TLS nothing is written here.
  net::asio::const_buffer write_now(net::asio::const_buffer bytes, net::error_code& ec) {
    if (tls_ || bytes.size() == 0) return bytes;
    if (!non_blocking_) {
      plain_.non_blocking(true, ec);
      if (ec) return bytes;
      non_blocking_ = true;
    }
    return net::write_now(plain_, bytes, ec);
  }

  net::awaitable<net::error_code> write(net::asio::const_buffer bytes) {
    auto [ec, n] = tls_ ? co_await net::asio::async_write(*tls_, bytes, net::use_nothrow)
                        : co_await net::asio::async_write(plain_, bytes, net::use_nothrow);
    co_return ec;
  }
  net::awaitable<net::error_code> write(const std::string& bytes) {
    co_return co_await write(net::asio::buffer(bytes));
  }

  // Cancels what is outstanding (the session is ending); the socket stays open.
  void cancel() {
    net::error_code ignored;
    socket().cancel(ignored);
  }
  void close() {
    net::error_code ignored;
    socket().close(ignored);
  }

 private:
  net::tcp::socket plain_;  // moved into tls_ when TLS starts
  bool non_blocking_ = false;  // plain_ set non-blocking by write_now
  std::optional<net::asio::ssl::stream<net::tcp::socket>> tls_;
};

}  // namespace gh::gateway
