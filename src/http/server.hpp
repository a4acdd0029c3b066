// The HTTP listener on gateway.http.listen: Beast, one coroutine per
// connection (STYLE.md §10), TLS when gateway.http.tls is set. Each request
// gets a deadline to arrive (idle keep-alive included) and one to be
// written, a header and a body limit, and is answered by http::api after
// the bearer token has named a caller.
//
// Runs on the io_context it is given: the gateway gives it one of its own,
// on its own thread (gateway/control_plane.hpp), so that API handlers, which
// wait on SQLite, never hold up a session's io thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/expected.hpp"
#include "config/config.hpp"
#include "gateway/net.hpp"
#include "http/api.hpp"
#include "identity/principal.hpp"

namespace boost::asio::ssl {
class context;
}

namespace gh::http {

// The principal a bearer token names (a service token or an OIDC token), or
// nullopt. Never logs the token.
using authenticator =
    std::function<net::awaitable<std::optional<identity::principal>>(std::string token)>;

struct server_limits {
  std::uint32_t header_max = 8 * 1024;
  std::uint32_t body_max = 64 * 1024;
  std::chrono::seconds io_timeout{30};  // to receive a request, and to send its response
  std::uint32_t connections_max = 256;
};

class server {
 public:
  // Binds the listener and loads its TLS files; the error says which.
  static expected<std::unique_ptr<server>, std::string> bind(net::asio::io_context& io,
                                                             const config::http_listener& listen,
                                                             api& routes, authenticator auth,
                                                             server_limits limits = {});
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  void start();  // the accept loop, on the io_context
  // Stops accepting; on the io_context's thread, or once it has stopped.
  // Connections end when the io_context stops.
  void stop();
  std::uint16_t port() const;
  bool tls() const noexcept { return tls_ != nullptr; }

 private:
  server(net::asio::io_context& io, api& routes, authenticator auth, server_limits limits);
  net::awaitable<void> accept_loop();
  net::awaitable<void> session(net::tcp::socket sock);
  template <class Stream>
  net::awaitable<void> serve(Stream& stream, const std::string& client, bool secure);
  net::awaitable<response> respond(const request& req, std::string& who, bool secure);

  net::asio::io_context& io_;
  api& routes_;
  authenticator auth_;
  server_limits limits_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  net::tcp::acceptor acceptor_;
  std::atomic<std::uint32_t> open_{0};
};

// Whether a request from `peer` may be authenticated: over TLS, or from this
// host (loopback, IPv4-mapped loopback included). Without TLS, a token from
// elsewhere has crossed the network in clear: 403 tls_required.
bool may_carry_credentials(bool tls, const net::asio::ip::address& peer);

// The token of "Authorization: Bearer <token>" (scheme case-insensitive,
// RFC 6750 §2.1), or nullopt.
std::optional<std::string_view> bearer_token(const request& req);

}  // namespace gh::http
