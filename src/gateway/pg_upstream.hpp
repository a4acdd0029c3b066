// Opens the upstream PostgreSQL session for one client session: connect,
// TLS as the connection's `tls` asks (SSLRequest, then the handshake),
// StartupMessage, authenticate as the server asks (SCRAM-SHA-256, md5,
// cleartext or trust), collect ParameterStatus and BackendKeyData until the
// first ReadyForQuery.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/expected.hpp"
#include "common/random.hpp"
#include "config/config.hpp"
#include "connector/tls.hpp"
#include "gateway/cancel_registry.hpp"
#include "gateway/net.hpp"

namespace gh::wire::pg {
class scram_key_cache;
}

namespace gh::gateway {

struct upstream_settings {
  std::string host;
  std::uint16_t port = 5432;
  std::string user;
  std::string password;     // resolved secret; never logged
  std::string database;
  std::vector<std::pair<std::string, std::string>> params;  // passed-through client params
  bool read_only = false;   // the second wall: default_transaction_read_only=on
  std::chrono::milliseconds connect_timeout{5000};  // to connect, and again for the TLS handshake
  config::upstream_tls tls = config::upstream_tls::disable;
  net::asio::ssl::context* tls_context = nullptr;     // make_database_tls(tls, ...); null for disable
  wire::pg::scram_key_cache* scram_keys = nullptr;    // SCRAM keys kept across logins; null: derived each time
  // When the login (after connect and TLS) must be over.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

struct upstream_session {
  net::tcp::socket socket;  // the connection, unless it runs over TLS:
  std::unique_ptr<connector::tls_stream> tls;  // then here (it owns the socket)
  std::string greeting;     // ParameterStatus and NoticeResponse messages to relay, as sent
  backend_key key;          // the upstream backend's own key, for cancels
  char tx_status = 'I';
};

struct upstream_failure {
  std::string sqlstate;     // what the client gets
  std::string message;      // for the client: names the connection, not the address
  std::string detail;       // for the log only: address, server message
};

net::awaitable<expected<upstream_session, upstream_failure>> open_upstream(
    const upstream_settings& s, std::string_view connection_name, const random_source& rng);

// Delivers a CancelRequest with the upstream key (best effort, own connection).
net::awaitable<void> send_upstream_cancel(const cancel_target& target);

}  // namespace gh::gateway
