// `gatehouse connector --config F`: the process next to the database.
#pragma once

#include "config/connector_config.hpp"

namespace gh::connector {

// Runs until SIGINT or SIGTERM; returns the process exit code. Fails at
// start (non-zero) only when its TLS trust cannot be loaded; an unreachable
// gateway is retried for ever.
int run_connector(const config::connector_config& cfg);

}  // namespace gh::connector
