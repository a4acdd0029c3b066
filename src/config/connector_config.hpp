// The connector's own file (DESIGN.md, issue 7): who it is, where the
// gateway is, the token it presents, the CA it trusts for the gateway's
// certificate, and the connections it serves with their addresses and
// secrets — which therefore never reach the gateway.
//
//   connector: { name: east, gateway: "gw.example:8443", token: "env:GH_CONNECTOR_TOKEN",
//                ca: /etc/gatehouse/ca.pem }
//   connections:
//     far: { type: postgres, host: db, port: 5432, database: app, user: app_agent,
//            password: "file:/run/secrets/app" }
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "config/config.hpp"

namespace gh::config {

struct connector_config {
  std::string path;
  std::string name;                  // as the gateway's connectors: list names it
  std::string gateway_host;          // also the name its certificate must carry
  std::uint16_t gateway_port = 0;
  secret token;                      // its sha256 is the gateway's token_sha256
  std::string ca;                    // PEM file; empty: the system's trust store
  std::map<std::string, connection> connections;  // never with `connector` set
};

// Reads, validates and resolves the connector's file; throws config_error
// like load_config.
connector_config load_connector_config(const std::string& path);
connector_config parse_connector_config(const std::string& yaml_text, const std::string& path,
                                        const system_access& system);

}  // namespace gh::config
