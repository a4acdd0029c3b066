// The gateway's half of the connector protocol (DESIGN.md decision 11,
// docs/connectors.md): the `gateway.connectors.listen` listener, the
// control connections of the connectors that dialed in, and, for a client
// session on a connection that names `connector: X`, a data connection from
// one of them with the database session already open behind it. The
// gateway never learns the database's address or secret.
//
//   auto hub = std::make_shared<connector::hub>(cfg.connectors, make_listener_tls(*tls), rng);
//   hub->listen(io, *cfg.gateway.connectors);          // throws when it cannot bind
//   ...in a session, on its own executor:
//   auto up = co_await hub->open({"east", "far", read_only, params, session_id});
//   pg_relay<Client, connector::tls_stream> relay(client, *up->stream, ctx);
//
// Threads: the listener and the control connections run on the io_context
// given to listen(); open() runs on the calling session's executor, and the
// data connection is handed to that executor before its TLS handshake, so
// the relay owns it like any upstream socket. Shared state is behind one
// mutex, touched at session start and end only.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/expected.hpp"
#include "common/random.hpp"
#include "config/config.hpp"
#include "connector/tls.hpp"
#include "gateway/net.hpp"

namespace gh::connector {

class registry;
class session_lease;

struct open_failure {
  std::string sqlstate;   // what the client gets
  std::string message;    // for the client: names the connection, never an address
  std::string detail;     // for the gateway's log
};

struct session_request {
  std::string connector;    // the connection's `connector:`
  std::string connection;
  bool read_only = true;    // the second wall, applied by the connector
  std::vector<std::pair<std::string, std::string>> params;  // already filtered by the session
  std::string session;      // the gateway's session id, for logs
  // When the caller must have an answer by (its own client's deadline);
  // open() then gives up a little earlier than open_timeout, so that the
  // client still hears why.
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

// A database session behind a connector, ready to relay. Owned by the
// session, used on its executor only.
struct connector_session {
  std::unique_ptr<tls_stream> stream;   // raw PostgreSQL protocol from here on
  std::string greeting;                 // ParameterStatus and NoticeResponse messages, as sent
  char tx_status = 'I';
  std::function<void()> cancel;         // asks the connector to cancel; callable from any thread
  std::string via;                      // "east at 10.0.0.7:51234", for logs
  // Ends the stream if the connector's control connection is lost. After
  // `stream`: destroyed first.
  std::shared_ptr<session_lease> lease;
};

class hub {
 public:
  hub(std::vector<config::connector_entry> allowed, std::shared_ptr<net::asio::ssl::context> tls,
      random_source rng);
  ~hub();
  hub(const hub&) = delete;
  hub& operator=(const hub&) = delete;

  // Binds and starts accepting on `io`. Throws std::runtime_error naming the
  // address when it cannot (start-up code path).
  void listen(net::asio::io_context& io, const config::listener& at);
  // Stops accepting and closes every control connection. Any thread.
  void stop();

  // Opens a database session through a live connector named r.connector,
  // spreading sessions over the connectors of that name. Fails fast (08001)
  // when none is connected, and within open_timeout when the one asked does
  // not answer. Runs on the caller's executor.
  net::awaitable<expected<connector_session, open_failure>> open(session_request r);

  // Connectors of that name with a live control connection. Any thread.
  std::size_t live(std::string_view name) const;

 private:
  net::awaitable<void> accept_loop(net::tcp::acceptor acceptor);
  net::awaitable<void> admit(net::tcp::socket socket);
  net::awaitable<expected<connector_session, open_failure>> finish_open(
      net::tcp::socket socket, const session_request& r, const std::string& session_id,
      const std::string& nonce, std::chrono::steady_clock::time_point deadline,
      std::weak_ptr<class control_link> link);

  std::unique_ptr<registry> reg_;
  std::shared_ptr<net::asio::ssl::context> tls_;
  random_source rng_;
  net::asio::io_context* io_ = nullptr;
  net::tcp::acceptor* acceptor_ = nullptr;   // on io_, while accepting
  std::atomic<bool> stopped_{false};
  unsigned admitting_ = 0;                   // on io_: connections not yet past their preamble
};

}  // namespace gh::connector
