// One client session on the connector's side. On the gateway's `open`: dial
// a new data connection, prove it with the session id and nonce, open the
// database session with the connector's own secret (read-only when the
// gateway says so), report `ready` or `failed`, then move bytes both ways
// without looking at them until either side ends. The kernel's socket
// buffers do the flow control: each direction reads only after its last
// write completed.
#pragma once

#include <memory>

#include "connector/runtime.hpp"
#include "gateway/net.hpp"
#include "wire/connector/control.hpp"

namespace gh::connector {

class data_session : public std::enable_shared_from_this<data_session> {
 public:
  data_session(runtime& rt, wire::connector::open_request req, net::asio::any_io_executor ex)
      : rt_(rt), req_(std::move(req)), ex_(ex) {}

  // On `ex`. Registers itself in rt.sessions for its whole life.
  net::awaitable<void> run();
  // Ends the session from any thread (its control connection was lost).
  void end();

 private:
  net::awaitable<void> serve(tls_stream& gw);
  template <class From, class To>
  net::awaitable<void> copy(From& from, To& to);
  void close_all();

  runtime& rt_;
  wire::connector::open_request req_;
  net::asio::any_io_executor ex_;
  std::string tag_;                   // short hex of the session id, for logs
  // Touched on ex_ only.
  tls_stream* gw_ = nullptr;
  net::tcp::socket* db_ = nullptr;
  bool ended_ = false;
};

}  // namespace gh::connector
