// The gateway process: io workers, listeners, the audit ingester, and an
// orderly shutdown on SIGTERM/SIGINT (no new sessions, running statements
// answered, the audit flushed, all within gateway.drain_timeout).
#pragma once

#include "config/config.hpp"

namespace gh::gateway {

// Blocks until a signal ends the gateway. Returns the process exit code.
// Start-up failures (a port in use, an unreadable store) are reported on
// stderr with what to do, and return non-zero before anything listens.
int run_gateway(config::config cfg);

}  // namespace gh::gateway
