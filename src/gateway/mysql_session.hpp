// One MySQL/MariaDB client session, from its first byte to its last: the
// gateway's Handshake v10, TLS on the client's SSLRequest, the token through
// mysql_clear_password (the gateway switches the client to it), the
// connection the handshake's database names, the upstream session, then the
// relay. docs/mysql.md says what a client sees.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include "gateway/net.hpp"

namespace gh::gateway {

class worker;

struct mysql_session_tls {
  net::asio::ssl::context* listener = nullptr;  // gateway.mysql.tls; null: no TLS offered
};

// Runs on the worker's io_context; never throws.
net::awaitable<void> run_mysql_session(net::tcp::socket socket, worker& w, mysql_session_tls tls);

}  // namespace gh::gateway
