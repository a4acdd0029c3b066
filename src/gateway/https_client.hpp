// A small HTTP GET client for what the gateway fetches from identity
// providers (discovery documents and key sets). Coroutine-based, on the
// caller's executor. What it guarantees, because an identity provider's
// answer decides who may speak:
//  - https: the certificate chain is verified against the context's trust
//    store (the system's, or one CA file) and the name against the URL's host
//    (DNS name or IP address, no partial wildcards); no verification, no body;
//  - plain http only to loopback (a test provider on the same machine), checked
//    on the URL's host before any connection and on every resolved address;
//  - one deadline for the whole exchange (resolve, connect, TLS, request,
//    response, redirects);
//  - the body is refused past `body_max` bytes before it is buffered whole;
//  - redirects are followed only to the same scheme, host and port.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/expected.hpp"
#include "gateway/net.hpp"

namespace boost::asio::ssl {
class context;
}

namespace gh::gateway {

struct fetch_limits {
  std::chrono::milliseconds timeout{10'000};  // the whole exchange, redirects included
  std::size_t body_max = 1024 * 1024;
  std::size_t header_max = 16 * 1024;
  int redirects_max = 3;                      // same origin only
};

enum class fetch_error {
  bad_url,             // not an absolute http(s) URL with a host; user info in it
  plain_http_refused,  // http:// to a host that is not loopback
  resolve_failed,
  connect_failed,
  tls_failed,          // handshake failed, certificate or name not verified
  timeout,
  io_failed,           // the connection broke during the exchange
  bad_response,        // not HTTP/1.x, headers past header_max
  too_large,           // the body exceeds body_max
  bad_status,          // a status other than 200 (or a redirect)
  redirect_refused,    // to another scheme, host or port, or too many
};
std::string_view describe(fetch_error e);

struct fetch_failure {
  fetch_error reason;
  std::string detail;  // what the system or the server said: "certificate has expired", "HTTP 404"
};
// "describe(reason): detail", for a log line.
std::string to_string(const fetch_failure& f);

// A TLS client context that verifies peers: against the system's trust store,
// or only against the PEM certificates in `ca_file` when it is not empty.
// TLS 1.2 at least. Throws std::runtime_error when the file cannot be loaded
// (start-up code path).
std::shared_ptr<boost::asio::ssl::context> make_client_tls(const std::string& ca_file = {});

class https_client {
 public:
  // `tls` must verify peers (make_client_tls); it is shared, not copied.
  explicit https_client(std::shared_ptr<boost::asio::ssl::context> tls) : tls_(std::move(tls)) {}

  // GET `url`; the body of a 200 answer. Runs on the awaiting coroutine's
  // executor; thread-safe (holds no state of its own but the TLS context).
  net::awaitable<expected<std::string, fetch_failure>> get(std::string url,
                                                           fetch_limits limits = {}) const;

 private:
  std::shared_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace gh::gateway
