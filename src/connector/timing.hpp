// Timers of the connector protocol, shared by both ends so they agree.
#pragma once

#include <chrono>

namespace gh::connector {

using namespace std::chrono_literals;

// Each end sends a heartbeat this often on the control connection...
inline constexpr std::chrono::seconds heartbeat_interval = 5s;
// ...and holds the other dead after this long without any frame from it.
inline constexpr std::chrono::seconds peer_silence_max = 15s;
// From accept (or dial) to a finished TLS handshake and first frame.
inline constexpr std::chrono::seconds handshake_timeout = 10s;
// From the gateway's `open` to the connector's `ready` or `failed` on the
// data connection (dial, TLS, the database's own startup and login).
inline constexpr std::chrono::seconds open_timeout = 10s;

}  // namespace gh::connector
