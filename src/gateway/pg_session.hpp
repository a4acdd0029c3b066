// One PostgreSQL client session, from its first byte to its last: startup
// (SSLRequest, GSSENCRequest, CancelRequest, StartupMessage), the token as a
// cleartext password, the upstream session, then the relay.
#pragma once

#include "gateway/net.hpp"

namespace gh::gateway {

class worker;

// Runs on the worker's io_context; never throws. Over limits.max_connections
// the session reads the startup packet and answers 53300.
net::awaitable<void> run_pg_session(net::tcp::socket socket, worker& w);

}  // namespace gh::gateway
