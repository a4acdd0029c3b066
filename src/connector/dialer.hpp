// Dials the gateway's connectors listener: TCP, the plaintext preamble,
// then TLS with the gateway's certificate verified against the connector's
// CA and its name (or IP) against `connector.gateway`. Nothing secret is
// sent before that handshake succeeds.
#pragma once

#include <memory>
#include <string>

#include "common/expected.hpp"
#include "connector/runtime.hpp"
#include "wire/connector/preamble.hpp"

namespace gh::connector {

struct dial_failure {
  bool untrusted = false;   // the TLS handshake failed: wrong certificate, name or CA
  std::string what;
};

// On the caller's executor; all of it within handshake_timeout.
net::awaitable<expected<std::unique_ptr<tls_stream>, dial_failure>> dial_gateway(runtime& rt,
                                                                                const wire::connector::preamble& p);

}  // namespace gh::connector
