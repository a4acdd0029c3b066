// Opens the upstream MySQL/MariaDB session for one client session: connect,
// read the server's Handshake v10, TLS when the server offers it,
// authenticate as the server asks (mysql_native_password,
// caching_sha2_password fast and full, mysql_clear_password inside TLS or
// to loopback only), then pin the session before the client may send
// anything: session state tracking on (schema, sql_mode, the character set,
// the read-only flag), SET SESSION TRANSACTION READ ONLY for a principal that
// may only read (the second wall, read back to be sure), and the session's
// sql_mode, database and character set read from the server.
// Also runs the gateway's own queries on an open session (when grants change).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "common/random.hpp"
#include "gateway/io_buffer.hpp"
#include "gateway/mysql_stream.hpp"
#include "config/config.hpp"
#include "gateway/mysql_tracking.hpp"
#include "gateway/net.hpp"
#include "wire/mysql/constants.hpp"

namespace gh::gateway {

struct mysql_upstream_settings {
  std::string host;
  std::uint16_t port = 3306;
  std::string user;
  std::string password;  // resolved secret; never logged
  std::string database;
  bool read_only = true;  // the second wall
  // The capabilities the client negotiated with the gateway that shape the
  // server's responses; the upstream session gets the same ones (the gateway
  // relays responses as they are), plus session tracking.
  wire::mysql::capabilities client_caps = 0;
  std::uint8_t collation = wire::mysql::collation_utf8mb4_general_ci;
  // The connection's `tls` and its context (services::database_tls; null
  // only for disable).
  config::upstream_tls tls_mode = config::upstream_tls::disable;
  net::asio::ssl::context* tls = nullptr;
  std::chrono::milliseconds connect_timeout{5000};
  // When the whole start (handshake, authentication, pinning) must be over.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

struct mysql_upstream {
  std::unique_ptr<mysql_stream> stream;
  wire::mysql::capabilities caps = 0;  // negotiated with the server
  std::uint16_t status = 0;            // status flags of the last answer
  std::string server_version;
  std::uint32_t thread_id = 0;
  mysql_session_state state;           // started from what the server said
};

struct mysql_upstream_failure {
  std::uint16_t code = 2013;
  std::string sqlstate = "HY000";
  std::string message;  // for the client: names the connection, not the address
  std::string detail;   // for the log only
};

net::awaitable<expected<mysql_upstream, mysql_upstream_failure>> open_mysql_upstream(
    const mysql_upstream_settings& s, std::string_view connection_name);

// The pinning step of open_mysql_upstream (mysql_pin.cpp): tracking on, the
// second wall, and the session's starting state read from the server.
net::awaitable<expected<void, mysql_upstream_failure>> pin_mysql_session(mysql_upstream& up, io_buffer& buf,
                                                                        const mysql_upstream_settings& s,
                                                                        std::string_view connection_name);

// What the server answered to one of the gateway's own queries.
struct mysql_query_result {
  bool ok = false;  // false: an ERR
  std::uint16_t error_code = 0;
  std::string error;
  std::vector<std::vector<std::optional<std::string>>> rows;  // text rows of a result set
  std::uint16_t status = 0;                                   // of the last OK or EOF
  std::vector<std::string> session_states;                    // of each OK, as sent
};

// Sends `sql` as a COM_QUERY and reads the whole response. `buf` holds what
// was read from the server and not yet used (nothing, between commands).
// An error: the server broke the protocol or went away.
net::awaitable<expected<mysql_query_result, std::string>> run_mysql_query(mysql_stream& s, io_buffer& buf,
                                                                         wire::mysql::capabilities caps,
                                                                         std::string_view sql);

}  // namespace gh::gateway
